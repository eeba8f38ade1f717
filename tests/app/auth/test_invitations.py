"""Invitations: the secretary invites, the owner sets their own password from a single-use link that
expires, through the password policy."""
from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from fpp.audit.models import AuditEntry
from fpp.auth import accounts
from fpp.auth.models import User
from fpp.extensions import db
from fpp.reminders.models import OutboxMessage
from fpp.timeutil import freeze, utcnow
from tests.fixtures.factories import PASSWORD

NEW_PASSWORD = "violet-tundra-harbour-57"


def outbox(to: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    return list(db.session.execute(query.where(OutboxMessage.recipient == to) if to else query).scalars())


def link_in(message: OutboxMessage) -> str:
    """The path of the one account link in a message (its text and HTML bodies carry the same)."""
    paths = set(re.findall(r"https?://[^/\s]+(/(?:invitation|password/reset)/[\w.\-]+)", message.body_text))
    assert len(paths) == 1 and next(iter(paths)) in message.body_html
    return paths.pop()


def entries(action: str) -> list[AuditEntry]:
    return list(db.session.execute(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)).scalars())


def account(email: str) -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


@pytest.fixture
def invited(client, login, create_member):
    """A member invited by a signed-in secretary through the users page; returns (user, link path)."""
    login("secretary")
    member = create_member(name="Ivy Invitee")
    response = client.post("/users", data={"email": "Ivy@Example.nhs.uk", "role": "member", "member": str(member.id)})
    assert response.status_code == 302, response.data[:800]
    assert "Invitation sent to ivy@example.nhs.uk" in client.get(response.headers["Location"]).data.decode()
    user = account("ivy@example.nhs.uk")
    [message] = outbox("ivy@example.nhs.uk")
    return user, link_in(message)


def test_an_invitation_creates_an_account_nobody_can_use_yet_and_queues_its_link(invited, client):
    user, link = invited
    assert user.invited_at is not None and user.role == "member" and user.member.name == "Ivy Invitee"
    assert user.refusal(date.today()) is not None
    [message] = outbox(user.email)
    assert message.status == "queued" and "invited you" in message.body_text
    assert "The link works once, until" in message.body_text and "7 days" in message.body_text
    page = client.get("/users").data.decode()
    assert "ivy@example.nhs.uk" in page and "Invited" in page
    [invite] = entries("user.invite")
    assert json.loads(invite.after)["invited"] is True and invite.entity_id == str(user.id)
    assert link.split("/")[-1] not in (invite.after or "") + (invite.before or "")  # no token in the trail


def test_accepting_sets_the_password_once_and_the_owner_signs_in(invited, app):
    user, link = invited
    anonymous = app.test_client()
    page = anonymous.get(link).data.decode()
    assert "Set your password" in page and "ivy@example.nhs.uk" in page
    response = anonymous.post(link, data={"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert user.invited_at is None and user.password_changed_at is not None and user.refusal(date.today()) is None
    [accepted] = entries("user.accept_invitation")
    assert json.loads(accepted.before)["invited"] is True and "password" not in accepted.after
    assert anonymous.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    again = app.test_client().get(link).data.decode()
    assert "This link cannot be used" in again and "already been accepted" in again
    refused = app.test_client().post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert refused.status_code == 200 and "This link cannot be used" in refused.data.decode()
    assert len(entries("user.accept_invitation")) == 1


def test_an_invitation_link_expires(invited, app):
    user, link = invited
    with freeze(utcnow() + timedelta(days=7, minutes=1)):
        page = app.test_client().get(link).data.decode()
        assert "This link has expired" in page and "Ask the company secretary to send you a new invitation" in page
        app.test_client().post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert account(user.email).invited_at is not None
    with freeze(utcnow() + timedelta(days=6, hours=23)):
        assert "Set your password" in app.test_client().get(link).data.decode()


def test_a_new_invitation_replaces_the_old_link(invited, client, app):
    user, first = invited
    response = client.post(f"/users/{user.id}/invitation")
    assert response.status_code == 302
    assert "the earlier link no longer works" in client.get(response.headers["Location"]).data.decode()
    second = link_in(outbox(user.email)[-1])
    assert second != first
    assert "This link cannot be used" in app.test_client().get(first).data.decode()
    assert "Set your password" in app.test_client().get(second).data.decode()
    assert len(entries("user.resend_invitation")) == 1


def test_a_disabled_invitation_cannot_be_accepted(invited, client, app):
    user, link = invited
    assert client.post(f"/users/{user.id}/disable").status_code == 302
    assert "This link cannot be used" in app.test_client().get(link).data.decode()


@pytest.mark.parametrize("password", ["qwerty123456", "1qaz2wsx3edc", "leavemealone", "123456654321",
                                      "finalfantasy"])
def test_known_breached_passwords_are_refused_at_acceptance(invited, app, password):
    user, link = invited
    page = app.test_client().post(link, data={"password": password, "confirm": password}).data.decode()
    assert "one of the most common ones" in page
    assert account(user.email).invited_at is not None


@pytest.mark.parametrize("password, message", [
    ("short-one", "at least 12 characters"),
    ("aaaaaaaaaaaaaaaa", "would be guessed quickly"),
    ("my-name-is-ivy-invitee!", "must not contain your email address or name"),
    ("ivy@example.nhs.uk-2026", "must not contain your email address or name"),
])
def test_the_password_policy_applies_at_acceptance(invited, app, password, message):
    _, link = invited
    page = app.test_client().post(link, data={"password": password, "confirm": password}).data.decode()
    assert message in page


def test_the_two_passwords_must_match(invited, app):
    _, link = invited
    page = app.test_client().post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"}).data.decode()
    assert "The two passwords are not the same" in page


def test_a_forged_or_altered_link_is_refused(invited, app):
    user, link = invited
    assert "This link cannot be used" in app.test_client().get(link[:-3] + "abc").data.decode()
    reset_token = accounts.make_token(user, accounts.RESET)  # a token for another purpose
    assert "This link cannot be used" in app.test_client().get(f"/invitation/{reset_token}").data.decode()


@pytest.mark.parametrize("data, message", [
    ({"email": "not-an-email", "role": "auditor"}, "Enter an email address"),
    ({"email": "a@example.nhs.uk", "role": "member"}, "must name the board member"),
    ({"email": "a@example.nhs.uk", "role": "auditor", "until[day]": "1", "until[month]": "1",
      "until[year]": "2020"}, "The end date must be today or later"),
    ({"email": "a@example.nhs.uk", "role": "secretary", "until[day]": "1", "until[month]": "1",
      "until[year]": "2099"}, "Only auditor accounts end on a date"),
    ({"email": "a@example.nhs.uk", "role": ""}, "Choose a role"),
])
def test_invitation_form_errors(client, login, data, message):
    login("secretary")
    page = client.post("/users", data=data).data.decode()
    assert message in page
    assert outbox() == []


def test_a_member_who_has_left_cannot_be_invited(client, login, create_member):
    login("secretary")
    leaver = create_member(name="Lee Left", end_on=date(2021, 3, 31))
    page = client.post("/users", data={"email": "lee@example.nhs.uk", "role": "member",
                                       "member": str(leaver.id)}).data.decode()
    assert "Lee Left left the board on 31 March 2021" in page and outbox() == []


def test_an_auditor_invitation_carries_its_end_date(client, login):
    login("secretary")
    response = client.post("/users", data={"email": "audit@example.nhs.uk", "role": "auditor",
                                           "until[day]": "30", "until[month]": "6", "until[year]": "2099"})
    assert response.status_code == 302
    assert account("audit@example.nhs.uk").active_until == date(2099, 6, 30)
    assert "authenticator app" in outbox("audit@example.nhs.uk")[0].body_text  # auditors need a second factor


def test_the_outbox_pages_never_show_an_account_link(invited, client):
    """Secretaries and auditors read the outbox; the link is for its recipient only."""
    user, link = invited
    [message] = outbox(user.email)
    assert message.is_confidential
    page = client.get(f"/outbox/{message.id}").data.decode()
    assert "single-use link" in page and link.split("/")[-1] not in page
    assert link.split("/")[-1] not in client.get("/outbox").data.decode()
