"""Signing in and out, and the accounts the secretary manages."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import select
from wtforms import ValidationError

from fpp.auth import operations
from fpp.access import roles_required
from fpp.auth.forms import ChangePasswordForm, LoginForm, UserForm
from fpp.auth.models import User
from fpp.errors import DomainError
from fpp.extensions import csrf, db, writes
from fpp.forms import commit_or_fail
from fpp.people.queries import get_member, members_by_name

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after signing in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@writes
def login():
    if current_user.is_authenticated:
        return redirect(url_for("register.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = operations.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("register.home"))
        form.form_errors.append("The email address or password is not right")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@csrf.exempt  # the header's sign-out button carries its token in the URL; checked below
def logout():
    if current_app.config["WTF_CSRF_ENABLED"]:
        try:
            validate_csrf(request.args.get("csrf_token") or request.form.get("csrf_token"))
        except (ValidationError, CSRFError):
            abort(400)
    logout_user()
    flash("You have signed out.", "success")
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
            flash("Your password has been changed.", "success")
            return redirect(url_for("register.home"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/users", methods=["GET", "POST"])
@writes
@roles_required("secretary")
def list_users():
    form = UserForm()
    form.member.choices = [("", "Not a board member")] + [(str(m.id), f"{m.name} ({m.member_id})")
                                                          for m in members_by_name()]
    if form.validate_on_submit():
        member = get_member(int(form.member.data)) if form.member.data else None
        user = commit_or_fail(form, lambda: operations.create_user(form.email.data, form.role.data,
                                                                   form.password.data, member))
        if user is not None:
            flash(f"Account created for {user.email}. Give them the initial password in person.", "success")
            return redirect(url_for("auth.list_users"))
    users = db.session.execute(select(User).order_by(User.email)).scalars().all()
    return render_template("auth/users.html", users=users, form=form)
