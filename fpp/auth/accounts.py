"""The account lifecycle: invitations, password resets, disabling, roles, end dates, unlocking, second-
factor resets and signing out everywhere. Verbs here flush and audit (before and after, never a secret);
the view or command commits.

Single-use links carry no table: a link is signed (itsdangerous, under the "account-token" key of
fpp.keys and a salt per purpose) and holds the account's id and a fingerprint of the state it changes
(the password hash and the session version). Setting the password changes the hash, so a link works once,
and stops working when the password changes some other way; `max_age` makes it expire.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime, timezone

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import delete, select

from fpp.audit import operations as audit
from fpp.auth.models import MEMBER_ROLES, ONE_ACCOUNT_PER_MEMBER, ROLE_LABELS, ROLES, RecoveryCode, User
from fpp.auth.operations import _check_password, create_user, find_user
from fpp.auth.passwords import hash_password
from fpp.errors import DomainError, violates
from fpp.extensions import db, settings
from fpp.keys import keyed_hash, subkey
from fpp.people.models import Member
from fpp.reminders.compose import one_line
from fpp.reminders.mail import render
from fpp.reminders.models import OutboxMessage
from fpp.templating import format_date
from fpp.timeutil import today, utcnow

INVITATION, RESET = "invitation", "password-reset"


class LinkError(DomainError):
    """An invitation or reset link that cannot be used: `reason` is "expired" or "used" (used already,
    replaced by a newer one, or the account changed since; a forged link reads the same)."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


class _ClockSigner(TimestampSigner):
    """Timestamps from the app's clock (fpp.timeutil), so tests can move time past a link's expiry."""

    def get_timestamp(self) -> int:
        return int(utcnow().replace(tzinfo=timezone.utc).timestamp())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    key = subkey(current_app.config["SECRET_KEY"], "account-token")
    return URLSafeTimedSerializer(key, salt=f"fpp-{purpose}", signer=_ClockSigner,
                                  signer_kwargs={"digest_method": hashlib.sha256})


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.id}|{user.password_hash}|{user.session_version}".encode()).hexdigest()[:32]


def make_token(user: User, purpose: str) -> str:
    """A signed link token for `purpose` that works until the account's password or sessions change."""
    return _serializer(purpose).dumps({"u": user.id, "f": _fingerprint(user)})


def _max_age(purpose: str) -> int:
    if purpose == INVITATION:
        return settings()["security_invitation_days"] * 86400
    return settings()["security_reset_minutes"] * 60


def read_token(token: str, purpose: str) -> User:
    """The account a link is for, or LinkError saying why it no longer works."""
    try:
        data = _serializer(purpose).loads(token, max_age=_max_age(purpose))
    except SignatureExpired:
        raise LinkError("This link has expired.", "expired") from None
    except BadSignature:
        raise LinkError("This link has already been used or is not valid.", "used") from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) and isinstance(data.get("u"), int) else None
    if user is None or not hmac.compare_digest(str(data.get("f")), _fingerprint(user)) or not user.is_enabled:
        raise LinkError("This link has already been used or is not valid.", "used")
    if purpose == INVITATION and user.invited_at is None:
        raise LinkError("This invitation has already been accepted.", "used")
    return user


# --- what is audited -------------------------------------------------------------------------------

def _state(user: User) -> dict:
    """The account's audited state: no password hash, TOTP secret or recovery code, only whether set."""
    return {"role": user.role, "member_pk": user.member_pk, "is_enabled": user.is_enabled,
            "active_until": audit.jsonable(user.active_until), "session_version": user.session_version,
            "failed_logins": user.failed_logins, "locked_until": audit.jsonable(user.locked_until),
            "second_factor": user.totp_confirmed_at is not None, "invited": user.invited_at is not None}


def _audit_change(action: str, user: User, before: dict, **extra) -> None:
    after = _state(user)
    changed = sorted(k for k in after if after[k] != before.get(k))
    audit.record(action, "users", user.id, before={k: before.get(k) for k in changed},
                 after={k: after[k] for k in changed} | extra, member_pk=user.member_pk)


def _end_sessions(user: User) -> None:
    """Every session of the account stops working (the sign-in core compares this with the cookie's)."""
    user.session_version += 1


# --- mail ------------------------------------------------------------------------------------------

def _link(endpoint: str, token: str) -> str:
    path = current_app.url_map.bind("localhost").build(endpoint, {"token": token})
    return settings()["base_url"].rstrip("/") + path


def _queue(recipient: str, subject: str, template: str, **context) -> None:
    """Write the message to the outbox in this transaction; the scheduler's sender delivers it."""
    context |= {"organisation": settings()["organisation_name"], "format_date": format_date}
    text, html = render(template, **context)
    db.session.add(OutboxMessage(recipient=recipient, subject=one_line(subject), body_text=text, body_html=html))
    db.session.flush()


def _send_invitation(user: User, invited_by: str | None) -> None:
    days = settings()["security_invitation_days"]
    organisation = settings()["organisation_name"]
    _queue(user.email, f"Your account on the {organisation} fit and proper persons register", "invitation",
           user=user, role=ROLE_LABELS[user.role], invited_by=invited_by, days=days,
           url=_link("auth.accept_invitation", make_token(user, INVITATION)),
           expires_on=utcnow().date().fromordinal(utcnow().date().toordinal() + days))


# --- invitations -----------------------------------------------------------------------------------

def invite(email: str, role: str, member: Member | None = None, until: date | None = None,
           invited_by: User | None = None) -> User:
    """Create an account nobody can sign in to yet (a random password, `invited_at` set) and queue the
    invitation: a link, valid `[security] invitation_days` and once, where its owner sets a password."""
    if role not in ROLES:
        raise DomainError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}", "role")
    _require_on_board(member)
    _check_until(role, until)
    user = create_user(email, role, None, member)
    user.active_until = until
    db.session.flush()
    _send_invitation(user, invited_by.email if invited_by else None)
    audit.record("user.invite", "users", user.id, after=_state(user) | {"email": user.email},
                 member_pk=user.member_pk)
    return user


def resend_invitation(user: User, invited_by: User | None = None) -> None:
    """Queue a new invitation; the earlier link stops working (the random password is replaced)."""
    if user.invited_at is None:
        raise DomainError(f"{user.email} has already accepted their invitation", "user")
    if not user.is_enabled:
        raise DomainError(f"{user.email} is disabled: enable the account first", "user")
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.invited_at = utcnow()
    _send_invitation(user, invited_by.email if invited_by else None)
    audit.record("user.resend_invitation", "users", user.id, after={"email": user.email},
                 member_pk=user.member_pk)


def accept_invitation(token: str, password: str) -> User:
    """Set the invited account's own password (through the policy); the link then never works again."""
    user = read_token(token, INVITATION)
    _check_password(password, email=user.email, member=user.member)
    before = _state(user)
    _set_password(user, password)
    user.invited_at = None
    _audit_change("user.accept_invitation", user, before)
    return user


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    _end_sessions(user)


# --- password resets -------------------------------------------------------------------------------

def request_password_reset(email: str) -> bool:
    """Queue a reset link (valid `[security] reset_minutes`, once) when `email` is an enabled account that
    may sign in now. The caller shows the same page either way, and the work is the same either way (a
    message is rendered, an audit entry written), so neither the answer nor its timing says whether the
    account exists. Returns whether a message was queued (for tests and the audit, never for the page)."""
    typed = (email or "").strip().lower()[:320]
    user = find_user(typed) if typed else None
    refusal = _refusal(user) if user is not None else "no such account"
    if user is not None and refusal is None:
        _queue(user.email, "Reset your password for the fit and proper persons register", "password_reset",
               user=user, minutes=settings()["security_reset_minutes"],
               url=_link("auth.reset_password", make_token(user, RESET)))
        audit.record("user.password_reset_requested", "users", user.id, member_pk=user.member_pk)
        return True
    render("password_reset", user=None, minutes=0, url="", organisation="", format_date=format_date)
    if user is not None:
        audit.record("user.password_reset_refused", "users", user.id, after={"reason": refusal},
                     member_pk=user.member_pk)
    else:
        audit.record("user.password_reset_refused", "users", None, after={
            "reason": refusal, "typed_hash": keyed_hash(current_app.config["SECRET_KEY"], "sign-in-attempt", typed)})
    return False


def _refusal(user: User) -> str | None:
    if not user.is_enabled:
        return "disabled"
    if user.invited_at is not None:
        return "invitation not accepted"
    return user.refusal(today())


def reset_password(token: str, password: str) -> User:
    """Set a new password from a reset link (through the policy; not the current one). The link then
    never works again, every session of the account ends and a lockout is lifted: the new password is
    known only to whoever holds the mailbox, and the second factor still stands."""
    user = read_token(token, RESET)
    if _refusal(user) is not None:
        raise LinkError("This link has already been used or is not valid.", "used")
    _check_password(password, email=user.email, member=user.member, current_hash=user.password_hash)
    before = _state(user)
    _set_password(user, password)
    user.failed_logins, user.locked_until = 0, None
    _audit_change("user.reset_password", user, before)
    return user
