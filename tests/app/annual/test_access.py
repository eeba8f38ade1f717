"""Who may open each annual-cycle page: route x role -> status (CONTRACT.md "Roles")."""
from datetime import date

import pytest

from checks.annual import ATTESTATION_ITEMS, LCF_DOMAINS
from fpp.annual import operations, references
from fpp.extensions import db
from tests.fixtures.factories import PASSWORD

ROLES = ("anonymous", "secretary", "chair", "sid", "member", "auditor")
READERS = {"secretary": 200, "chair": 200, "sid": 200, "member": 403, "auditor": 200}
MEMBERS_ONLY = {"secretary": 403, "chair": 200, "sid": 200, "member": 200, "auditor": 403}
DECIDERS = {"secretary": 403, "chair": 200, "sid": 200, "member": 403, "auditor": 403}
SECRETARY = {"secretary": 200, "chair": 403, "sid": 403, "member": 403, "auditor": 403}
CHAIR = {"secretary": 403, "chair": 200, "sid": 403, "member": 403, "auditor": 403}
TABLE = [
    ("GET", "/attestations", MEMBERS_ONLY),
    ("GET", "/attestations/new", MEMBERS_ONLY),
    ("GET", "/attestations/{chair_attestation}", READERS),
    ("GET", "/years", {**READERS, "secretary": 302, "chair": 302, "sid": 302, "auditor": 302}),
    ("GET", "/years/2025", READERS),
    ("POST", "/years/2025/requests", {**SECRETARY, "secretary": 302}),
    ("GET", "/years/2025/members/{ned}/outcome", DECIDERS),
    ("POST", "/years/2025/members/{ned}/outcome", DECIDERS),
    ("GET", "/records/{issue}/decision", DECIDERS),
    ("GET", "/years/2025/declaration", READERS),
    ("GET", "/years/2025/declaration/sign", CHAIR),
    ("POST", "/years/2025/declaration/sign", CHAIR),
    ("GET", "/members/{ned}/leaver-reference", SECRETARY),
    ("POST", "/members/{ned}/leaver-reference", SECRETARY),
    ("GET", "/members/{ned}/references/received", SECRETARY),
    ("GET", "/references/{chair_reference}", READERS),
    ("GET", "/references/{chair_reference}/sent", SECRETARY),
]


@pytest.fixture
def ids(board, create_record):
    answers = {i.key: (i.expected, "") for i in ATTESTATION_ITEMS}
    ratings = {key: ("competent", "") for key, _ in LCF_DOMAINS}
    attestation = operations.submit_attestation(board.chair, board.chair_user, PASSWORD, answers, ratings)
    reference = references.record_received_reference(
        board.chair, None, organisation="Old Trust", roles_and_dates="Chair", reason_for_leaving="Moved",
        disciplinary_findings="None", open_investigations="None", conduct_concerns="None",
        settlement_agreement="None", regulator_referrals="None", is_fit_and_proper=True,
        fit_and_proper_reasons="Good", completed_by_name="A", completed_by_role="B", completed_on=date(2019, 12, 1))
    db.session.commit()
    issue = create_record(board.ned, "social_media", date(2026, 1, 5), outcome="issue")
    return {"chair_attestation": attestation.id, "chair_reference": reference.id, "issue": issue.id,
            "ned": board.ned.id}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, route, expected", TABLE, ids=[f"{m} {r}" for m, r, _ in TABLE])
def test_route_access(client, board, ids, sign_in, method, route, expected, role):
    users = {"secretary": board.secretary, "chair": board.chair_user, "sid": board.sid_user,
             "member": board.ned_user, "auditor": board.auditor}
    if role != "anonymous":
        sign_in(users[role])
    response = client.open(route.format(**ids), method=method, data={})
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code == expected[role]


def test_the_member_sees_their_own_attestation_and_the_task_panel(client, board, ids, sign_in):
    sign_in(board.chair_user)
    assert client.get(f"/attestations/{ids['chair_attestation']}").status_code == 200
    assert client.get(f"/references/{ids['chair_reference']}").status_code == 200


def test_csrf_is_on_outside_tests(csrf_app):
    response = csrf_app.test_client().post("/years/2025/requests", data={})
    assert response.status_code == 400
