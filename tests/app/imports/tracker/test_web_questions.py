"""The tracker pages ask rather than drop or overwrite: a column of check values must be chosen, a
suggestion is preselected, answers are kept with the upload (leave and come back), a future date is
refused in the preview, a rename is confirmed per member; and the CLI shows each change and takes
--accept-renames."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from fpp.extensions import db
from fpp.people.models import Member
from fpp.register.models import CheckRecord
from tests.data.trackers.make_trackers import HERE as TRACKERS

from .conftest import HEADERS, row
from .test_web import mapping_form, upload

HOMEMADE = TRACKERS / "homemade-tracker.xlsx"


def selects(page: str) -> dict[str, str]:
    """Each column select's selected value ("" for "Choose what this column holds"), select by select."""
    found = re.findall(r'<select class="nhsuk-select" id="(column-\d+)"(.*?)</select>', page, flags=re.S)
    return {name: (re.search(r'<option value="([^"]*)" selected', body) or [None, None])[1] for name, body in found}


def members():
    return db.session.execute(select(func.count()).select_from(Member)).scalar()


def test_the_mapping_page_preselects_a_suggestion_and_makes_a_column_of_dates_be_chosen(client, login):
    login("secretary")
    mapping_url = upload(client, HOMEMADE).headers["Location"]
    page = client.get(mapping_url).data.decode()
    fields = selects(page)
    assert fields["column-18"] == "" and "holds check values (S3)" in page  # Mandatory training
    assert fields["column-17"] == "check.appraisal" and "Suggested, because it is close to" in page  # Apraisal
    assert fields["column-14"] == "check.employment_history"  # Employment history & references: two checks
    assert fields["column-19"] == "ignore"  # Parking permit: "Bay 4" is not a check value
    refused = client.post(mapping_url, data=fields)  # left on "Choose"
    assert refused.status_code == 200 and "Say what column &#39;Mandatory training&#39; holds" in refused.data.decode()
    response = client.post(mapping_url, data={**fields, "column-18": "ignore"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/preview")


def _preview(client, path):
    mapping_url = upload(client, path).headers["Location"]
    fields = mapping_form(client.get(mapping_url).data.decode())
    return client.post(mapping_url, data=fields).headers["Location"]


def test_answers_are_kept_with_the_upload_when_the_page_is_left(client, login, make_xlsx):
    login("secretary")
    preview_url = _preview(client, make_xlsx([HEADERS, row(identity="Yes")]))
    page = client.post(preview_url, data={"answer-F2": "clear 01/05/2025", "action": "preview"}).data.decode()
    assert " disabled>" not in page
    client.get("/imports/tracker")  # away, then back
    page = client.get(preview_url).data.decode()
    assert 'value="clear 01/05/2025"' in page and " disabled>" not in page
    assert client.post(preview_url, data={"action": "apply"}).status_code == 302
    assert db.session.execute(select(CheckRecord.completed_on).where(CheckRecord.code == "identity")).scalar() \
        == date(2025, 5, 1)


def test_a_blank_answer_removes_the_kept_one(client, login, make_xlsx):
    login("secretary")
    preview_url = _preview(client, make_xlsx([HEADERS, row(identity="Yes")]))
    client.post(preview_url, data={"answer-F2": "skip", "action": "preview"})
    page = client.post(preview_url, data={"answer-F2": "", "action": "preview"}).data.decode()
    assert 'value="skip"' not in page and "disabled>" in page


def test_a_future_date_is_refused_in_the_preview(client, login, make_xlsx):
    login("secretary")
    preview_url = _preview(client, make_xlsx([HEADERS, row(identity="Yes")]))
    page = client.post(preview_url, data={"answer-F2": "clear 01/01/2030", "action": "preview"}).data.decode()
    assert "There is a problem" in page and "is after today (14/05/2025)" in page and "disabled>" in page
    client.post(preview_url, data={"action": "apply"})
    assert members() == 0


def test_a_rename_is_confirmed_per_member_and_shows_before_and_after(client, login, make_xlsx, runner):
    assert runner("import-tracker", make_xlsx([HEADERS, row()], name="first.xlsx")).exit_code == 0
    login("secretary")
    preview_url = _preview(client, make_xlsx([HEADERS, row(name="Ann Jones")]))
    page = client.get(preview_url).data.decode()
    assert "Is this the same person?" in page and "name &#39;Ann Smith&#39; \u2192 &#39;Ann Jones&#39;" in page
    assert "disabled>" in page
    page = client.post(preview_url, data={"answer-rename 1001": "yes", "action": "preview"}).data.decode()
    assert 'value="yes" checked' in page and " disabled>" not in page
    assert client.post(preview_url, data={"action": "apply"}).status_code == 302
    assert db.session.execute(select(Member.name)).scalar_one() == "Ann Jones"


def test_discarding_an_upload_forgets_it(client, login, make_xlsx):
    login("secretary")
    preview_url = _preview(client, make_xlsx([HEADERS, row(identity="Yes")]))
    response = client.post(preview_url, data={"action": "discard"}, follow_redirects=True)
    assert "was discarded: nothing was imported" in response.data.decode()
    again = client.get(preview_url, follow_redirects=True).data.decode()
    assert "This upload was discarded" in again and members() == 0


def test_the_cli_dry_run_shows_each_change_and_a_rename_waits_for_accept_renames(runner, make_xlsx, write_text):
    assert runner("import-tracker", make_xlsx([HEADERS, row()], name="first.xlsx")).exit_code == 0
    path = make_xlsx([HEADERS, row(name="Ann Jones", title="Chief Finance Officer")])
    asked = runner("import-tracker", path, "--dry-run")
    assert asked.exit_code == 1 and '"rename 1001" = ?' in asked.output and "--accept-renames" in asked.output
    assert "name 'Ann Smith' \u2192 'Ann Jones' (A2)" in asked.output
    assert "role title 'Director of Finance' \u2192 'Chief Finance Officer' (D2)" in asked.output
    by_file = runner("import-tracker", path, "--dry-run", "--answers", write_text("a.toml", '"rename 1001" = "yes"\n'))
    assert by_file.exit_code == 0, by_file.output
    result = runner("import-tracker", path, "--accept-renames")
    assert result.exit_code == 0, result.output
    assert db.session.execute(select(Member.name, Member.role_title)).one() == ("Ann Jones", "Chief Finance Officer")


def test_each_committed_tracker_imports_by_the_cli_once_its_columns_are_answered(runner, write_text, register_counts):
    answers = write_text("homemade.toml", '"Employment history & references" = "check.employment_history"\n'
                                          '"Apraisal" = "check.appraisal"\n"Mandatory training" = "ignore"\n')
    for name, extra in (("acute-fppt-tracker.xlsx", ()), ("community-board-checks.xlsx", ()),
                        ("homemade-tracker.xlsx", ("--answers", answers))):
        result = runner("import-tracker", TRACKERS / name, *extra)
        assert result.exit_code == 0, result.output
    assert register_counts()[0] == 11
