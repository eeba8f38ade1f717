"""Throttling and lockout, on a frozen clock: per address and per account rates, lockout after repeated
failures that does not tell whether an account exists, unlocking by time, the failed sign-in audit."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from fpp.audit.models import AuditEntry
from fpp.auth.throttle import LOCKED_MESSAGE
from fpp.extensions import db
from fpp.keys import keyed_hash
from tests.fixtures.factories import PASSWORD, sign_in_as

from .conftest import text_of

WRONG = "The email address or password is not right"


def _attempt(client, email, password="wrong-password-1", **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def _messages(client, email, count) -> list[str]:
    pages = [text_of(_attempt(client, email)) for _ in range(count)]
    return ["locked" if LOCKED_MESSAGE in page else "wrong" if WRONG in page else "?" for page in pages]


def test_five_failures_lock_the_account_even_for_the_right_password(client, create_user, clock):
    user = create_user("auditor")
    assert _messages(client, user.email, 5) == ["wrong"] * 4 + ["locked"]
    assert user.failed_logins == 5 and user.locked_until == clock.now.replace(microsecond=0) + timedelta(minutes=15)
    right = _attempt(client, user.email, PASSWORD)
    assert right.status_code == 200 and LOCKED_MESSAGE in text_of(right)
    locks = db.session.execute(select(AuditEntry).where(AuditEntry.action == "auth.locked")).scalars().all()
    assert len(locks) == 1 and locks[0].entity_id == str(user.id)
    clock.advance(minutes=14)
    assert LOCKED_MESSAGE in text_of(_attempt(client, user.email, PASSWORD))
    clock.advance(minutes=2)  # the lock has run out: the right password signs in, and the count restarts
    assert sign_in_as(client, user.email) == "/"
    assert user.failed_logins == 0 and user.locked_until is None


def test_an_unknown_address_behaves_as_an_account_would(client, create_user, clock):
    user = create_user("secretary")
    assert _messages(client, "nobody@example.nhs.uk", 6) == _messages(client, user.email, 6) == \
        ["wrong"] * 4 + ["locked"] * 2
    clock.advance(minutes=16)
    assert _messages(client, "nobody@example.nhs.uk", 1) == _messages(client, user.email, 1) == ["wrong"]


def test_wrong_codes_count_towards_the_lockout(client, create_user, clock):
    user = create_user("secretary")
    sign_in_as(client, user.email)
    client.post("/logout")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    for _ in range(4):
        page = client.post("/login/code", data={"code": "000000"})
        assert page.status_code == 200 and "not right" in text_of(page)
    locked = client.post("/login/code", data={"code": "000000"})
    assert locked.headers["Location"] == "/login"
    assert LOCKED_MESSAGE in text_of(client.get("/login"))
    assert LOCKED_MESSAGE in text_of(_attempt(client, user.email, PASSWORD))


def test_a_successful_sign_in_resets_the_count(client, create_user, clock):
    user = create_user("member")
    _messages(client, user.email, 4)
    sign_in_as(client, user.email)
    client.post("/logout")
    assert _messages(client, user.email, 4) == ["wrong"] * 4 and user.locked_until is None


def test_an_unlock_clears_the_lock(client, create_user, clock):
    """The account operations unlock by clearing the count and the lock (fpp.auth.accounts.unlock)."""
    user = create_user("member")
    _messages(client, user.email, 5)
    user.failed_logins, user.locked_until = 0, None
    db.session.commit()
    assert sign_in_as(client, user.email) == "/"


def test_a_failed_sign_in_never_stores_what_was_typed(app, client, create_user, clock):
    user = create_user("auditor")
    _attempt(client, user.email, "my-secret-password-typed-here")
    _attempt(client, "correct-horse-battery-staple", "x")  # a password typed into the email box
    entries = db.session.execute(select(AuditEntry).where(AuditEntry.action == "auth.login_failed")
                                 .order_by(AuditEntry.id)).scalars().all()
    known, unknown = entries[-2:]
    assert known.entity_id == str(user.id) and json.loads(known.after) == {"reason": "password"}
    expected = keyed_hash(app.config["SECRET_KEY"], "sign-in-attempt", "correct-horse-battery-staple")
    assert unknown.entity_id is None and json.loads(unknown.after)["attempt"] == expected
    trail = " ".join(f"{e.actor} {e.before} {e.after}" for e in db.session.execute(select(AuditEntry)).scalars())
    assert "correct-horse-battery-staple" not in trail and "my-secret-password" not in trail
    assert user.email not in (known.after or "") and known.actor == "anonymous"
