"""The member's self-attestation: submitted once a year, with the wording answered, never edited."""
import json

import pytest

from sqlalchemy import select

from fpp.annual.models import Attestation
from fpp.extensions import db
from fpp.register.models import CheckRecord
from tests.app.annual.conftest import attestation_data


def _attestations(member):
    return db.session.execute(select(Attestation).where(Attestation.member_pk == member.id)).scalars().all()


def _self_attestation_records(member):
    return db.session.execute(select(CheckRecord).where(
        CheckRecord.member_pk == member.id, CheckRecord.code == "self_attestation")).scalars().all()


def test_a_clear_attestation_records_a_clear_check_and_keeps_the_wording(client, board, sign_in):
    sign_in(board.ned_user)
    response = client.post("/attestations/new", data=attestation_data())
    assert response.status_code == 302
    [attestation] = _attestations(board.ned)
    assert attestation.year == 2025 and not attestation.has_disclosure
    answers = json.loads(attestation.answers)
    assert answers[0]["text"] == "I am of good character." and answers[0]["answer"] == "yes"
    assert len(json.loads(attestation.self_assessment)) == 6
    [record] = _self_attestation_records(board.ned)
    assert record.outcome == "clear" and attestation.check_record_id == record.id


def test_a_disclosure_makes_the_check_an_issue(client, board, sign_in):
    sign_in(board.ned_user)
    data = attestation_data({"convictions": "Speeding, 2019"})
    assert client.post("/attestations/new", data=data).status_code == 302
    [attestation] = _attestations(board.ned)
    assert attestation.has_disclosure and not attestation.discloses_part1_ground
    assert _self_attestation_records(board.ned)[0].outcome == "issue"
    page = client.get(f"/attestations/{attestation.id}").get_data(as_text=True)
    assert "Speeding, 2019" in page


def test_a_schedule_4_part_1_disclosure_is_flagged(client, board, sign_in):
    sign_in(board.ned_user)
    client.post("/attestations/new", data=attestation_data({"debt_relief": "Debt relief order, 2025"}))
    assert _attestations(board.ned)[0].discloses_part1_ground


def test_past_answers_read_as_they_were_asked(client, board, sign_in):
    sign_in(board.ned_user)
    client.post("/attestations/new", data=attestation_data())
    [attestation] = _attestations(board.ned)
    answers = json.loads(attestation.answers)
    answers[0]["text"] = "Wording of an older form version."
    attestation.answers = json.dumps(answers)
    db.session.commit()
    assert "Wording of an older form version." in client.get(f"/attestations/{attestation.id}").get_data(as_text=True)


def test_a_second_submission_is_refused(client, board, sign_in):
    sign_in(board.ned_user)
    client.post("/attestations/new", data=attestation_data())
    response = client.post("/attestations/new", data=attestation_data())
    assert response.status_code == 200
    assert "already submitted your 2025/26 attestation" in response.get_data(as_text=True)
    assert len(_attestations(board.ned)) == 1 and len(_self_attestation_records(board.ned)) == 1


def test_the_chair_attests_too(client, board, sign_in):
    sign_in(board.chair_user)
    assert client.post("/attestations/new", data=attestation_data()).status_code == 302
    assert len(_attestations(board.chair)) == 1



@pytest.mark.parametrize("change, message", [
    ({"answer_good_character": ""}, "Statement 1: answer yes or no"),
    ({"answer_good_character": "maybe"}, "Not a valid choice"),
    ({"answer_convictions": "yes"}, "Statement 11: give the details of what you are disclosing"),
    ({"answer_health": "no", "disclosure_health": "   "}, "Statement 3: give the details of what you are disclosing"),
    ({"rating_culture": ""}, "Rate yourself against this domain"),
    ({"rating_culture": "excellent"}, "Not a valid choice"),
    ({"password": ""}, "Enter your password"),
    ({"password": "wrong-password-here"}, "The password is not correct"),
])
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(client, board, sign_in, change, message):
    sign_in(board.ned_user)
    response = client.post("/attestations/new", data=attestation_data() | change)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _attestations(board.ned) == [] and _self_attestation_records(board.ned) == []


def test_a_member_sees_only_their_own_attestations(client, board, sign_in):
    sign_in(board.chair_user)
    client.post("/attestations/new", data=attestation_data())
    [attestation] = _attestations(board.chair)
    sign_in(board.ned_user)
    assert client.get(f"/attestations/{attestation.id}").status_code == 403
    assert "2025/26" not in client.get("/attestations").get_data(as_text=True).split("Submitted attestations")[1]
    sign_in(board.secretary)
    assert client.get(f"/attestations/{attestation.id}").status_code == 200


def test_there_is_no_way_to_edit_a_submitted_attestation(client, board, sign_in):
    sign_in(board.ned_user)
    client.post("/attestations/new", data=attestation_data())
    page = client.get("/attestations/new").get_data(as_text=True)
    assert "Already submitted" in page and "Submit my attestation" not in page
