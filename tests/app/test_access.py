"""CONTRACT.md roles: every route, every role. 403 for a signed-in user, sign-in redirect otherwise."""
import io
from datetime import date

import pytest

from fpp.extensions import db
from fpp.register.operations import add_evidence

ROLES = ("anonymous", "secretary", "chair", "sid", "member", "auditor")
READERS = {"secretary", "chair", "sid", "auditor"}

# (method, url template, roles allowed). {own} is the signed-in member's record, {other} someone else's.
ROUTES = [
    ("GET", "/board", READERS),
    ("GET", "/members/{other}", READERS),
    ("GET", "/members/{own}", READERS | {"member"}),
    ("GET", "/members/new", {"secretary"}),
    ("POST", "/members/new", {"secretary"}),
    ("GET", "/members/{other}/edit", {"secretary"}),
    ("POST", "/members/{other}/edit", {"secretary"}),
    ("GET", "/members/{own}/edit", {"secretary"}),
    ("GET", "/members/{other}/end", {"secretary"}),
    ("POST", "/members/{other}/end", {"secretary"}),
    ("GET", "/members/{other}/privacy", {"secretary"}),
    ("POST", "/members/{other}/privacy", {"secretary"}),
    ("GET", "/members/{other}/checks/new", {"secretary"}),
    ("POST", "/members/{own}/checks/new", {"secretary"}),
    ("GET", "/records/{record}/correct", {"secretary"}),
    ("POST", "/records/{record}/correct", {"secretary"}),
    ("GET", "/records/{record}/delete", {"secretary"}),
    ("POST", "/records/{record}/delete", {"secretary"}),
    ("GET", "/records/{record}/evidence", {"secretary"}),
    ("POST", "/records/{record}/evidence", {"secretary"}),
    ("GET", "/evidence/{other_evidence}", READERS),
    ("GET", "/evidence/{own_evidence}", READERS | {"member"}),
    ("GET", "/audit", {"secretary", "auditor"}),
    ("GET", "/users", {"secretary"}),
    ("POST", "/users", {"secretary"}),
    ("GET", "/account/password", {"secretary", "chair", "sid", "member", "auditor"}),
]


@pytest.fixture
def world(app, create_member, create_record, create_user, client):
    own, other = create_member(name="Own Member"), create_member(name="Other Member")
    record = create_record(other, "insolvency", date(2025, 1, 1))
    own_record = create_record(own, "identity", date(2025, 1, 1))
    other_evidence = add_evidence(record, "search.pdf", io.BytesIO(b"%PDF-1.4 other"), None)
    own_evidence = add_evidence(own_record, "passport.pdf", io.BytesIO(b"%PDF-1.4 own"), None)
    db.session.commit()
    return {"own": own.id, "other": other.id, "record": record.id, "other_evidence": other_evidence.id,
            "own_evidence": own_evidence.id, "own_member": own}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, template, allowed", ROUTES, ids=[f"{m} {t}" for m, t, _ in ROUTES])
def test_route_access(client, login, world, role, method, template, allowed):
    if role != "anonymous":
        login(role, member=world["own_member"] if role in ("chair", "sid", "member") else None)
    url = template.format(**world)
    response = client.open(url, method=method, data={})
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif role in allowed:
        assert response.status_code in (200, 302), response.status_code
    else:
        assert response.status_code == 403


def test_login_redirect_keeps_only_local_next(client, create_user):
    from tests.fixtures.factories import PASSWORD
    user = create_user("secretary")
    response = client.post("/login?next=https://evil.example/x", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/audit", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/audit"


def test_member_home_is_their_own_record(client, login, create_member):
    member = create_member()
    login("member", member=member)
    assert client.get("/").headers["Location"] == f"/members/{member.id}"
