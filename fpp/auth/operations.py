"""Verbs for accounts: create, sign in (audited, successful or not, counted towards the lockout), change
the password."""
from __future__ import annotations

import secrets

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from checks.text import control_character_problem
from fpp.audit import operations as audit
from fpp.auth import throttle
from fpp.auth.models import MEMBER_ROLES, ONE_ACCOUNT_PER_MEMBER, ROLE_LABELS, ROLES, User
from fpp.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from fpp.errors import DomainError, violates
from fpp.extensions import db
from fpp.keys import keyed_hash
from fpp.people.models import Member
from fpp.timeutil import today, utcnow

# Verifying against a real hash even for unknown emails keeps the timing the same.
_DUMMY_HASH: dict[str, str] = {}


def _check_password(password: str, *, email: str | None = None, member: Member | None = None,
                    current_hash: str | None = None) -> None:
    """Refuse, on the password field, a password the policy does not allow this person (passwords.py):
    too short, common or easily guessed, containing their email or (member accounts) name, or current."""
    problem = password_problem(password, email=email, names=(member.name,) if member else (),
                               current_hash=current_hash)
    if problem:
        raise DomainError(problem, "password")


def find_user(email: str) -> User | None:
    return db.session.execute(select(User).where(func.lower(User.email) == email.strip().lower())).scalar()


def check_role_member(role: str, member: Member | None) -> None:
    """A known role; chair, SID and member accounts name the board member they are, others none."""
    if role not in ROLES:
        raise DomainError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}", "role")
    if role in MEMBER_ROLES and member is None:
        raise DomainError(f"{ROLE_LABELS[role]} accounts must name the board member they belong to", "member")
    if role not in MEMBER_ROLES and member is not None:
        raise DomainError(f"{ROLE_LABELS[role]} accounts are not linked to a board member", "member")


def create_user(email: str, role: str, password: str | None, member: Member | None = None) -> User:
    """Add an account. Chair, SID and member accounts must name the board member they are. Without a
    password the account is an invitation (fpp.auth.accounts.invite): its password is a random one
    nobody knows, and `invited_at` says the owner has yet to set their own."""
    email = (email or "").strip().lower()
    if "@" not in email or control_character_problem(email) or any(c.isspace() for c in email):
        raise DomainError("Enter an email address like name@nhs.net", "email")
    check_role_member(role, member)
    if member is not None and _has_account(member):
        raise DomainError(f"{member.name} already has an account", "member")
    if find_user(email):
        raise DomainError(f"There is already an account for {email}", "email")
    if password is not None:
        _check_password(password, email=email, member=member)
    user = User(email=email, role=role, password_hash=hash_password(password or secrets.token_urlsafe(32)),
                member_pk=member.id if member else None, invited_at=utcnow() if password is None else None,
                password_changed_at=utcnow() if password is not None else None)
    try:
        with db.session.begin_nested():  # a SAVEPOINT: a refused insert leaves the caller's transaction usable
            db.session.add(user)
            db.session.flush()
    except IntegrityError as error:  # another request gave the member an account since the check above
        if member is None or not violates(error, ONE_ACCOUNT_PER_MEMBER):
            raise
        raise DomainError(f"{member.name} already has an account", "member") from None
    audit.record("user.create", "users", user.id, after=audit.snapshot(user) | {"invited": password is None})
    return user


def _has_account(member: Member) -> bool:
    return db.session.execute(select(User.id).where(User.member_pk == member.id)).first() is not None


WRONG_CREDENTIALS = "The email address or password is not right"
WRONG_CODE = "The code is not right, or it was used already: enter the code the app shows now"
ANONYMOUS = (None, "anonymous")  # who a failed sign-in is recorded as: nobody has signed in


def authenticate(email: str, password: str) -> User:
    """The account these credentials open, or DomainError with what to show. In order: a locked account
    (or an unknown address after as many failures) is refused without looking at the password; a wrong
    password counts towards the lockout; an account that may not be used (`User.refusal`) is refused.
    Every failure is audited, against the account when it exists, else under a keyed hash of what was
    typed (never the text itself). The password alone signs nobody in: see `complete_sign_in`."""
    now = utcnow()
    user = find_user(email or "")
    if user is None:
        return _unknown_address(email, password, now)
    if throttle.account_locked(user, now):
        _failed(user, "locked")
        raise DomainError(throttle.LOCKED_MESSAGE)
    if not verify_password(user.password_hash, password or ""):
        count_failure(user, "password", now)
    problem = user.refusal(today())
    if problem:
        _failed(user, "refused")
        raise DomainError(f"{problem} Ask the company secretary if you still need access.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _unknown_address(email: str, password: str, now) -> User:
    """An address with no account behaves as an account with a wrong password would, lockout included."""
    attempt = keyed_hash(current_app.config["SECRET_KEY"], "sign-in-attempt", throttle.normalised(email))
    if throttle.unknown_locked(email, now):
        audit.record("auth.login_failed", "users", None, after={"attempt": attempt, "reason": "locked"},
                     actor=ANONYMOUS)
        raise DomainError(throttle.LOCKED_MESSAGE)
    if "hash" not in _DUMMY_HASH:  # verifying a real hash keeps the timing of a known account's
        _DUMMY_HASH["hash"] = hash_password("not-a-real-password")
    verify_password(_DUMMY_HASH["hash"], password or "")
    locked = throttle.count_unknown_failure(email, now)
    audit.record("auth.login_failed", "users", None, after={"attempt": attempt, "reason": "password"},
                 actor=ANONYMOUS)
    raise DomainError(throttle.LOCKED_MESSAGE if locked else WRONG_CREDENTIALS)


def _failed(user: User, reason: str) -> None:
    audit.record("auth.login_failed", "users", user.id, after={"reason": reason}, actor=ANONYMOUS)


def count_failure(user: User, reason: str, now=None) -> None:
    """A wrong password or code for `user`: audited, counted, the account locked when it reaches
    `[security] login_max_failures` (audited as `auth.locked`). Always raises the DomainError to show."""
    now = now or utcnow()
    _failed(user, reason)
    if throttle.count_account_failure(user, now):
        audit.record("auth.locked", "users", user.id, actor=ANONYMOUS,
                     after={"failures": user.failed_logins, "locked_until": audit.jsonable(user.locked_until)})
        raise DomainError(throttle.LOCKED_MESSAGE)
    raise DomainError(WRONG_CREDENTIALS if reason == "password" else WRONG_CODE)


def check_second_step(user: User) -> None:
    """Before the code is checked: refuse a locked account, or one that may no longer be used."""
    if throttle.account_locked(user, utcnow()):
        _failed(user, "locked")
        raise DomainError(throttle.LOCKED_MESSAGE)
    problem = user.refusal(today())
    if problem:
        _failed(user, "refused")
        raise DomainError(f"{problem} Ask the company secretary if you still need access.")


def complete_sign_in(user: User, factor: str | None) -> None:
    """Every step passed (`factor`: "totp", "recovery", or None for a role that needs none and has none):
    the failure count starts again, and the sign-in is audited."""
    throttle.reset_account(user)
    user.last_login_at = utcnow()
    audit.record("auth.login", "users", user.id, actor=(user.id, user.email),
                 after={"second_factor": factor} if factor else None)


def confirm_password(user: User, password: str) -> None:
    """Ask again before signing something: refuse if the password is wrong."""
    if not verify_password(user.password_hash, password or ""):
        raise DomainError("The password is not correct", "password")


def change_password(user: User, current: str, new: str) -> None:
    """Change the user's own password after checking the current one and the policy. Every session of
    the account ends (its version goes up); the view keeps the one that made the change."""
    confirm_password(user, current)
    _check_password(new, email=user.email, member=user.member, current_hash=user.password_hash)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    user.session_version += 1
    audit.record("user.change_password", "users", user.id, after={"sessions_ended": True})


def sign_out(user: User) -> None:
    """Audit a sign-out (fpp.auth.sessions records the session as ended)."""
    audit.record("auth.logout", "users", user.id, actor=(user.id, user.email))
