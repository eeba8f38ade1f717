"""A decision on an issue: accepted with a mitigation (it counts as clear from then) or not accepted with a
reason (the check stays a concern); who, when and why recorded, audited, and shown where the issue is."""
from datetime import date

import pytest
from sqlalchemy import select

from fpp.audit.models import AuditEntry
from fpp.extensions import db, settings
from fpp.register.queries import member_row, members_with_statuses
from fpp.reports.queries import exception_rows

TODAY = date(2026, 3, 10)


def _issue(create_record, member, code="insolvency", on=date(2026, 1, 5)):
    return create_record(member, code, on, outcome="issue", notes="Found on the register")


def _decide(client, record, **data):
    return client.post(f"/records/{record.id}/decision", data=data)


def _not_accept(client, record, reason="A recent bankruptcy order"):
    return _decide(client, record, decision="not_accepted", not_accepted_reason=reason)


def test_the_form_offers_both_decisions(client, board, create_record, sign_in):
    record = _issue(create_record, board.ned)
    sign_in(board.chair_user)
    page = client.get(f"/records/{record.id}/decision").get_data(as_text=True)
    assert 'value="accepted"' in page and 'value="not_accepted"' in page
    assert 'name="decision_note"' in page and 'name="not_accepted_reason"' in page


def test_not_accepted_keeps_the_check_a_concern_and_records_who_when_and_why(client, board, create_record, sign_in):
    record = _issue(create_record, board.ned)
    sign_in(board.chair_user)
    response = _not_accept(client, record, "  A recent bankruptcy order  ")
    assert response.status_code == 302
    assert (record.decision_outcome, record.decision_on, record.decided_by_id, record.decision_note) == \
        ("not_accepted", TODAY, board.chair_user.id, "A recent bankruptcy order")
    rules = settings().rules
    for day in (TODAY, date(2026, 3, 31)):
        assert member_row(board.ned, day, rules).status.checks["insolvency"].status == "concern"  # as_rule_record
        board_row = next(r for r in members_with_statuses(day, rules).rows if r.member.id == board.ned.id)
        assert board_row.status.checks["insolvency"].status == "concern"  # load_rule_records
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "check.decide")).scalar()
    assert '"decision_outcome": "not_accepted"' in entry.after and entry.member_pk == board.ned.id
    flashed = client.get(f"/members/{board.ned.id}").get_data(as_text=True)
    assert "Decision recorded: the issue is not accepted (10/03/2026); the check stays a concern." in flashed
    assert "Not accepted on 10/03/2026: A recent bankruptcy order" in flashed
    year = client.get("/years/2025").get_data(as_text=True).split('id="member-N01"')[1].split("</tr>")[0]
    assert "Not accepted on 10/03/2026: A recent bankruptcy order" in year and "Decide" not in year


def test_accepted_counts_as_clear_and_says_so(client, board, create_record, sign_in):
    record = _issue(create_record, board.ned)
    sign_in(board.chair_user)
    assert _decide(client, record, decision="accepted", decision_note="Discharged in 2019").status_code == 302
    assert record.decision_outcome == "accepted"
    rules = settings().rules
    assert member_row(board.ned, TODAY, rules).status.checks["insolvency"].status == "valid"
    board_row = next(r for r in members_with_statuses(TODAY, rules).rows if r.member.id == board.ned.id)
    assert board_row.status.checks["insolvency"].status == "valid"
    assert "Accepted 10/03/2026: Discharged in 2019" in client.get(f"/members/{board.ned.id}").get_data(as_text=True)


def test_the_exceptions_report_says_which_decision(client, board, create_record, sign_in):
    accepted, refused = _issue(create_record, board.ned), _issue(create_record, board.sid, "dbs")
    sign_in(board.chair_user)
    _decide(client, accepted, decision="accepted", decision_note="Explained")
    _not_accept(client, refused, "Recent posts")
    rows = [r for r in exception_rows({board.ned.id: board.ned, board.sid.id: board.sid}, 2025) if r.kind == "decision"]
    assert sorted(r.detail for r in rows) == ["Accepted: Explained", "Not accepted: Recent posts"]


@pytest.mark.parametrize("data, message", [
    ({"not_accepted_reason": "Reason"}, "Choose whether the issue is accepted"),
    ({"decision": "perhaps", "decision_note": "x"}, "Not a valid choice"),
    ({"decision": "not_accepted"}, "Write the reason the issue is not accepted"),
    ({"decision": "not_accepted", "not_accepted_reason": "   "}, "Write the reason the issue is not accepted"),
    ({"decision": "not_accepted", "decision_note": "A mitigation, not a reason"},
     "Write the reason the issue is not accepted"),
    ({"decision": "accepted", "not_accepted_reason": "A reason, not a mitigation"}, "Write the mitigation note"),
])
def test_bad_decisions_are_refused(client, board, create_record, sign_in, data, message):
    record = _issue(create_record, board.ned)
    sign_in(board.chair_user)
    response = _decide(client, record, **data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert (record.decision_on, record.decision_outcome) == (None, None)


@pytest.mark.parametrize("second", [{"decision": "accepted", "decision_note": "On reflection"},
                                    {"decision": "not_accepted", "not_accepted_reason": "Again"}])
def test_a_not_accepted_issue_is_decided_once(client, board, create_record, sign_in, second):
    record = _issue(create_record, board.ned)
    sign_in(board.chair_user)
    _not_accept(client, record)
    text = _decide(client, record, **second).get_data(as_text=True)
    assert "This issue was already not accepted on 10/03/2026." in text
    assert (record.decision_outcome, record.decision_note) == ("not_accepted", "A recent bankruptcy order")


def test_not_accepting_follows_the_same_who_rules(client, board, create_record, sign_in):
    own = _issue(create_record, board.chair)
    sign_in(board.chair_user)
    assert "You cannot decide on your own records" in _not_accept(client, own).get_data(as_text=True)
    sign_in(board.secretary)
    assert _not_accept(client, own).status_code == 403
    sign_in(board.sid_user)
    assert _not_accept(client, own).status_code == 302 and own.decided_by_id == board.sid_user.id
