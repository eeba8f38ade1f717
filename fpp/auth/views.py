"""Signing in (the password, then the second factor) and out, and the signed-in user's own account page.
The secretary's users pages and the pages e-mailed links open are in account_views.py."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from fpp.auth import accounts, mfa, operations, sessions, throttle
from fpp.auth.forms import ChangePasswordForm, CodeForm, ConfirmPasswordForm, EnrolForm, LoginForm
from fpp.auth.models import User
from fpp.errors import DomainError
from fpp.extensions import csrf, db, settings, writes

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after signing in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _home():
    return redirect(url_for("register.home"))


@bp.route("/login", methods=["GET", "POST"])
@writes
@throttle.limited
def login():
    if current_user.is_authenticated:  # (a session refused here leaves its reason for the page)
        return _home()
    ended = sessions.take_ended_message()
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = operations.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            db.session.commit()  # the failure's audit entry and count
            form.fail(error)
        else:
            return _after_password(user)
    return render_template("auth/login.html", form=form, ended=ended if request.method == "GET" else None)


def _after_password(user: User):
    """The password was right: on to the second factor (or its enrolment), or signed in when the role
    needs none and the user has none."""
    next_url = _safe_next(request.args.get("next"))
    if user.has_second_factor or mfa.required_for(user):
        sessions.start_pending(user, next_url, throttle.throttle_key(user.email))
        db.session.commit()
        return redirect(url_for("auth.second_factor" if user.has_second_factor else "auth.enrol_factor"))
    return _signed_in(user, None, next_url)


def _signed_in(user: User, factor: str | None, next_url: str | None):
    operations.complete_sign_in(user, factor)
    db.session.commit()
    sessions.begin(user)
    if factor == "recovery":
        left = mfa.recovery_codes_left(user)
        flash(f"You signed in with a recovery code. You have {left} left: make new ones on your account page "
              "if you are running out.", "info")
    return redirect(next_url or url_for("register.home"))


def _half_signed_in(factor_needed: bool) -> User | None:
    """The account whose password this browser has just given, if it is at the step asked for."""
    user = sessions.pending_user()
    if user is None or user.has_second_factor != factor_needed:
        return None
    return user


def _refused(error: DomainError):
    """A lock or a refusal at the second step: back to the start, with the reason."""
    db.session.commit()
    sessions.end_here(error.message)
    return redirect(url_for("auth.login"))


@bp.route("/login/code", methods=["GET", "POST"])
@writes
@throttle.limited
def second_factor():
    if current_user.is_authenticated:
        return _home()
    user = _half_signed_in(factor_needed=True)
    if user is None:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            operations.check_second_step(user)
            factor = mfa.check_code(user, form.code.data)
            if factor is None:
                operations.count_failure(user, "code")
        except DomainError as error:
            if error.message != operations.WRONG_CODE:
                return _refused(error)
            db.session.commit()
            form.fail(DomainError(error.message, "code"))
        else:
            return _signed_in(user, factor, sessions.pending_next())
    return render_template("auth/second_factor.html", form=form)


@bp.route("/login/enrol", methods=["GET", "POST"])
@writes
@throttle.limited
def enrol_factor():
    """First sign-in of a role that must use a second factor: set up the authenticator app."""
    if current_user.is_authenticated:
        return _home()
    user = _half_signed_in(factor_needed=False)
    if user is None:
        return redirect(url_for("auth.login"))
    form, secret = EnrolForm(), mfa.candidate_secret()
    if form.validate_on_submit():
        try:
            operations.check_second_step(user)
            codes = mfa.confirm_enrolment(user, secret, form.code.data)
            if codes is None:
                operations.count_failure(user, "code")
        except DomainError as error:
            if error.message != operations.WRONG_CODE:
                return _refused(error)
            db.session.commit()
            form.fail(DomainError(error.message, "code"))
        else:
            next_url = sessions.pending_next() or url_for("register.home")
            operations.complete_sign_in(user, "totp")
            db.session.commit()
            sessions.begin(user)
            return render_template("auth/recovery_codes.html", codes=codes, next_url=next_url, first=True)
    return _enrol_page(user, form, secret)


def _enrol_page(user: User, form: EnrolForm, secret: str):
    local = settings()["env"] != "production"  # the one-line command is for the demo and development
    return render_template("auth/enrol.html", form=form, key=mfa.grouped(secret), qr=mfa.qr_data_uri(user, secret),
                           issuer=settings()["organisation_name"], email=user.email,
                           command=f".venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{secret}').now())\""
                           if local else None, required=mfa.required_for(user))


@bp.route("/logout", methods=["POST"])
@writes
@csrf.exempt  # the header's sign-out button carries its token in the URL; checked below
def logout():
    if current_app.config["WTF_CSRF_ENABLED"]:
        try:
            validate_csrf(request.args.get("csrf_token") or request.form.get("csrf_token"))
        except (ValidationError, CSRFError):
            abort(400)
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        sessions.end_for_good(user)
        operations.sign_out(user)
        db.session.commit()
    logout_user()
    sessions.end_here()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


# --- The signed-in user's own account -------------------------------------------------------------------

@bp.route("/account")
@login_required
def account():
    user = current_user
    values = settings()
    return render_template("auth/account.html", user=user, required=mfa.required_for(user),
                           codes_left=mfa.recovery_codes_left(user) if user.has_second_factor else 0,
                           idle_minutes=values["security_session_idle_minutes"],
                           max_hours=values["security_session_max_hours"])


@bp.route("/account/two-factor", methods=["GET", "POST"])
@writes
@login_required
def add_factor():
    """A role that need not use a second factor may choose to."""
    if current_user.has_second_factor:
        return redirect(url_for("auth.account"))
    form, secret = EnrolForm(), mfa.candidate_secret()
    if form.validate_on_submit():
        codes = mfa.confirm_enrolment(current_user, secret, form.code.data)
        if codes is None:
            form.fail(DomainError(operations.WRONG_CODE, "code"))
        else:
            mfa.forget_candidate()
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, next_url=url_for("auth.account"))
    return _enrol_page(current_user, form, secret)


@bp.route("/account/recovery-codes", methods=["GET", "POST"])
@writes
@login_required
def new_recovery_codes():
    """Ten new recovery codes, after the password (the old ones stop working)."""
    if not current_user.has_second_factor:
        return redirect(url_for("auth.account"))
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        try:
            operations.confirm_password(current_user, form.password.data)
        except DomainError as error:
            form.fail(error)
        else:
            codes = mfa.replace_recovery_codes(current_user)
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, next_url=url_for("auth.account"))
    return render_template("auth/new_recovery_codes.html", form=form)


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@writes
@login_required
def sign_out_everywhere():
    accounts.sign_out_everywhere(current_user)
    sessions.end_for_good(current_user)
    db.session.commit()
    sessions.end_here("You signed out everywhere: every session of your account has ended. Sign in again.")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@writes
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            operations.change_password(current_user, form.current.data, form.password.data)
        except DomainError as error:
            db.session.rollback()
            form.fail(error if error.field != "password" or "correct" not in error.message
                      else DomainError(error.message, "current"))
        else:
            db.session.commit()
            sessions.keep_current(current_user)
            flash("Your password has been changed. Any other session of your account has ended.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)


from fpp.auth import account_views  # noqa: E402,F401  (the secretary's users pages and the e-mail links)
