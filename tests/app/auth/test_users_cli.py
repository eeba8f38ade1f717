"""`fpp users ...` (CONTRACT.md): every subcommand, its audit entry (actor "cli") and its bad input:
exit 1 with a message naming what is wrong and nothing changed, exit 2 on wrong usage."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from fpp.audit.models import AuditEntry
from fpp.auth.models import RecoveryCode, User
from fpp.extensions import db
from fpp.reminders.models import OutboxMessage
from fpp.timeutil import today, utcnow


def last_entry(action: str) -> AuditEntry:
    return db.session.execute(select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.id.desc()).limit(1)).scalar_one()


def entry_count() -> int:
    return db.session.execute(select(func.count(AuditEntry.id))).scalar()


def account(email: str) -> User:
    db.session.expire_all()
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def test_users_list(runner, create_user, create_member):
    assert "No accounts yet." in runner("users", "list").output
    create_user("secretary", email="sec@example.nhs.uk")
    create_user("member", member=create_member(member_id="M01"), email="mem@example.nhs.uk")
    auditor = create_user("auditor", email="aud@example.nhs.uk")
    auditor.active_until, auditor.locked_until = date(2099, 1, 31), utcnow() + timedelta(minutes=5)
    gone = create_user("auditor", email="gone@example.nhs.uk")
    gone.is_enabled = False
    db.session.commit()
    result = runner("users", "list")
    assert result.exit_code == 0
    lines = {line.split()[0]: line for line in result.output.splitlines()[1:]}
    assert "M01" in lines["mem@example.nhs.uk"] and "active" in lines["mem@example.nhs.uk"]
    assert "ends on 2099-01-31" in lines["aud@example.nhs.uk"] and "locked until" in lines["aud@example.nhs.uk"]
    assert "disabled" in lines["gone@example.nhs.uk"]


def test_users_invite(runner, create_member):
    create_member(member_id="C01", name="Cara Chair", position="chair")
    result = runner("users", "invite", "Cara@Example.nhs.uk", "--role", "chair", "--member-id", "C01")
    assert result.exit_code == 0, result.output
    assert "Invited cara@example.nhs.uk as chair" in result.output and "7 days" in result.output
    user = account("cara@example.nhs.uk")
    assert user.invited_at is not None and user.member.member_id == "C01"
    [message] = db.session.execute(select(OutboxMessage)).scalars().all()
    assert message.recipient == "cara@example.nhs.uk" and "/invitation/" in message.body_text
    entry = last_entry("user.invite")
    assert entry.actor == "cli" and entry.actor_id is None
    result = runner("users", "invite", "aud@example.nhs.uk", "--role", "auditor", "--until", "2099-03-31")
    assert result.exit_code == 0 and account("aud@example.nhs.uk").active_until == date(2099, 3, 31)


@pytest.mark.parametrize("args, code, message", [
    (["users", "invite", "x@example.nhs.uk", "--role", "king"], 1, "Unknown role 'king'"),
    (["users", "invite", "x@example.nhs.uk", "--role", "member"], 1, "must name the board member"),
    (["users", "invite", "x@example.nhs.uk", "--role", "member", "--member-id", "NOPE"], 1,
     "--member-id NOPE: no board member has that Member ID"),
    (["users", "invite", "x@example.nhs.uk", "--role", "secretary", "--until", "2099-01-01"], 1,
     "Only auditor accounts end on a date"),
    (["users", "invite", "x@example.nhs.uk", "--role", "auditor", "--until", "2020-01-01"], 1,
     "The end date must be today or later"),
    (["users", "invite", "not-an-email", "--role", "auditor"], 1, "Enter an email address"),
    (["users", "invite", "taken@example.nhs.uk", "--role", "auditor"], 1, "There is already an account"),
    (["users", "invite", "x@example.nhs.uk", "--role", "auditor", "--until", "31/12/2099"], 2, "is not a date"),
    (["users", "invite", "x@example.nhs.uk"], 2, "Missing option '--role'"),
    (["users", "disable", "nobody@example.nhs.uk"], 1, "No account has the email address nobody@example.nhs.uk"),
    (["users", "enable", "nobody@example.nhs.uk"], 1, "No account has the email address"),
    (["users", "unlock", "nobody@example.nhs.uk"], 1, "No account has the email address"),
    (["users", "reset-mfa", "nobody@example.nhs.uk"], 1, "No account has the email address"),
    (["users", "set-role", "nobody@example.nhs.uk", "auditor"], 1, "No account has the email address"),
    (["users", "set-until", "nobody@example.nhs.uk", "never"], 1, "No account has the email address"),
    (["users", "enable", "taken@example.nhs.uk"], 1, "taken@example.nhs.uk is already enabled"),
    (["users", "unlock", "taken@example.nhs.uk"], 1, "taken@example.nhs.uk is not locked"),
    (["users", "reset-mfa", "taken@example.nhs.uk"], 1, "has no second factor to reset"),
    (["users", "set-role", "taken@example.nhs.uk", "king"], 1, "Unknown role 'king'"),
    (["users", "set-role", "taken@example.nhs.uk", "chair"], 1, "must name the board member"),
    (["users", "set-role", "taken@example.nhs.uk", "auditor"], 1, "already has that role"),
    (["users", "set-role", "taken@example.nhs.uk", "member", "--member-id", "NOPE"], 1, "no board member has"),
    (["users", "set-until", "taken@example.nhs.uk", "2020-01-01"], 1, "The end date must be today or later"),
    (["users", "set-until", "taken@example.nhs.uk", "soon"], 2, "is not a date"),
    (["users", "set-until", "taken@example.nhs.uk", "never"], 1, "already has no end date"),
    (["users", "set-until", "taken@example.nhs.uk"], 2, "Missing argument"),
    (["users", "frobnicate"], 2, "No such command"),
])
def test_users_bad_input_changes_nothing(runner, create_user, args, code, message):
    create_user("auditor", email="taken@example.nhs.uk")
    before = entry_count()
    result = runner(*args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert entry_count() == before
    assert db.session.execute(select(func.count(OutboxMessage.id))).scalar() == 0


def test_users_disable_and_enable(runner, create_user):
    create_user("secretary")
    user = create_user("member", email="mo@example.nhs.uk")
    result = runner("users", "disable", "MO@example.nhs.uk")
    assert result.exit_code == 0 and "Disabled mo@example.nhs.uk; every session of it has ended." in result.output
    assert not account(user.email).is_enabled and account(user.email).session_version == 2
    entry = last_entry("user.disable")
    assert entry.actor == "cli" and json.loads(entry.after) == {"is_enabled": False, "session_version": 2}
    again = runner("users", "disable", "mo@example.nhs.uk")
    assert again.exit_code == 1 and "is already disabled" in again.output
    assert runner("users", "enable", "mo@example.nhs.uk").exit_code == 0 and account(user.email).is_enabled
    assert last_entry("user.enable").actor == "cli"


def test_users_disable_refuses_the_last_secretary(runner, create_user):
    create_user("secretary", email="only@example.nhs.uk")
    result = runner("users", "disable", "only@example.nhs.uk")
    assert result.exit_code == 1
    assert "only@example.nhs.uk is the last enabled secretary" in result.output
    demote = runner("users", "set-role", "only@example.nhs.uk", "auditor")
    assert demote.exit_code == 1 and "is the last enabled secretary" in demote.output
    assert account("only@example.nhs.uk").is_enabled and account("only@example.nhs.uk").role == "secretary"


def test_users_unlock(runner, create_user):
    user = create_user("auditor")
    user.failed_logins, user.locked_until = 5, utcnow() + timedelta(minutes=15)
    db.session.commit()
    result = runner("users", "unlock", user.email)
    assert result.exit_code == 0 and f"Unlocked {user.email}." in result.output
    assert account(user.email).failed_logins == 0 and account(user.email).locked_until is None
    before = json.loads(last_entry("user.unlock").before)
    assert before["failed_logins"] == 5 and before["locked_until"]


def test_users_reset_mfa(runner, create_user):
    user = create_user("auditor")
    user.totp_secret, user.totp_confirmed_at, user.totp_last_step = "encrypted-secret", utcnow(), 42
    db.session.add(RecoveryCode(user_id=user.id, code_hash="hashed"))
    db.session.commit()
    result = runner("users", "reset-mfa", user.email)
    assert result.exit_code == 0 and "Reset the second factor" in result.output
    reset = account(user.email)
    assert (reset.totp_secret, reset.totp_confirmed_at, reset.totp_last_step) == (None, None, None)
    assert reset.session_version == 2
    assert db.session.execute(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).first() is None
    entry = last_entry("user.reset_mfa")
    assert entry.actor == "cli" and "encrypted-secret" not in entry.before + entry.after


def test_users_set_role(runner, create_user, create_member):
    create_member(member_id="S01", name="Sid Senior", position="sid")
    user = create_user("auditor", email="sid@example.nhs.uk")
    result = runner("users", "set-role", "sid@example.nhs.uk", "sid", "--member-id", "S01")
    assert result.exit_code == 0 and "sid@example.nhs.uk is now sid" in result.output
    changed = account(user.email)
    assert changed.role == "sid" and changed.member.member_id == "S01" and changed.session_version == 2
    assert json.loads(last_entry("user.set_role").after)["role"] == "sid"
    taken = runner("users", "set-role", create_user("auditor").email, "member", "--member-id", "S01")
    assert taken.exit_code == 1 and "Sid Senior already has an account" in taken.output


def test_users_set_until(runner, create_user):
    user = create_user("auditor")
    day = (today() + timedelta(days=90)).isoformat()
    result = runner("users", "set-until", user.email, day)
    assert result.exit_code == 0 and f"works until the end of {day}" in result.output
    assert account(user.email).active_until.isoformat() == day
    assert json.loads(last_entry("user.set_until").after) == {"active_until": day}
    result = runner("users", "set-until", user.email, "never")
    assert result.exit_code == 0 and "no longer has an end date" in result.output
    assert account(user.email).active_until is None
    member = create_user("member")
    refused = runner("users", "set-until", member.email, day)
    assert refused.exit_code == 1 and "Only auditor accounts end on a date" in refused.output


def test_create_user_still_works_and_applies_the_policy(runner):
    ok = runner("create-user", "first@example.nhs.uk", "--role", "secretary", "--password-stdin",
                input="violet-tundra-harbour-57\n")
    assert ok.exit_code == 0 and "Created secretary account first@example.nhs.uk." in ok.output
    assert account("first@example.nhs.uk").invited_at is None
    common = runner("create-user", "second@example.nhs.uk", "--role", "auditor", "--password-stdin",
                    input="qwerty123456\n")
    assert common.exit_code == 1 and "one of the most common ones" in common.output
    personal = runner("create-user", "harriet.jones@example.nhs.uk", "--role", "auditor", "--password-stdin",
                      input="harriet-loves-sailing\n")
    assert personal.exit_code == 1 and "must not contain your email address or name" in personal.output
