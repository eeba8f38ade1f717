"""The chair's outcomes and decisions: every rule of FPPT.md section 6, with its message."""
from datetime import date, datetime

import pytest
from sqlalchemy import select

from fpp.annual.models import Assessment
from fpp.audit.models import AuditEntry
from fpp.extensions import db
from tests.app.annual.conftest import attestation_data


def _outcome(client, year, member, **data):
    return client.post(f"/years/{year}/members/{member.id}/outcome", data=data)


def _assessments(member):
    return db.session.execute(select(Assessment).where(Assessment.member_pk == member.id)).scalars().all()


def test_the_chair_records_a_members_outcome(client, board, sign_in):
    sign_in(board.chair_user)
    response = _outcome(client, 2025, board.ned, outcome="fit_and_proper")
    assert response.status_code == 302
    [assessment] = _assessments(board.ned)
    assert (assessment.outcome, assessment.decided_on, assessment.decided_by_id) == \
        ("fit_and_proper", date(2026, 3, 10), board.chair_user.id)
    assert db.session.execute(select(AuditEntry).where(AuditEntry.action == "assessment.create")).scalar()


def test_the_chair_cannot_record_their_own_outcome_and_the_sid_does(client, board, sign_in):
    sign_in(board.chair_user)
    response = _outcome(client, 2025, board.chair, outcome="fit_and_proper")
    assert "You cannot record your own outcome: the senior independent director records the chair" in \
        response.get_data(as_text=True)
    assert _assessments(board.chair) == []
    sign_in(board.sid_user)
    assert _outcome(client, 2025, board.chair, outcome="fit_and_proper").status_code == 302
    assert _assessments(board.chair)[0].decided_by_id == board.sid_user.id


def test_the_sid_records_only_the_chairs_outcome(client, board, sign_in):
    sign_in(board.sid_user)
    text = _outcome(client, 2025, board.ned, outcome="fit_and_proper").get_data(as_text=True)
    assert "records only the chair" in text
    text = _outcome(client, 2025, board.sid, outcome="fit_and_proper").get_data(as_text=True)
    assert "You cannot record your own outcome" in text
    assert _assessments(board.ned) == [] and _assessments(board.sid) == []


def test_the_refusal_shows_before_submitting(client, board, sign_in):
    sign_in(board.chair_user)
    assert "You cannot record this outcome" in client.get(f"/years/2025/members/{board.chair.id}/outcome").get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({}, "Choose an outcome"),
    ({"outcome": "excellent"}, "Not a valid choice"),
    ({"outcome": "fit_and_proper_with_mitigations"}, "Describe the mitigations"),
    ({"outcome": "fit_and_proper_with_mitigations", "mitigation_note": "  "}, "Describe the mitigations"),
    ({"outcome": "not_fit_and_proper", "regulator_informed": "no"}, "Describe the action taken"),
    ({"outcome": "not_fit_and_proper", "action_taken": "Suspended"}, "Say whether the professional regulator was told"),
    ({"outcome": "not_fit_and_proper", "action_taken": "Suspended", "regulator_informed": "perhaps"}, "Not a valid choice"),
])
def test_bad_outcome_input_is_refused(client, board, sign_in, data, message):
    sign_in(board.chair_user)
    response = _outcome(client, 2025, board.ned, **data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert _assessments(board.ned) == []


@pytest.mark.parametrize("outcome, extra", [
    ("fit_and_proper_with_mitigations", {"mitigation_note": "Coaching agreed"}),
    ("not_fit_and_proper", {"action_taken": "Removed from the board", "regulator_informed": "yes"}),
    ("under_review", {}),
])
def test_the_other_outcomes_are_recorded_with_their_details(client, board, sign_in, outcome, extra):
    sign_in(board.chair_user)
    assert _outcome(client, 2025, board.ned, outcome=outcome, **extra).status_code == 302
    [assessment] = _assessments(board.ned)
    assert assessment.outcome == outcome
    if outcome == "not_fit_and_proper":
        assert assessment.regulator_informed is True and assessment.action_taken == "Removed from the board"


@pytest.mark.parametrize("state", ["missing", "expired", "concern"])
def test_fit_and_proper_is_refused_while_a_regulation_5_check_is_not_valid(
        client, create_member, create_record, complete_checks, board, sign_in, state):
    member = create_member(member_id="N02", start_on=date(2020, 1, 1))
    complete_checks(member, skip=("insolvency",))
    if state == "expired":
        create_record(member, "insolvency", date(2024, 6, 1))
    elif state == "concern":
        create_record(member, "insolvency", date(2026, 1, 5), outcome="issue")
    sign_in(board.chair_user)
    text = _outcome(client, 2025, member, outcome="fit_and_proper").get_data(as_text=True)
    assert "Fit and proper cannot be recorded while a Regulation 5 check is not valid" in text
    assert state in text
    assert _assessments(member) == []
    assert _outcome(client, 2025, member, outcome="under_review").status_code == 302


def test_fit_and_proper_is_refused_after_a_schedule_4_part_1_disclosure(client, board, sign_in):
    sign_in(board.ned_user)
    client.post("/attestations/new", data=attestation_data({"bankruptcy": "Bankrupt since 2025"}))
    sign_in(board.chair_user)
    text = _outcome(client, 2025, board.ned, outcome="fit_and_proper").get_data(as_text=True)
    assert "discloses a Schedule 4 part 1 ground" in text
    assert _assessments(board.ned) == []


def test_a_second_click_does_not_record_twice_and_a_change_is_audited(client, board, sign_in):
    sign_in(board.chair_user)
    _outcome(client, 2025, board.ned, outcome="under_review")
    text = _outcome(client, 2025, board.ned, outcome="under_review").get_data(as_text=True)
    assert "This outcome is already recorded" in text
    assert _outcome(client, 2025, board.ned, outcome="fit_and_proper").status_code == 302
    [assessment] = _assessments(board.ned)
    assert assessment.outcome == "fit_and_proper"
    assert db.session.execute(select(AuditEntry).where(AuditEntry.action == "assessment.update")).scalar()


def test_no_outcome_for_a_year_the_member_did_not_serve_in_or_a_future_year(client, create_member, board, sign_in):
    newcomer = create_member(member_id="N09", start_on=date(2026, 3, 1))
    sign_in(board.chair_user)
    assert "did not serve in 2024/25" in _outcome(client, 2024, newcomer, outcome="under_review").get_data(as_text=True)
    assert "has not started yet" in _outcome(client, 2026, board.ned, outcome="under_review").get_data(as_text=True)


def _accept(note: str) -> dict:
    return {"decision": "accepted", "decision_note": note}


def _issue(create_record, member, code="social_media"):
    return create_record(member, code, date(2026, 1, 5), outcome="issue", notes="Press article")


def test_the_chair_accepts_an_issue_which_then_counts_as_clear(client, board, create_record, sign_in):
    record = _issue(create_record, board.ned)
    sign_in(board.chair_user)
    response = client.post(f"/records/{record.id}/decision", data=_accept("Old story, explained"))
    assert response.status_code == 302
    assert (record.decision_on, record.decided_by_id) == (date(2026, 3, 10), board.chair_user.id)
    page = client.get(f"/members/{board.ned.id}").get_data(as_text=True)
    assert "Accepted 10/03/2026: Old story, explained" in page


def test_decisions_follow_the_same_who_rules(client, board, create_record, sign_in):
    chair_issue, ned_issue, sid_issue = (_issue(create_record, m) for m in (board.chair, board.ned, board.sid))
    sign_in(board.chair_user)
    text = client.post(f"/records/{chair_issue.id}/decision", data=_accept("x")).get_data(as_text=True)
    assert "You cannot decide on your own records" in text
    sign_in(board.sid_user)
    assert "decides only on the chair" in client.post(f"/records/{ned_issue.id}/decision",
                                                      data=_accept("x")).get_data(as_text=True)
    assert "You cannot decide on your own records" in client.post(
        f"/records/{sid_issue.id}/decision", data=_accept("x")).get_data(as_text=True)
    assert client.post(f"/records/{chair_issue.id}/decision", data=_accept("Fine")).status_code == 302
    assert chair_issue.decided_by_id == board.sid_user.id
    assert ned_issue.decision_on is None and sid_issue.decision_on is None


@pytest.mark.parametrize("case, message", [
    ("no_note", "Write the mitigation note"),
    ("blank_note", "Write the mitigation note"),
    ("clear_record", "Only a record that found an issue needs a decision"),
    ("twice", "This issue was already accepted on 10/03/2026"),
    ("deleted", "This record was deleted"),
])
def test_bad_decisions_are_refused(client, board, create_record, sign_in, case, message):
    record = (create_record(board.ned, "social_media", date(2026, 1, 6)) if case == "clear_record"
              else _issue(create_record, board.ned))
    if case == "deleted":
        from fpp.register.operations import delete_record
        delete_record(record, "entered in error", None)
        db.session.commit()
    sign_in(board.chair_user)
    if case == "twice":
        client.post(f"/records/{record.id}/decision", data=_accept("First"))
    data = {"decision": "accepted"} if case == "no_note" else _accept("   " if case == "blank_note" else "A note")
    response = client.post(f"/records/{record.id}/decision", data=data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert record.decision_note in (None, "First")


def test_a_missing_record_is_404(client, board, sign_in):
    sign_in(board.chair_user)
    assert client.get("/records/99999/decision").status_code == 404


def test_the_form_explains_a_refusal_today_that_differs_from_year_end_readiness(
        client, create_member, create_record, complete_checks, every_check, board, sign_in):
    from fpp.timeutil import freeze
    member = create_member(member_id="N02", name="Dee Lapsed", start_on=date(2020, 1, 1))
    complete_checks(member, skip=("dbs",))
    every_check(member)
    create_record(member, "dbs", date(2023, 4, 1))  # valid until 01/04/2026: due soon, so ready, at the year end
    with freeze(datetime(2026, 4, 20, 12, 0)):
        sign_in(board.chair_user)
        year = client.get("/years/2025").get_data(as_text=True).split('id="member-N02"')[1].split("</tr>")[0]
        assert "Ready at 31/03/2026 (year end)" in year
        form = client.get(f"/years/2025/members/{member.id}/outcome").get_data(as_text=True)
        assert form.index('id="fit-refused"') < form.index('name="outcome"')  # before the chair chooses
        assert ("Ready at 31/03/2026; today DBS check expired since 02/04/2026: fit and proper cannot be recorded "
                "until it is renewed, or record with mitigations.") in form
        assert "Fit and proper cannot be recorded while" in _outcome(client, 2025, member,
                                                                     outcome="fit_and_proper").get_data(as_text=True)
        assert 'id="fit-refused"' not in client.get(f"/years/2025/members/{board.ned.id}/outcome").get_data(as_text=True)
