"""CSRF is on outside tests, sessions are protected, sign-ins are audited, passwords are Argon2."""
import re

from sqlalchemy import select

from fpp.audit.models import AuditEntry
from fpp.auth.operations import find_user
from fpp.extensions import db
from tests.fixtures.factories import PASSWORD, sign_in_as


def test_csrf_is_on_outside_tests(csrf_app, create_user):
    client = csrf_app.test_client()
    user = create_user("secretary")
    refused = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 400 and b"Nothing was saved" in refused.data
    page = client.get("/login").data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert accepted.status_code == 302
    assert client.post("/login/enrol", data={"code": "123456"}).status_code == 400  # every step checks it
    client.post("/logout", data={"csrf_token": token})
    assert sign_in_as(client, user.email, csrf=True) == "/"
    forged = client.post("/members/new", data={"member_id": "X", "name": "Forged"})
    assert forged.status_code == 400


def test_logout_needs_the_token_in_production(csrf_app, create_user):
    client = csrf_app.test_client()
    assert client.post("/logout").status_code == 400


def test_session_cookie_is_httponly_and_strict_enough(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_password_is_stored_as_argon2id(create_user):
    user = create_user("auditor")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_login_and_failed_login_are_audited(client, create_user):
    user = create_user("auditor")
    assert client.post("/login", data={"email": user.email, "password": "wrong-password"}).status_code == 200
    assert client.post("/login", data={"email": "nobody@example.nhs.uk", "password": "x"}).status_code == 200
    sign_in_as(client, user.email.upper())
    entries = db.session.execute(select(AuditEntry.action, AuditEntry.actor).order_by(AuditEntry.id)).all()
    actions = [a for a, _ in entries]
    assert actions[-4:] == ["auth.login_failed", "auth.login_failed", "auth.mfa_enrolled", "auth.login"]
    assert entries[-1].actor == user.email


def test_wrong_password_message_does_not_say_which_part_was_wrong(client, create_user):
    user = create_user("auditor")
    page = client.post("/login", data={"email": user.email, "password": "nope"}).data.decode()
    assert "The email address or password is not right" in page


def test_disabled_accounts_cannot_sign_in(client, create_user):
    user = create_user("auditor")
    find_user(user.email).is_enabled = False
    db.session.commit()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 200


def test_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
