"""The second factor: TOTP (RFC 6238, through pyotp) and single-use recovery codes.

The secret is made when the enrolment page is first shown and kept, encrypted, in the signed session
until a code from the app confirms it; only then is it stored on the account (encrypted at rest under
the "totp-secret" key of fpp.keys). A code is accepted for the time step before, at and after now
(`valid_window=1`), and never for a step at or before the last one accepted (`totp_last_step`), so a
code seen over someone's shoulder cannot be used again. Recovery codes: ten, shown once, stored
Argon2-hashed, each used up by one sign-in. Time comes from fpp.timeutil, which tests freeze.

Verbs here flush and audit; the view commits.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timezone

import pyotp
import segno
from flask import current_app, session
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from fpp.audit import operations as audit
from fpp.auth.models import RecoveryCode, User
from fpp.auth.passwords import hash_password, verify_password
from fpp.extensions import db, settings
from fpp.keys import decrypt, encrypt
from fpp.timeutil import utcnow

RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper without doubt
ENROL_KEY = "fpp_enrol"


def _master() -> str:
    return current_app.config["SECRET_KEY"]


def required_for(user: User) -> bool:
    """Whether the user's role must use a second factor (`[security] mfa_required_roles`)."""
    return user.role in settings()["security_mfa_required_roles"]


def secret_of(user: User) -> str | None:
    """The account's TOTP secret in clear (None when none is set, or it was encrypted under another key)."""
    return decrypt(_master(), "totp-secret", user.totp_secret) if user.totp_secret else None


# --- Enrolment -------------------------------------------------------------------------------------------

def candidate_secret() -> str:
    """The secret being enrolled on this browser: the same one until it is confirmed, so reloading the
    page after scanning the QR code does not change it."""
    token = session.get(ENROL_KEY)
    secret = decrypt(_master(), "totp-secret", token) if token else None
    if secret is None:
        secret = pyotp.random_base32()
        session[ENROL_KEY] = encrypt(_master(), "totp-secret", secret)
    return secret


def forget_candidate() -> None:
    session.pop(ENROL_KEY, None)


def grouped(secret: str) -> str:
    """The key as people type it: groups of four."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=settings()["organisation_name"])


def qr_data_uri(user: User, secret: str) -> str:
    """The QR code an authenticator app scans, as an SVG data URI (an <img> the CSP allows)."""
    return segno.make(provisioning_uri(user, secret), error="m").svg_data_uri(scale=5, border=2)


def confirm_enrolment(user: User, secret: str, code: str) -> list[str] | None:
    """Store `secret` as the account's second factor if `code` is the one the app shows now; returns
    the new recovery codes (in clear, to show once), or None when the code is not right."""
    step = _matching_step(secret, code)
    if step is None:
        return None
    user.totp_secret = encrypt(_master(), "totp-secret", secret)
    user.totp_confirmed_at, user.totp_last_step = utcnow(), step
    codes = _replace_codes(user)
    audit.record("auth.mfa_enrolled", "users", user.id, after={"recovery_codes": len(codes)})
    return codes


# --- Signing in ------------------------------------------------------------------------------------------

def check_code(user: User, typed: str) -> str | None:
    """Whether `typed` passes the account's second factor: "totp" for the app's code (its step is used
    up), "recovery" for a recovery code (now used up), None otherwise. Concurrent requests with the same
    code cannot both pass: each use is a conditional UPDATE."""
    code = "".join((typed or "").split())
    if code.isdigit():
        secret = secret_of(user)
        step = _matching_step(secret, code) if secret else None
        return "totp" if step is not None and _use_step(user, step) else None
    return "recovery" if _use_recovery_code(user, code) else None


def _now_utc() -> datetime:
    return utcnow().replace(tzinfo=timezone.utc)


def _matching_step(secret: str, code: str) -> int | None:
    """The time step (previous, current or next) whose code is `code`, or None."""
    code = "".join((code or "").split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp, now = pyotp.TOTP(secret), _now_utc()
    if not totp.verify(code, for_time=now, valid_window=1):
        return None
    current = totp.timecode(now)
    return next(step for step in (current - 1, current, current + 1)
                if secrets.compare_digest(totp.generate_otp(step), code))


def _use_step(user: User, step: int) -> bool:
    """Record `step` as used, unless it (or a later one) already was: no code is accepted twice."""
    result = db.session.execute(
        update(User).where(User.id == user.id)
        .where((User.totp_last_step.is_(None)) | (User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)  # as the UPDATE left it (no second UPDATE at flush)
    return True


# --- Recovery codes --------------------------------------------------------------------------------------

def _new_code() -> str:
    text = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{text[:5]}-{text[5:]}"


def _normalised(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _replace_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_code() for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_password(_normalised(code))) for code in codes)
    db.session.flush()
    return codes


def replace_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes for an account with a second factor (the old ones stop working)."""
    codes = _replace_codes(user)
    audit.record("auth.recovery_codes_replaced", "users", user.id, after={"recovery_codes": len(codes)})
    return codes


def recovery_codes_left(user: User) -> int:
    """How many of the account's recovery codes are still unused."""
    return db.session.execute(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).scalar()


def _use_recovery_code(user: User, typed: str) -> bool:
    code = _normalised(typed)
    if len(code) != 10:
        return False
    unused = db.session.execute(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).scalars().all()
    match = next((row for row in unused if verify_password(row.code_hash, code)), None)
    if match is None:
        return False
    used = db.session.execute(update(RecoveryCode).where(RecoveryCode.id == match.id, RecoveryCode.used_at.is_(None))
                              .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        return False
    audit.record("auth.recovery_code_used", "users", user.id, after={"left": len(unused) - 1})
    return True
