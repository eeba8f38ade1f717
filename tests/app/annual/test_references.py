"""Board Member References: the leaver's BMR, its printable page, where it was sent, BMRs received."""
import html
import json
from datetime import date

import pytest
from sqlalchemy import select

from checks.annual import BMR_REQUIRED
from fpp.annual.models import LeaverReference
from fpp.audit.models import AuditEntry
from fpp.extensions import db
from fpp.people.operations import end_appointment
from fpp.register.models import CheckRecord
from tests.app.annual.conftest import date_parts


def bmr_data(**overrides) -> dict:
    data = {"organisation": "Test NHS Trust", "roles_and_dates": "NED, 2020 to 2026", "reason_for_leaving": "Term ended",
            "disciplinary_findings": "None", "open_investigations": "None",
            "discontinued_matters": "A grievance, withdrawn in 2024", "conduct_concerns": "None",
            "settlement_agreement": "None", "regulator_referrals": "None", "is_fit_and_proper": "yes",
            "fit_and_proper_reasons": "Exemplary conduct", "completed_by_name": "Clara Chair",
            "completed_by_role": "Chair", **date_parts("completed_on", date(2026, 3, 5))}
    return data | overrides


@pytest.fixture
def leaver(board):
    end_appointment(board.ned, date(2026, 3, 1))
    db.session.commit()
    return board.ned


def _records(member, code):
    return db.session.execute(select(CheckRecord).where(CheckRecord.member_pk == member.id,
                                                        CheckRecord.code == code)).scalars().all()


def test_ending_an_appointment_opens_the_task_on_the_member_page_and_the_year(client, board, leaver, sign_in):
    sign_in(board.secretary)
    page = client.get(f"/members/{leaver.id}").get_data(as_text=True)
    assert "Task: leaver reference" in page and "due by 31/03/2026" in page
    assert "complete the BMR" in client.get("/years/2025").get_data(as_text=True)


@pytest.mark.parametrize("fit, outcome", [("yes", "clear"), ("no", "issue")])
def test_completing_the_bmr_records_the_leaver_reference_check(client, board, leaver, sign_in, fit, outcome):
    sign_in(board.secretary)
    response = client.post(f"/members/{leaver.id}/leaver-reference", data=bmr_data(is_fit_and_proper=fit))
    assert response.status_code == 302
    [record] = _records(leaver, "leaver_reference")
    assert record.outcome == outcome
    reference = db.session.execute(select(LeaverReference)).scalar()
    assert reference.check_record_id == record.id and reference.direction == "given"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Board Member Reference" in page and "Exemplary conduct" in page and 'class="fpp-bmr"' in page
    assert "<style" not in page  # the print rules live in fpp.css: the CSP allows no inline style


def test_a_second_bmr_is_refused(client, board, leaver, sign_in):
    sign_in(board.secretary)
    client.post(f"/members/{leaver.id}/leaver-reference", data=bmr_data())
    text = client.post(f"/members/{leaver.id}/leaver-reference", data=bmr_data()).get_data(as_text=True)
    assert "was already completed on 05/03/2026" in text
    assert len(_records(leaver, "leaver_reference")) == 1


def test_a_serving_member_has_no_leaver_reference(client, board, sign_in):
    sign_in(board.secretary)
    text = client.post(f"/members/{board.sid.id}/leaver-reference", data=bmr_data()).get_data(as_text=True)
    assert "is still serving: end the appointment first" in text


@pytest.mark.parametrize("field, message", BMR_REQUIRED)
def test_every_bmr_field_is_required(client, board, leaver, sign_in, field, message):
    sign_in(board.secretary)
    data = bmr_data()
    if field == "completed_on":
        data.update(date_parts("completed_on", date(2026, 3, 5)) | {"completed_on[day]": "", "completed_on[month]": "",
                                                                   "completed_on[year]": ""})
    else:
        data[field] = ""
    response = client.post(f"/members/{leaver.id}/leaver-reference", data=data)
    assert response.status_code == 200 and message in html.unescape(response.get_data(as_text=True))
    assert _records(leaver, "leaver_reference") == []


@pytest.mark.parametrize("change, message", [
    (date_parts("completed_on", date(2026, 4, 1)), "The completion date cannot be in the future"),
    ({"completed_on[day]": "31", "completed_on[month]": "2", "completed_on[year]": "2026"}, "must be a real date"),
    ({"is_fit_and_proper": "maybe"}, "Not a valid choice"),
])
def test_bad_bmr_input_is_refused(client, board, leaver, sign_in, change, message):
    sign_in(board.secretary)
    response = client.post(f"/members/{leaver.id}/leaver-reference", data=bmr_data(**change))
    assert message in response.get_data(as_text=True)
    assert _records(leaver, "leaver_reference") == []


@pytest.mark.parametrize("data, message", [
    ({"sent_to": "", **date_parts("sent_on", date(2026, 3, 6))}, "Enter who the reference was sent to"),
    ({"sent_to": "HR, Other Trust"}, "Enter the date it was sent"),
    ({"sent_to": "HR, Other Trust", **date_parts("sent_on", date(2026, 3, 11))}, "cannot be in the future"),
    ({"sent_to": "HR, Other Trust", **date_parts("sent_on", date(2026, 3, 4))}, "before the reference was completed"),
])
def test_recording_where_it_was_sent(client, board, leaver, sign_in, data, message):
    sign_in(board.secretary)
    client.post(f"/members/{leaver.id}/leaver-reference", data=bmr_data())
    reference = db.session.execute(select(LeaverReference)).scalar()
    response = client.post(f"/references/{reference.id}/sent", data=data)
    assert message in response.get_data(as_text=True) and reference.sent_on is None
    good = {"sent_to": "HR, Other Trust", **date_parts("sent_on", date(2026, 3, 6))}
    assert client.post(f"/references/{reference.id}/sent", data=good).status_code == 302
    assert (reference.sent_to, reference.sent_on) == ("HR, Other Trust", date(2026, 3, 6))
    assert "This sending is already recorded" in client.post(f"/references/{reference.id}/sent", data=good).get_data(as_text=True)


def test_a_bmr_received_records_the_references_check(client, board, sign_in):
    sign_in(board.secretary)
    response = client.post(f"/members/{board.sid.id}/references/received",
                           data=bmr_data(organisation="Previous Trust", is_fit_and_proper="no"))
    assert response.status_code == 302
    reference = db.session.execute(select(LeaverReference)).scalar()
    assert reference.direction == "received"
    record = db.session.get(CheckRecord, reference.check_record_id)
    assert (record.code, record.outcome) == ("references", "issue")
    assert "Previous Trust" in client.get(f"/members/{board.sid.id}").get_data(as_text=True)


def test_the_discontinued_matters_are_on_the_printable_reference_and_in_the_audit_trail(client, board, leaver,
                                                                                         sign_in):
    sign_in(board.secretary)
    form = client.get(f"/members/{leaver.id}/leaver-reference").get_data(as_text=True)
    assert "Complaints or disciplinary matters that were discontinued" in form
    response = client.post(f"/members/{leaver.id}/leaver-reference", data=bmr_data())
    reference = db.session.execute(select(LeaverReference)).scalar()
    assert reference.discontinued_matters == "A grievance, withdrawn in 2024"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Complaints or disciplinary matters discontinued" in page and "A grievance, withdrawn in 2024" in page
    # The evidence pack carries the audit trail, whose entry for the reference holds what it recorded.
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "reference.given")).scalar()
    assert json.loads(entry.after)["discontinued_matters"] == "A grievance, withdrawn in 2024"


def test_a_reference_recorded_before_the_register_asked_says_so(client, board, leaver, sign_in):
    sign_in(board.secretary)
    client.post(f"/members/{leaver.id}/leaver-reference", data=bmr_data())
    reference = db.session.execute(select(LeaverReference)).scalar()
    reference.discontinued_matters = None  # as migration 0830 leaves the references recorded before it
    db.session.commit()
    page = client.get(f"/references/{reference.id}").get_data(as_text=True)
    assert "Not recorded: the register did not ask when this reference was recorded" in page


def test_the_discontinued_matters_reach_the_workbook_the_pack_carries(runner, create_member, tmp_path):
    from openpyxl import load_workbook

    from fpp.annual import references
    from tests.app.test_access import BMR
    leaver = create_member(member_id="D001", name="Dee Parted", start_on=date(2020, 1, 1), end_on=date(2026, 1, 31))
    references.complete_leaver_reference(leaver, None, **{**BMR, "discontinued_matters": "One complaint, withdrawn"})
    db.session.commit()
    output = tmp_path / "declaration.xlsx"
    assert runner("export", "declaration", "--year", "2025", "--output", output).exit_code == 0
    sheet = load_workbook(output)["Leavers"]
    headers = [c.value for c in sheet[1]]
    row = dict(zip(headers, (c.value for c in sheet[2])))
    assert row["Discontinued complaints or disciplinary matters"] == "One complaint, withdrawn"
    assert row["Fit and proper (reference)"] == "Yes"
