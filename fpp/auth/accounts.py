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
from datetime import date, timedelta, timezone

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from checks.text import one_line
from fpp.audit import operations as audit
from fpp.auth.models import ONE_ACCOUNT_PER_MEMBER, ROLE_LABELS, RecoveryCode, User
from fpp.auth.operations import _check_password, check_role_member, create_user, find_user
from fpp.auth.passwords import hash_password
from fpp.errors import DomainError, violates
from fpp.extensions import db, settings
from fpp.keys import keyed_hash, subkey
from fpp.people.models import Member
from fpp.templating import format_date, render_mail
from fpp.timeutil import today, utcnow

INVITATION, RESET = "invitation", "password-reset"
RESET_SUBJECT = "Reset your password for the fit and proper persons register"


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
    if user is not None and purpose == INVITATION and user.invited_at is None:
        raise LinkError("This invitation has already been accepted.", "used")
    if user is None or not hmac.compare_digest(str(data.get("f")), _fingerprint(user)) or not user.is_enabled:
        raise LinkError("This link has already been used or is not valid.", "used")
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


def render(template: str, **context) -> tuple[str, str]:
    """The plain-text and HTML bodies of `templates/email/<template>.txt|.html`."""
    context |= {"organisation": settings()["organisation_name"], "format_date": format_date}
    return render_mail(template, **context)  # the .txt part unescaped


def _queue(recipient: str, subject: str, text: str, html: str) -> None:
    """Write the message to the outbox in this transaction; the scheduler's sender delivers it. The outbox
    belongs to the reminders feature, which imports this one, so it is reached through the app."""
    current_app.extensions["fpp_outbox"](recipient, one_line(subject), text, html, confidential=True)


def _send_invitation(user: User, invited_by: str | None) -> None:
    days = settings()["security_invitation_days"]
    organisation = settings()["organisation_name"]
    text, html = render("invitation", user=user, role=ROLE_LABELS[user.role], invited_by=invited_by, days=days,
                        needs_mfa=user.role in settings()["security_mfa_required_roles"],
                        url=_link("auth.accept_invitation", make_token(user, INVITATION)),
                        expires_at=utcnow() + timedelta(days=days))
    _queue(user.email, f"Your account on the {organisation} fit and proper persons register", text, html)


# --- invitations -----------------------------------------------------------------------------------

def invite(email: str, role: str, member: Member | None = None, until: date | None = None,
           invited_by: User | None = None) -> User:
    """Create an account nobody can sign in to yet (a random password, `invited_at` set) and queue the
    invitation: a link, valid `[security] invitation_days` and once, where its owner sets a password."""
    check_role_member(role, member)
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
    may sign in now. The caller shows the same page either way, and the work is nearly the same either
    way (a link signed, a message rendered, an audit entry written), so neither the answer nor its timing
    says whether the account exists. Returns whether a message was queued (for tests, never the page)."""
    typed = (email or "").strip().lower()[:320]
    user = find_user(typed) if typed else None
    refusal = user.refusal(today()) if user is not None else "no such account"
    # Nobody's message is built too (an account that is never stored), then thrown away.
    target = user if user is not None and refusal is None else User(id=0, email=typed, password_hash="-",
                                                                    session_version=1)
    text, html = _reset_message(target)
    if target is user:
        _queue(user.email, RESET_SUBJECT, text, html)
        audit.record("user.password_reset_requested", "users", user.id, member_pk=user.member_pk)
        return True
    if user is not None:
        audit.record("user.password_reset_refused", "users", user.id, after={"reason": refusal},
                     member_pk=user.member_pk)
    else:
        audit.record("user.password_reset_refused", "users", None, after={
            "reason": refusal, "typed_hash": keyed_hash(current_app.config["SECRET_KEY"], "sign-in-attempt", typed)})
    return False


def _reset_message(user: User) -> tuple[str, str]:
    return render("password_reset", user=user, minutes=settings()["security_reset_minutes"],
                  url=_link("auth.reset_password", make_token(user, RESET)))


def reset_password(token: str, password: str) -> User:
    """Set a new password from a reset link (through the policy; not the current one). The link then
    never works again, every session of the account ends and a lockout is lifted: the new password is
    known only to whoever holds the mailbox, and the second factor still stands."""
    user = read_token(token, RESET)
    if user.refusal(today()) is not None:
        raise LinkError("This link has already been used or is not valid.", "used")
    _check_password(password, email=user.email, member=user.member, current_hash=user.password_hash)
    before = _state(user)
    _set_password(user, password)
    user.failed_logins, user.locked_until = 0, None
    _audit_change("user.reset_password", user, before)
    return user


# --- what the secretary does to an account ---------------------------------------------------------

def _acting_on_self(user: User) -> bool:
    return audit.current_actor()[0] == user.id


def _other_enabled_secretaries(user: User) -> int:
    """Secretaries other than `user` who can sign in, their rows locked (PostgreSQL) so two secretaries
    disabling each other at once cannot leave the register without one."""
    query = (select(User.id).where(User.role == "secretary", User.is_enabled.is_(True), User.invited_at.is_(None),
                                   User.id != user.id).with_for_update())
    return len(db.session.execute(query).all())


def _keep_a_secretary(user: User, doing: str) -> None:
    """A secretary may not do this to their own account, nor to the last enabled secretary."""
    if _acting_on_self(user):
        raise DomainError(f"You cannot {doing} your own account: ask another secretary", "user")
    if user.role == "secretary" and user.is_enabled and _other_enabled_secretaries(user) == 0:
        raise DomainError(f"{user.email} is the last enabled secretary: invite or enable another secretary "
                          f"before you {doing} this account", "user")


def disable(user: User) -> None:
    """The account can no longer sign in, and every session of it ends."""
    if not user.is_enabled:
        raise DomainError(f"{user.email} is already disabled", "user")
    _keep_a_secretary(user, "disable")
    before = _state(user)
    user.is_enabled = False
    _end_sessions(user)
    _audit_change("user.disable", user, before)


def enable(user: User) -> None:
    """The account may sign in again (unless its end date has passed or its member has left)."""
    if user.is_enabled:
        raise DomainError(f"{user.email} is already enabled", "user")
    before = _state(user)
    user.is_enabled = True
    user.failed_logins, user.locked_until = 0, None
    _audit_change("user.enable", user, before)


def set_role(user: User, role: str, member: Member | None = None) -> None:
    """Give the account another role (chair, SID and member roles name their board member, one account
    per member; other roles none). Every session of it ends; an end date goes unless it stays an auditor."""
    check_role_member(role, member)
    if role == user.role and (member.id if member else None) == user.member_pk:
        raise DomainError(f"{user.email} already has that role", "role")
    _require_on_board(member)
    if user.role == "secretary" and role != "secretary":
        _keep_a_secretary(user, "change the role of")
    elif _acting_on_self(user):
        raise DomainError("You cannot change the role of your own account: ask another secretary", "role")
    if member is not None and db.session.execute(
            select(User.id).where(User.member_pk == member.id, User.id != user.id)).first() is not None:
        raise DomainError(f"{member.name} already has an account", "member")
    before = _state(user)
    try:
        with db.session.begin_nested():  # a SAVEPOINT: the unique index settles a race with another request
            user.role, user.member = role, member
            if role != "auditor":
                user.active_until = None
            _end_sessions(user)
            db.session.flush()
    except IntegrityError as error:
        if member is None or not violates(error, ONE_ACCOUNT_PER_MEMBER):
            raise
        raise DomainError(f"{member.name} already has an account", "member") from None
    _audit_change("user.set_role", user, before)


def set_until(user: User, until: date | None) -> None:
    """The last day an auditor's account works (None: no end). Refused at sign-in and on every request
    after that day; nothing is flipped by a job."""
    _check_until(user.role, until)
    if until == user.active_until:
        raise DomainError(f"{user.email} already {'ends on ' + format_date(until, 'long') if until else 'has no end date'}",
                          "until")
    before = _state(user)
    user.active_until = until
    _audit_change("user.set_until", user, before)


def _check_until(role: str, until: date | None) -> None:
    if until is None:
        return
    if role != "auditor":
        raise DomainError("Only auditor accounts end on a date; board members' accounts end when they leave, "
                          "and other accounts are disabled instead", "until")
    if until < today():
        raise DomainError("The end date must be today or later", "until")


def _require_on_board(member: Member | None) -> None:
    if member is not None and member.end_on is not None and member.end_on < today():
        raise DomainError(f"{member.name} left the board on {format_date(member.end_on, 'long')}: "
                          "their account could not be used", "member")


def unlock(user: User) -> None:
    """Lift a lockout after too many failed sign-ins (the count starts again)."""
    if not user.failed_logins and user.locked_until is None:
        raise DomainError(f"{user.email} is not locked", "user")
    before = _state(user)
    user.failed_logins, user.locked_until = 0, None
    _audit_change("user.unlock", user, before)


def reset_mfa(user: User) -> None:
    """Forget the account's second factor and recovery codes, and end its sessions: its owner enrols
    again at their next sign-in."""
    if user.totp_secret is None and user.totp_confirmed_at is None and not _has_recovery_codes(user):
        raise DomainError(f"{user.email} has no second factor to reset", "user")
    before = _state(user)
    user.totp_secret = user.totp_confirmed_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    _end_sessions(user)
    _audit_change("user.reset_mfa", user, before)


def _has_recovery_codes(user: User) -> bool:
    return db.session.execute(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id)).first() is not None


def sign_out_everywhere(user: User) -> None:
    """End every session of the account, wherever it is signed in (including the caller's own)."""
    before = _state(user)
    _end_sessions(user)
    _audit_change("user.sign_out_everywhere", user, before)


def account_by_email(email: str) -> User:
    """The account with this email, or a DomainError naming it (for the command line)."""
    user = find_user(email or "")
    if user is None:
        raise DomainError(f"No account has the email address {email}", "email")
    return user
