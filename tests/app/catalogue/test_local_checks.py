"""A check the organisation adds (`[[checks.local]]`) is a check everywhere in the register; one removed
from the configuration keeps its records as a retired check (issue 14, CONTRACT.md)."""
import json
import os
from datetime import date

import pytest
from sqlalchemy import select

from fpp.config import ConfigError, load_settings
from fpp.extensions import db
from fpp.register.models import CheckRecord
from checks import CHECK_CODES

LOCAL = [
    {"code": "interests_review", "label": "Declared interests review", "applies_to": "all", "validity_months": 12},
    {"code": "right_to_work_limited", "label": "Time-limited right to work", "applies_to": "all",
     "expiry": "per_record", "regulation5": True},
    {"code": "overseas_police", "label": "Overseas police check", "applies_to": "executive", "validity_months": 0},
]
LOCAL_CODES = [entry["code"] for entry in LOCAL]


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "checks_local": LOCAL}


def form(**values):
    data = {"code": "right_to_work_limited", "completed_on[day]": "1", "completed_on[month]": "3",
            "completed_on[year]": "2025", "outcome": "clear", "expires_on[day]": "31",
            "expires_on[month]": "8", "expires_on[year]": "2027"}
    return data | values


def status_document(runner, as_of="2026-06-30"):
    result = runner("status", "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_local_checks_appear_in_the_status_json_after_the_standard_ones(runner, create_member, create_record):
    member = create_member(member_id="L001", start_on=date(2020, 1, 1))
    create_member(member_id="L002", position="executive", is_executive=True, start_on=date(2020, 1, 1))
    create_record(member, "interests_review", date(2026, 2, 1))
    create_record(member, "right_to_work_limited", date(2026, 1, 10), expires_on=date(2026, 8, 1))
    document = status_document(runner)
    by_id = {m["member_id"]: m for m in document["members"]}
    assert list(by_id["L001"]["checks"]) == [*CHECK_CODES, *LOCAL_CODES]
    checks = by_id["L001"]["checks"]
    assert checks["interests_review"] == {"status": "valid", "completed_on": "2026-02-01", "expires_on": "2027-02-01"}
    assert checks["right_to_work_limited"] == {"status": "due_soon", "completed_on": "2026-01-10",
                                               "expires_on": "2026-08-01"}
    assert checks["overseas_police"]["status"] == "not_required"
    assert by_id["L002"]["checks"]["overseas_police"]["status"] == "missing"
    assert by_id["L002"]["checks"]["interests_review"]["status"] == "missing"


def test_the_board_and_the_member_page_show_a_local_check(client, login, create_member, create_record):
    member = create_member(name="Ada Local")
    create_record(member, "interests_review", date(2026, 2, 1))
    login("secretary")
    board = client.get("/board").get_data(as_text=True)
    assert "Declared interests review" in board and "Time-limited right to work" in board
    page = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert 'id="check-interests_review"' in page and 'id="check-right_to_work_limited"' in page
    assert "valid until the expiry date stated on its document" in page


def test_the_record_form_offers_a_local_check_and_needs_its_stated_expiry(client, login, create_member):
    member = create_member()
    login("secretary")
    page = client.get(f"/members/{member.id}/checks/new").get_data(as_text=True)
    assert '<option value="interests_review">Declared interests review</option>' in page
    missing = client.post(f"/members/{member.id}/checks/new",
                          data=form(**{"expires_on[day]": "", "expires_on[month]": "", "expires_on[year]": ""}))
    assert "Enter the expiry date stated on the Time-limited right to work document" in missing.get_data(as_text=True)
    before = client.post(f"/members/{member.id}/checks/new", data=form(**{"expires_on[year]": "2024"}))
    assert "The expiry date cannot be before the date the check was completed" in before.get_data(as_text=True)
    assert db.session.execute(select(CheckRecord)).first() is None
    saved = client.post(f"/members/{member.id}/checks/new", data=form())
    assert saved.status_code == 302
    record = db.session.execute(select(CheckRecord)).scalar_one()
    assert (record.code, record.expires_on) == ("right_to_work_limited", date(2027, 8, 31))


def test_a_stated_expiry_belongs_only_on_a_per_record_check(client, login, create_member):
    member = create_member()
    login("secretary")
    response = client.post(f"/members/{member.id}/checks/new", data=form(code="interests_review"))
    assert "An expiry date belongs only on a check whose documents state their own" in response.get_data(as_text=True)


def test_a_check_removed_from_the_configuration_is_retired_not_deleted(
        app, engine, settings_overrides, monkeypatch, create_member, create_record, runner, client, login):
    member = create_member(member_id="R001", name="Rita Retired")
    create_record(member, "interests_review", date(2026, 2, 1), notes="Interests reviewed")
    fewer = {**settings_overrides, "checks_local": LOCAL[1:]}
    app.extensions["fpp_settings"] = load_settings(os.devnull, fewer, environ={})
    document = status_document(runner)
    assert "interests_review" not in document["members"][0]["checks"]
    assert list(document["members"][0]["checks"]) == [*CHECK_CODES, *LOCAL_CODES[1:]]
    login("secretary")
    page = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "Retired checks" in page and "interests_review (retired check)" in page and "Interests reviewed" in page
    assert db.session.execute(select(CheckRecord).where(CheckRecord.code == "interests_review")).scalar_one()


@pytest.mark.parametrize("entry, key", [
    ({"code": "dbs", "label": "Ours", "applies_to": "all", "validity_months": 12}, "checks.local[1].code"),
    ({"code": "ours", "label": "Ours", "applies_to": "trustees", "validity_months": 12}, "checks.local[1].applies_to"),
    ({"code": "ours", "label": "Ours", "applies_to": "all", "validity_months": "twelve"},
     "checks.local[1].validity_months"),
])
def test_start_up_stops_on_a_malformed_local_check_naming_the_key(tmp_path, entry, key):
    config = tmp_path / "config.toml"
    lines = [f"{name} = {json.dumps(value)}" for name, value in entry.items()]
    config.write_text("[[checks.local]]\n" + "\n".join(lines) + "\n")
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]")):
        load_settings(config, environ={"FPP_DATA_DIR": str(tmp_path)})


def test_a_local_check_read_from_the_toml_file(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[[checks.local]]\ncode = "interests_review"\nlabel = "Declared interests review"\n'
                      'applies_to = "all"\nvalidity_months = 12\n\n[retention.evidence_years]\ninterests_review = 1\n')
    settings = load_settings(config, environ={"FPP_DATA_DIR": str(tmp_path)})
    assert settings.rules.codes[-1] == "interests_review"
    assert settings["retention_evidence_years"] == {"interests_review": 1}


def _contract_workbook(tmp_path, checks_rows):
    from openpyxl import Workbook
    book = Workbook()
    book.remove(book.active)
    members = book.create_sheet("Members")
    members.append(["Member ID", "Name", "Position", "Start date", "Executive"])
    members.append(["W01", "Wendy Workbook", "Executive director", date(2020, 1, 1), "Yes"])
    checks = book.create_sheet("Checks")
    checks.append(["Member ID", "Check", "Completed on", "Outcome", "Expires on", "Searched name",
                   "Searched date of birth", "Searched by"])
    for row in checks_rows:
        checks.append(row)
    path = tmp_path / "board.xlsx"
    book.save(path)
    return path


def test_the_contract_workbook_names_a_local_check_by_code_or_label_with_its_stated_expiry(runner, tmp_path):
    path = _contract_workbook(tmp_path, [
        ["W01", "Declared interests review", date(2026, 2, 1), "clear", None, None, None, None],
        ["W01", "right_to_work_limited", date(2026, 1, 10), "clear", date(2026, 8, 1), None, None, None],
        ["W01", "insolvency", date(2026, 3, 1), "clear", None, "Wendy Workbook", date(1970, 5, 1), "The secretary"],
    ])
    result = runner("import", path)
    assert result.exit_code == 0, result.output
    checks = status_document(runner)["members"][0]["checks"]
    assert checks["interests_review"]["status"] == "valid"
    assert checks["right_to_work_limited"] == {"status": "due_soon", "completed_on": "2026-01-10",
                                               "expires_on": "2026-08-01"}
    assert checks["overseas_police"]["status"] == "missing"  # an executive director
    search = db.session.execute(select(CheckRecord).where(CheckRecord.code == "insolvency")).scalar_one()
    assert (search.searched_name, search.searched_dob, search.searched_by) == (
        "Wendy Workbook", date(1970, 5, 1), "The secretary")


@pytest.mark.parametrize("row, message", [
    (["W01", "right_to_work_limited", date(2026, 1, 10), "clear", None, None, None, None],
     "is required for Time-limited right to work"),
    (["W01", "interests_review", date(2026, 1, 10), "clear", date(2027, 1, 1), None, None, None],
     "belongs only on a check whose document states its own expiry"),
    (["W01", "An unknown check", date(2026, 1, 10), "clear", None, None, None, None],
     "is not a check code or name"),
])
def test_the_contract_workbook_refuses_a_bad_local_check_row_naming_the_cell(runner, tmp_path, row, message):
    result = runner("import", _contract_workbook(tmp_path, [row]))
    assert result.exit_code == 1 and message in result.output and "Checks" in result.output
    assert db.session.execute(select(CheckRecord)).first() is None


def test_a_local_check_reaches_every_export_the_mail_and_the_calendar(app, client, login, runner, create_member,
                                                                        create_record, create_user, tmp_path):
    """The declaration workbook, the pack's workbook and evidence, the board summary (in the workbook), the
    tracker export, a reminder and the calendar feed all name a local check by its label."""
    import io
    import zipfile

    from icalendar import Calendar
    from openpyxl import load_workbook

    from fpp.register.operations import add_evidence
    from fpp.timeutil import freeze
    from datetime import datetime
    create_user("secretary", email="sec@example.nhs.uk")
    member = create_member(member_id="X001", name="Xena Local", email="xena@example.nhs.uk", start_on=date(2020, 1, 1))
    record = create_record(member, "right_to_work_limited", date(2025, 6, 1), expires_on=date(2026, 6, 20))
    add_evidence(record, "visa.pdf", io.BytesIO(b"%PDF-1.4 visa"), None)
    db.session.commit()
    with freeze(datetime(2026, 6, 1, 6, 0)):
        workbook = tmp_path / "declaration.xlsx"
        assert runner("export", "declaration", "--year", "2025", "--output", workbook).exit_code == 0
        sheet = load_workbook(workbook)["Board members"]
        headers = [c.value for row in sheet.iter_rows(max_row=3) for c in row if c.value]
        assert "Time-limited right to work: status" in headers and "Declared interests review: status" in headers

        pack = tmp_path / "pack.zip"
        assert runner("export", "pack", "--year", "2025", "--output", pack).exit_code == 0, "pack"
        with zipfile.ZipFile(pack) as archive:
            assert any(name.endswith("visa.pdf") and "right_to_work_limited" in name for name in archive.namelist())

        tracker = tmp_path / "tracker.xlsx"
        assert runner("export", "tracker", "--as-of", "2026-06-01", "--output", tracker).exit_code == 0
        headers = [c.value for c in load_workbook(tracker).worksheets[0][1]]
        assert "Time-limited right to work" in headers and "Overseas police check" in headers

        assert runner("reminders", "run", "--as-of", "2026-06-01").exit_code == 0
        from fpp.reminders.models import OutboxMessage
        mail = db.session.execute(select(OutboxMessage).where(OutboxMessage.recipient == "xena@example.nhs.uk")).scalar_one()
        assert "Time-limited right to work: valid until 20/06/2026" in mail.body_text
        assert "Declared interests review" in mail.body_text  # missing: to be recorded

        login("secretary")
        feed = client.post("/calendar", data={"action": "create"}).data.decode()
        url = "/calendar/feed/" + feed.split("/calendar/feed/", 1)[1].split(".ics", 1)[0] + ".ics"
        summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(client.get(url).data).walk("VEVENT")]
        assert "Time-limited right to work valid until 20/06/2026: Xena Local" in summaries


def test_a_tracker_column_named_as_a_local_check_imports_into_it(runner, tmp_path):
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "ESR no.", "Exec / NED", "Job title", "Date appointed", "Declared interests review"])
    sheet.append(["Tia Tracker", "2001", "NED", "Non-executive director", date(2020, 1, 1), date(2026, 2, 1)])
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    result = runner("import-tracker", path)
    assert result.exit_code == 0, result.output
    record = db.session.execute(select(CheckRecord).where(CheckRecord.code == "interests_review")).scalar_one()
    assert record.completed_on == date(2026, 2, 1)
