"""Sign-in throttling and lockout.

Two kinds of limit guard the sign-in POSTs (the password, and the second factor's code):

- Rates, counted by Flask-Limiter in `[security] rate_limit_storage_url` (memory, or Redis shared by
  several web workers): per client address (`login_rate_per_address`; the address is the one the trusted
  proxies forwarded, through ProxyFix) and per account, counted under a keyed hash of the normalised email
  address so the storage never holds an address in clear. Over a rate the client gets the 429 page.
- Lockout: after `login_max_failures` consecutive failures (a wrong password or a wrong code) an account is
  locked for `lockout_minutes` (`users.locked_until`); a successful sign-in resets the count, and so does an
  unlock (the account operations clear `failed_logins` and `locked_until`). An email address with no account
  is counted the same way in the limiter's storage, by its keyed hash, so after the same number of attempts
  it gets the same locked message for the same time: the answer never tells whether an account exists.

Lock times come from fpp.timeutil (which tests freeze); the storage's own expiry only clears old keys.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, current_app, request, session

from fpp.auth.models import User
from fpp.extensions import limiter, settings
from fpp.keys import keyed_hash

PER_ACCOUNT = "10 per minute"  # every sign-in POST for one email address, right or wrong
LOCKED_MESSAGE = "This account is locked for now. Try again later, or ask the company secretary to unlock it."
UNKNOWN_KEEP_SECONDS = 24 * 3600  # how long an unknown address's failures are remembered
_FAILS, _LOCK = "fpp-failures/", "fpp-locked-until/"


def configure(app: Flask) -> None:
    """Bind the limiter to its storage, and read the client address through the trusted proxies."""
    from werkzeug.middleware.proxy_fix import ProxyFix
    values = app.extensions["fpp_settings"]
    app.config.update(RATELIMIT_STORAGE_URI=values["security_rate_limit_storage_url"],
                      RATELIMIT_STRATEGY="fixed-window", RATELIMIT_HEADERS_ENABLED=False,
                      RATELIMIT_ENABLED=True)
    limiter.init_app(app)
    if values["security_trusted_proxies"] > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=values["security_trusted_proxies"])


def normalised(email: str | None) -> str:
    return (email or "").strip().lower()


def throttle_key(email: str | None) -> str:
    """The keyed hash an email address is counted under (rates and unknown addresses' failures)."""
    return keyed_hash(current_app.config["SECRET_KEY"], "throttle", normalised(email))


def _address_rate() -> str:
    return settings()["security_login_rate_per_address"]


def _account_key() -> str:
    """The account a sign-in POST is for: the email typed, or the one whose password was just verified."""
    if "email" in request.form:
        return "account:" + throttle_key(request.form["email"])
    return "account:" + (session.get("fpp_pending") or {}).get("th", "none")


def limited(view):
    """The sign-in rates on a view's POSTs: per client address and per account, shared by every
    sign-in step (the password and the code count against the same limits)."""
    view = limiter.shared_limit(PER_ACCOUNT, scope="sign-in-account", key_func=_account_key, methods=["POST"])(view)
    return limiter.shared_limit(_address_rate, scope="sign-in-address", methods=["POST"])(view)


# --- Lockout -------------------------------------------------------------------------------------------

def _lock_for() -> timedelta:
    return timedelta(minutes=settings()["security_lockout_minutes"])


def account_locked(user: User, now: datetime) -> bool:
    """Whether `user` is locked now. A lock that has run out is lifted here (with its count)."""
    if user.locked_until is None:
        return False
    if user.locked_until > now:
        return True
    user.locked_until, user.failed_logins = None, 0
    return False


def count_account_failure(user: User, now: datetime) -> bool:
    """One more consecutive failure; True when it locks the account (the caller audits the lock)."""
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= settings()["security_login_max_failures"]:
        user.locked_until = now + _lock_for()
        return True
    return False


def reset_account(user: User) -> None:
    user.failed_logins, user.locked_until = 0, None


def unknown_locked(email: str, now: datetime) -> bool:
    """Whether an email address with no account is 'locked' (as an account would be after as many failures)."""
    key = throttle_key(email)
    until = limiter.storage.get(_LOCK + key)
    if not until:
        return False
    if until > _seconds(now):
        return True
    limiter.storage.clear(_LOCK + key)
    limiter.storage.clear(_FAILS + key)
    return False


def count_unknown_failure(email: str, now: datetime) -> bool:
    """One more failure for an email address with no account; True when it reaches the lockout."""
    key, storage = throttle_key(email), limiter.storage
    failures = storage.incr(_FAILS + key, UNKNOWN_KEEP_SECONDS)
    if failures < settings()["security_login_max_failures"]:
        return False
    storage.clear(_FAILS + key)
    storage.clear(_LOCK + key)
    lock_seconds = int(_lock_for().total_seconds())
    storage.incr(_LOCK + key, lock_seconds + 60, amount=_seconds(now) + lock_seconds)
    return True


def _seconds(moment: datetime) -> int:
    return int((moment - datetime(1970, 1, 1)).total_seconds())
