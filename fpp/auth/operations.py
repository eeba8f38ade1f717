"""Verbs for accounts: create, sign in (audited, successful or not), change the password."""
from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from checks.text import control_character_problem
from fpp.audit import operations as audit
from fpp.auth.models import MEMBER_ROLES, ONE_ACCOUNT_PER_MEMBER, ROLE_LABELS, ROLES, User
from fpp.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from fpp.errors import DomainError, violates
from fpp.extensions import db
from fpp.people.models import Member
from fpp.timeutil import utcnow

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


def create_user(email: str, role: str, password: str | None, member: Member | None = None) -> User:
    """Add an account. Chair, SID and member accounts must name the board member they are. Without a
    password the account is an invitation (fpp.auth.accounts.invite): its password is a random one
    nobody knows, and `invited_at` says the owner has yet to set their own."""
    email = (email or "").strip().lower()
    if "@" not in email or control_character_problem(email) or any(c.isspace() for c in email):
        raise DomainError("Enter an email address like name@nhs.net", "email")
    if role not in ROLES:
        raise DomainError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}", "role")
    if role in MEMBER_ROLES and member is None:
        raise DomainError(f"{ROLE_LABELS[role]} accounts must name the board member they belong to", "member")
    if role not in MEMBER_ROLES and member is not None:
        raise DomainError(f"{ROLE_LABELS[role]} accounts are not linked to a board member", "member")
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


def authenticate(email: str, password: str) -> User | None:
    """The enabled user with these credentials, or None. Writes a login or failed-login audit entry."""
    user = find_user(email or "")
    if user is None:
        if "hash" not in _DUMMY_HASH:
            _DUMMY_HASH["hash"] = hash_password("not-a-real-password")
        verify_password(_DUMMY_HASH["hash"], password or "")
    if user is None or not user.is_enabled or not verify_password(user.password_hash, password or ""):
        audit.record("auth.login_failed", "users", user.id if user else None,
                     after={"email": (email or "").strip().lower()[:320]})
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit.record("auth.login", "users", user.id, actor=(user.id, user.email))
    return user


def confirm_password(user: User, password: str) -> None:
    """Ask again before signing something: refuse if the password is wrong."""
    if not verify_password(user.password_hash, password or ""):
        raise DomainError("The password is not correct", "password")


def change_password(user: User, current: str, new: str) -> None:
    """Change the user's own password after checking the current one."""
    confirm_password(user, current)
    _check_password(new)
    user.password_hash = hash_password(new)
    audit.record("user.change_password", "users", user.id)
