"""The secretary's account actions and password resets: each action's effect and audit entry, the
sessions they end, the last-secretary rule, end dates refused at sign-in, resets without enumeration."""
from __future__ import annotations

import json
import re
import time
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from fpp.audit.models import AuditEntry
from fpp.auth import accounts
from fpp.auth.account_views import FORGOT_SECONDS
from fpp.auth.models import RecoveryCode, User
from fpp.errors import DomainError
from fpp.extensions import db
from fpp.reminders.models import OutboxMessage
from fpp.timeutil import freeze, today, utcnow
from tests.fixtures.factories import PASSWORD

NEW_PASSWORD = "violet-tundra-harbour-57"


def outbox(to: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    return list(db.session.execute(query.where(OutboxMessage.recipient == to) if to else query).scalars())


def reset_link(message: OutboxMessage) -> str:
    [path] = set(re.findall(r"https?://[^/\s]+(/password/reset/[\w.\-]+)", message.body_text))
    return path


def last_entry(action: str) -> AuditEntry:
    return db.session.execute(select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.id.desc()).limit(1)).scalar_one()


def changes(entry: AuditEntry) -> tuple[dict, dict]:
    return json.loads(entry.before or "{}"), json.loads(entry.after or "{}")


def is_signed_in(client) -> bool:
    response = client.get("/account/password")
    return response.status_code == 200


def with_second_factor(user: User) -> User:
    """Pretend the account enrolled a second factor (the sign-in core owns real enrolment)."""
    user.totp_secret, user.totp_confirmed_at, user.totp_last_step = "encrypted-secret", utcnow(), 123
    db.session.add_all([RecoveryCode(user_id=user.id, code_hash=f"hash-{n}") for n in range(3)])
    db.session.commit()
    return user


# --- sessions end where they must ------------------------------------------------------------------

def _role_change(user):
    accounts.set_role(user, "auditor")


@pytest.mark.parametrize("action", [accounts.disable, _role_change, accounts.reset_mfa,
                                    accounts.sign_out_everywhere],
                         ids=["disable", "role change", "reset-mfa", "sign out everywhere"])
def test_an_action_ends_every_session_of_the_account(client, login, create_user, action):
    user = login("member")
    with_second_factor(user)  # after signing in: the helper's code is fake (reset-mfa needs one to reset)
    assert is_signed_in(client)
    version = user.session_version
    action(user)
    db.session.commit()
    assert user.session_version == version + 1
    response = client.get("/account/password")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_unlock_enable_and_end_dates_leave_sessions_alone(client, login, create_user):
    user = create_user("auditor")
    login(user=user)
    user.failed_logins = 3
    db.session.commit()
    accounts.unlock(user)
    accounts.set_until(user, today() + timedelta(days=30))
    db.session.commit()
    assert is_signed_in(client)


# --- each action through the secretary's pages ---------------------------------------------------

@pytest.fixture
def secretary(login):
    return login("secretary")


def test_the_users_page_shows_each_accounts_state(client, secretary, create_user):
    disabled, locked, ending, enrolled = (create_user("auditor") for _ in range(4))
    disabled.is_enabled = False
    locked.failed_logins, locked.locked_until = 5, utcnow() + timedelta(minutes=10)
    ending.active_until = date(2099, 1, 31)
    with_second_factor(enrolled)
    db.session.commit()
    page = client.get("/users").data.decode()
    assert "Disabled" in page and "Locked until" in page and "Ends on 31/01/2099" in page and "Active" in page
    assert page.count(">Set<") >= 1 and "Not set" in page
    detail = client.get(f"/users/{locked.id}").data.decode()
    assert "Unlock (5 failed sign-ins)" in detail and 'name="csrf_token"' in detail


@pytest.mark.parametrize("path, flashed, check, action", [
    ("disable", "is disabled and has been signed out everywhere", lambda u: not u.is_enabled, "user.disable"),
    ("sign-out", "has been signed out everywhere", lambda u: u.session_version == 2, "user.sign_out_everywhere"),
    ("reset-mfa", "second factor of", lambda u: u.totp_secret is None and u.totp_confirmed_at is None,
     "user.reset_mfa"),
    ("unlock", "is unlocked", lambda u: u.failed_logins == 0 and u.locked_until is None, "user.unlock"),
])
def test_account_actions(client, secretary, create_user, path, flashed, check, action):
    user = with_second_factor(create_user("auditor"))
    user.failed_logins, user.locked_until = 5, utcnow() + timedelta(minutes=10)
    db.session.commit()
    response = client.post(f"/users/{user.id}/{path}")
    assert response.status_code == 302 and response.headers["Location"] == f"/users/{user.id}"
    assert flashed in client.get(response.headers["Location"]).data.decode()
    assert check(db.session.get(User, user.id))
    entry = last_entry(action)
    assert entry.actor_id == secretary.id and entry.entity_id == str(user.id)
    assert "encrypted-secret" not in (entry.before or "") + (entry.after or "")


def test_reset_mfa_deletes_the_recovery_codes_and_says_what_changed(client, secretary, create_user):
    user = with_second_factor(create_user("auditor"))
    client.post(f"/users/{user.id}/reset-mfa")
    assert db.session.execute(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).first() is None
    before, after = changes(last_entry("user.reset_mfa"))
    assert before == {"second_factor": True, "session_version": 1}
    assert after == {"second_factor": False, "session_version": 2}
    page = client.post(f"/users/{user.id}/reset-mfa").data.decode()
    assert "has no second factor to reset" in page


def test_disable_then_enable(client, secretary, create_user):
    user = create_user("member")
    client.post(f"/users/{user.id}/disable")
    assert "is already disabled" in client.post(f"/users/{user.id}/disable").data.decode()
    response = client.post(f"/users/{user.id}/enable")
    assert "is enabled again" in client.get(response.headers["Location"]).data.decode()
    assert user.is_enabled and changes(last_entry("user.enable")) == ({"is_enabled": False}, {"is_enabled": True})
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_change_role(client, secretary, create_user, create_member):
    user = create_user("auditor")
    member = create_member(name="Rhea Role")
    response = client.post(f"/users/{user.id}/role", data={"role": "member", "member": str(member.id)})
    assert response.status_code == 302
    assert "is now Board member and has been signed out everywhere" in client.get(response.headers["Location"]).data.decode()
    assert user.role == "member" and user.member_pk == member.id and user.session_version == 2
    before, after = changes(last_entry("user.set_role"))
    assert before["role"] == "auditor" and after == {"role": "member", "member_pk": member.id, "session_version": 2}


@pytest.mark.parametrize("data, message", [
    ({"role": "chair"}, "must name the board member"),
    ({"role": "auditor", "member": "MEMBER"}, "are not linked to a board member"),
    ({"role": "king"}, "Not a valid choice"),
    ({"role": "member", "member": "TAKEN"}, "already has an account"),
])
def test_change_role_errors(client, secretary, create_user, data, message):
    user = create_user("auditor")
    taken = create_user("member")
    data = {k: str(taken.member_pk) if v in ("MEMBER", "TAKEN") else v for k, v in data.items()}
    page = client.post(f"/users/{user.id}/role", data=data).data.decode()
    assert message in page and db.session.get(User, user.id).role == "auditor"


def test_end_date_of_an_auditor(client, secretary, create_user):
    user = create_user("auditor")
    response = client.post(f"/users/{user.id}/until", data={"until[day]": "31", "until[month]": "12",
                                                            "until[year]": "2099"})
    assert "now works until the end of 31/12/2099" in client.get(response.headers["Location"]).data.decode()
    assert changes(last_entry("user.set_until"))[1] == {"active_until": "2099-12-31"}
    response = client.post(f"/users/{user.id}/until", data={})
    assert "no longer has an end date" in client.get(response.headers["Location"]).data.decode()
    assert user.active_until is None
    member = create_user("member")
    page = client.post(f"/users/{member.id}/until", data={"until[day]": "1", "until[month]": "1",
                                                          "until[year]": "2099"}).data.decode()
    assert "Only auditor accounts end on a date" in page


def test_an_account_past_its_end_date_is_refused_at_sign_in(app, create_user):
    user = create_user("member")
    accounts.set_role(user, "auditor")
    accounts.set_until(user, date(2030, 6, 30))
    db.session.commit()
    with freeze(datetime(2030, 6, 30, 12)):
        assert user.refusal(today()) is None
    with freeze(datetime(2030, 7, 1, 9)):
        assert user.refusal(today()) == "This account ended on 30 June 2030."
        response = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 200 and "This account ended on 30 June 2030." in response.data.decode()


def test_an_account_whose_end_date_passes_is_signed_out_on_the_next_request(client, login, create_user):
    user = create_user("auditor")
    user.active_until = today() + timedelta(days=1)
    db.session.commit()
    login(user=user)
    assert is_signed_in(client)
    with freeze(utcnow() + timedelta(days=2)):
        response = client.get("/board")
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- the last secretary, and yourself ---------------------------------------------------------------

def test_a_secretary_cannot_disable_or_demote_themselves(client, secretary, create_user):
    create_user("secretary")  # another secretary exists: the rule here is about oneself
    page = client.post(f"/users/{secretary.id}/disable").data.decode()
    assert "You cannot disable your own account: ask another secretary" in page
    page = client.post(f"/users/{secretary.id}/role", data={"role": "auditor"}).data.decode()
    assert "You cannot change the role of your own account" in page
    assert secretary.is_enabled and secretary.role == "secretary"


def test_the_last_enabled_secretary_cannot_be_disabled_or_demoted(app, create_user):
    only = create_user("secretary")
    create_user("secretary").is_enabled = False  # a disabled secretary does not count
    db.session.commit()
    for attempt in (lambda: accounts.disable(only), lambda: accounts.set_role(only, "auditor")):
        with pytest.raises(DomainError, match="is the last enabled secretary"):
            attempt()
    other = create_user("secretary")
    accounts.disable(only)
    with pytest.raises(DomainError, match="is the last enabled secretary"):
        accounts.set_role(other, "auditor")
    assert other.role == "secretary"


def test_an_invited_secretary_does_not_count_as_one(app, create_user):
    only = create_user("secretary")
    accounts.invite("next@example.nhs.uk", "secretary")
    with pytest.raises(DomainError, match="is the last enabled secretary"):
        accounts.disable(only)


# --- password resets ---------------------------------------------------------------------------------

def test_forgot_password_answers_the_same_for_every_address(app, create_user):
    user = create_user("member", email="rory@example.nhs.uk")
    gone = create_user("member", email="gone@example.nhs.uk")
    gone.is_enabled = False
    db.session.commit()
    pages = {}
    for email in ("rory@example.nhs.uk", "nobody@example.nhs.uk", "gone@example.nhs.uk"):
        response = app.test_client().post("/password/forgot", data={"email": email})
        assert response.status_code == 200
        pages[email] = response.data.decode().replace(email, "EMAIL")
        pages[email] = re.sub(r'nonce-[^"\']+|nonce="[^"]+"', "", pages[email])
    assert len(set(pages.values())) == 1 and "Check your email" in pages["rory@example.nhs.uk"]
    [message] = outbox()
    assert message.recipient == user.email and "reset" in message.subject.lower()
    assert last_entry("user.password_reset_requested").entity_id == str(user.id)
    refused = db.session.execute(select(AuditEntry).where(AuditEntry.action == "user.password_reset_refused")
                                 .order_by(AuditEntry.id)).scalars().all()
    assert [e.entity_id for e in refused] == [None, str(gone.id)]
    assert "nobody@example.nhs.uk" not in refused[0].after and len(json.loads(refused[0].after)["typed_hash"]) == 64


def test_a_reset_link_works_once_and_ends_every_session(client, login, create_user, app):
    user = create_user("member")
    login(user=user)
    assert accounts.request_password_reset(user.email.upper()) is True
    db.session.commit()
    link = reset_link(outbox(user.email)[-1])
    visitor = app.test_client()
    assert "Choose a new password" in visitor.get(link).data.decode()
    response = visitor.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/account/password").status_code == 302  # the other session has ended
    before, after = changes(last_entry("user.reset_password"))
    assert after["session_version"] == before["session_version"] + 1 and "password_hash" not in after
    page = app.test_client().post(link, data={"password": "another-" + NEW_PASSWORD,
                                              "confirm": "another-" + NEW_PASSWORD}).data.decode()
    assert "This link cannot be used" in page and "Ask for a new link" in page
    assert app.test_client().post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302


def test_a_reset_link_expires(app, create_user):
    user = create_user("member")
    accounts.request_password_reset(user.email)
    db.session.commit()
    link = reset_link(outbox(user.email)[-1])
    with freeze(utcnow() + timedelta(minutes=59)):
        assert "Choose a new password" in app.test_client().get(link).data.decode()
    with freeze(utcnow() + timedelta(minutes=61)):
        page = app.test_client().get(link).data.decode()
        assert "This link has expired" in page and "Ask for a new link" in page


def test_a_reset_link_stops_working_when_the_password_changes_otherwise(app, create_user):
    user = create_user("member")
    accounts.request_password_reset(user.email)
    first = reset_link(outbox(user.email)[-1])
    accounts.request_password_reset(user.email)
    second = reset_link(outbox(user.email)[-1])
    db.session.commit()
    assert app.test_client().post(second, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert "This link cannot be used" in app.test_client().get(first).data.decode()


def test_a_reset_refuses_the_current_password_and_the_policy(app, create_user):
    user = create_user("member")
    accounts.request_password_reset(user.email)
    db.session.commit()
    link = reset_link(outbox(user.email)[-1])
    page = app.test_client().post(link, data={"password": PASSWORD, "confirm": PASSWORD}).data.decode()
    assert "must be different from your current one" in page
    page = app.test_client().post(link, data={"password": "qwerty123456", "confirm": "qwerty123456"}).data.decode()
    assert "one of the most common ones" in page


def test_a_reset_lifts_a_lockout(app, create_user):
    user = create_user("member")
    user.failed_logins, user.locked_until = 5, utcnow() + timedelta(minutes=15)
    accounts.request_password_reset(user.email)
    db.session.commit()
    app.test_client().post(reset_link(outbox(user.email)[-1]), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert user.failed_logins == 0 and user.locked_until is None


@pytest.mark.parametrize("state", ["disabled", "ended", "invited"])
def test_no_reset_mail_for_an_account_that_may_not_sign_in(app, create_user, state):
    user = create_user("auditor")
    if state == "disabled":
        user.is_enabled = False
    elif state == "ended":
        user.active_until = today() - timedelta(days=1)
    else:
        user = accounts.invite("pending@example.nhs.uk", "auditor")
    db.session.commit()
    assert accounts.request_password_reset(user.email) is False
    assert outbox(user.email)[1:] == [] if state == "invited" else outbox(user.email) == []


def test_the_sign_in_page_links_to_forgot_password(client):
    page = client.get("/login").data.decode()
    assert 'href="/password/forgot"' in page and "Forgot your password?" in page


def test_every_forgot_password_answer_takes_the_same_time(app, create_user):
    user = create_user("member")
    for email in (user.email, "nobody@example.nhs.uk"):
        started = time.monotonic()
        assert app.test_client().post("/password/forgot", data={"email": email}).status_code == 200
        assert time.monotonic() - started >= FORGOT_SECONDS


def test_the_account_forms_need_their_csrf_token_outside_tests(csrf_app, create_user):
    user = create_user("member")
    visitor = csrf_app.test_client()
    assert visitor.post("/password/forgot", data={"email": user.email}).status_code == 400
    assert outbox() == []
    page = visitor.get("/password/forgot").data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert visitor.post("/password/forgot", data={"email": user.email, "csrf_token": token}).status_code == 200
    assert len(outbox(user.email)) == 1
