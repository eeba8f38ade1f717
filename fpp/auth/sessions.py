"""Sessions that end.

A signed-in session is Flask's signed cookie holding Flask-Login's user id and four values of ours: a
random session id, the account's `session_version` when it signed in, the sign-in time and the last-seen
time. The last-seen time is updated in the cookie on every request, so reads stay free of database
writes; revocation needs only what the database already holds:

- signing out records the session id in `ended_sessions` (its cookie never works again);
- raising `users.session_version` ends every session of that account (a password or role change, a
  disabled account, a second-factor reset, "sign out everywhere");
- a session unused for `[security] session_idle_minutes`, or older than `session_max_hours`, ends;
- so does every session of an account that may no longer be used (`User.refusal`: disabled, an
  invitation not accepted, past its end date, its member has left), worked out on each request.

After a refusal the visitor is signed out and the sign-in page says why. Between the password and the
second factor a visitor is only half signed in: `fpp_pending` holds the account and when its password
was verified, for ten minutes, and nothing else of the session exists.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import Flask, current_app, flash, g, redirect, request, session
from flask_login import login_user
from flask_login.config import COOKIE_NAME
from flask_login.utils import login_url
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from fpp.auth.models import EndedSession, User
from fpp.extensions import db, login_manager, settings
from fpp.timeutil import today, utcnow

SID, VERSION, SIGNED_IN, SEEN = "fpp_sid", "fpp_sv", "fpp_in", "fpp_seen"
PENDING, ENROL, ENDED = "fpp_pending", "fpp_enrol", "fpp_ended"
PENDING_SECONDS = 10 * 60  # the time from the password to the second factor
_OURS = (SID, VERSION, SIGNED_IN, SEEN, PENDING, ENROL)
_FLASK_LOGIN = ("_user_id", "_fresh", "_id")
SIGNED_OUT = "You signed out. Sign in again to use the register."


def configure(app: Flask) -> None:
    """Flask-Login with our loader and sign-in redirect; cookies that last at most the session's lifetime;
    no remember-me cookie (a session never outlives `session_max_hours`)."""
    values = app.extensions["fpp_settings"]
    app.config.update(PERMANENT_SESSION_LIFETIME=timedelta(hours=values["security_session_max_hours"]),
                      REMEMBER_COOKIE_DURATION=timedelta(seconds=0))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see the register."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)

    @app.before_request
    def check_every_request():
        # The user is loaded, and the session checked, afresh on every request, even where one app
        # context serves several requests (the tests' client).
        g.pop("_login_user", None)


def seconds(moment: datetime) -> int:
    """A naive UTC datetime (fpp.timeutil) as seconds since the epoch."""
    return int((moment - datetime(1970, 1, 1)).total_seconds())


def load_user(user_id: str) -> User | None:
    """The account of this request's session, or None (and the session ended, with the reason kept for
    the sign-in page) when the session or the account may no longer be used."""
    user, ended = _user_and_ended(user_id)
    reason = refusal(user, ended) if user is not None else ""
    if reason is not None:
        end_here(reason)
        return None
    session[SEEN] = seconds(utcnow())
    return user


def _user_and_ended(user_id: str) -> tuple[User | None, bool]:
    """The account, and whether this session's id was signed out, in one query."""
    if not user_id.isdigit():
        return None, False
    ended = select(EndedSession.session_id).where(EndedSession.session_id == (session.get(SID) or "")).exists()
    row = db.session.execute(select(User, ended).where(User.id == int(user_id))).first()
    return (row[0], bool(row[1])) if row else (None, False)


def refusal(user: User, ended: bool) -> str | None:
    """Why this request's session of `user` may not go on (None when it may); `ended`: its id was signed
    out. An empty text refuses without a message: a session that is not one of ours (an old remember-me
    cookie, say)."""
    sid, version, signed_in, seen = (session.get(k) for k in (SID, VERSION, SIGNED_IN, SEEN))
    if not sid or version is None or signed_in is None or seen is None:
        return ""
    problem = user.refusal(today())  # first: signing in again would not help
    if problem is not None:
        return f"{problem} Ask the company secretary if you still need access."
    now, values = seconds(utcnow()), settings()
    if version != user.session_version:
        return "Your account was changed: sign in again."
    idle = values["security_session_idle_minutes"]
    if now - seen > idle * 60:
        return f"Your session ended after {idle} minutes without use. Sign in again."
    hours = values["security_session_max_hours"]
    if now - signed_in > hours * 3600:
        return f"Your session ended after {hours} hours (the longest a session lasts). Sign in again."
    return SIGNED_OUT if ended else None


def end_here(reason: str = "") -> None:
    """Sign this browser out (the cookie only) and keep `reason` for the sign-in page. Safe inside the
    user loader (Flask-Login's logout_user would load the user again)."""
    for key in (*_FLASK_LOGIN, *_OURS):
        session.pop(key, None)
    if current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies:
        session["_remember"] = "clear"  # Flask-Login deletes a remember-me cookie it finds
    if reason:
        session[ENDED] = reason


def take_ended_message() -> str | None:
    """Why the last session ended, once (the sign-in page shows it)."""
    return session.pop(ENDED, None)


def unauthorized():
    """To the sign-in page; its own message when a session just ended, the usual one otherwise."""
    if ENDED not in session:
        flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, request.url))


def begin(user: User) -> None:
    """The session of a user who passed every step of signing in: a new id, the account's version, and
    the sign-in and last-seen times. The cookie lasts no longer than the session may."""
    for key in (*_OURS, ENDED):
        session.pop(key, None)
    login_user(user, remember=False)
    now = seconds(utcnow())
    session.permanent = True
    session.update({SID: secrets.token_urlsafe(32), VERSION: user.session_version, SIGNED_IN: now, SEEN: now})


def keep_current(user: User) -> None:
    """After this session raised the account's version (a password change), keep this one signed in."""
    session[VERSION] = user.session_version


def end_for_good(user: User) -> None:
    """Record this session's id as ended, so its cookie is refused if it is ever sent again; rows that
    have outlived any session they could refuse are purged on the way."""
    sid, signed_in = session.get(SID), session.get(SIGNED_IN)
    if not sid:
        return
    now = utcnow()
    started = datetime(1970, 1, 1) + timedelta(seconds=signed_in or seconds(now))
    expires = started + timedelta(hours=settings()["security_session_max_hours"], minutes=1)
    db.session.execute(delete(EndedSession).where(EndedSession.expires_at < now))
    try:
        with db.session.begin_nested():  # a double click signs out twice: the second insert is refused
            db.session.add(EndedSession(session_id=sid, user_id=user.id, ended_at=now, expires_at=expires))
            db.session.flush()
    except IntegrityError:
        pass


# --- Half signed in: the password is verified, the second factor is not --------------------------------

def start_pending(user: User, next_url: str | None, throttle_key: str) -> None:
    """Remember, for ten minutes, whose password was just verified (and nothing more)."""
    for key in (*_OURS, ENDED):
        session.pop(key, None)
    session.permanent = True
    session[PENDING] = {"uid": user.id, "at": seconds(utcnow()), "next": next_url, "th": throttle_key}


def pending_user() -> User | None:
    """The account half signed in on this browser, while the ten minutes last."""
    pending = session.get(PENDING)
    if not pending:
        return None
    if seconds(utcnow()) - pending.get("at", 0) > PENDING_SECONDS:
        end_here("You took more than 10 minutes to finish signing in. Sign in again.")
        return None
    return db.session.get(User, pending["uid"])


def pending_next() -> str | None:
    return (session.get(PENDING) or {}).get("next")
