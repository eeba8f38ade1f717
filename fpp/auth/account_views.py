"""The account lifecycle on the web: the secretary's users pages, and the public pages a link from an
e-mail opens (accept an invitation, forgotten password, reset). Routes on the `auth` blueprint."""
from __future__ import annotations

import time
from typing import Callable

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from fpp.access import roles_required
from fpp.auth import accounts, throttle
from fpp.auth.account_forms import (
    ForgotPasswordForm, InviteForm, RoleForm, SetPasswordForm, UntilForm, member_choices,
)
from fpp.auth.models import User
from fpp.auth.views import bp
from fpp.errors import DomainError
from fpp.extensions import db, settings, writes
from fpp.forms import commit_or_fail
from fpp.people.queries import get_member, members_by_name
from fpp.timeutil import today, utcnow

FORGOT_SECONDS = 0.2  # how long every "forgot your password" answer takes, account or not


def _member(value: str | None):
    return get_member(int(value)) if value and value.isdigit() else None


@bp.route("/users", methods=["GET", "POST"])
@writes
@roles_required("secretary")
def list_users():
    form = InviteForm()
    form.member.choices = member_choices(members_by_name())
    if form.validate_on_submit():
        user = commit_or_fail(form, lambda: accounts.invite(
            form.email.data, form.role.data, _member(form.member.data), form.until.data, invited_by=current_user))
        if user is not None:
            flash(f"Invitation sent to {user.email}. The link works once, for "
                  f"{settings()['security_invitation_days']} days.", "success")
            return redirect(url_for("auth.list_users"))
    users = db.session.execute(select(User).order_by(User.email)).scalars().all()
    return render_template("auth/users.html", users=users, form=form, state=_state_of)


def _state_of(user: User) -> dict:
    """What the users pages show about an account: whether it may sign in now and why not, a lockout,
    an end date, the second factor."""
    now, day = utcnow(), today()
    return {"refusal": user.refusal(day),
            "locked_until": user.locked_until if user.locked_until and user.locked_until > now else None,
            "ends_on": user.active_until if user.active_until and user.active_until >= day else None,
            "second_factor": user.totp_confirmed_at is not None,
            "invitation_expired": user.invited_at is not None and
            (now - user.invited_at).days >= settings()["security_invitation_days"]}


def _account(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _user_page(user: User, role_form: RoleForm | None = None, until_form: UntilForm | None = None,
               error: str | None = None):
    members = members_by_name()
    role_form = role_form or RoleForm(formdata=None, role=user.role, member=str(user.member_pk or ""))
    role_form.member.choices = member_choices(members)
    until_form = until_form or UntilForm(formdata=None, until=user.active_until)
    return render_template("auth/user.html", user=user, state=_state_of(user), role_form=role_form,
                           until_form=until_form, error=error)


@bp.route("/users/<int:user_id>")
@roles_required("secretary")
def show_user(user_id: int):
    return _user_page(_account(user_id))


def _act(user_id: int, action: Callable[[User], None], done: str):
    """Run one of the account actions (a POST from the user page): commit and say what was done, or
    show the page again with the reason it was refused."""
    user = _account(user_id)
    try:
        action(user)
    except DomainError as error:
        db.session.rollback()
        return _user_page(user, error=error.message)
    db.session.commit()
    flash(done.format(email=user.email), "success")
    return redirect(url_for("auth.show_user", user_id=user.id))


@bp.route("/users/<int:user_id>/disable", methods=["POST"])
@writes
@roles_required("secretary")
def disable_user(user_id: int):
    return _act(user_id, accounts.disable, "{email} is disabled and has been signed out everywhere.")


@bp.route("/users/<int:user_id>/enable", methods=["POST"])
@writes
@roles_required("secretary")
def enable_user(user_id: int):
    return _act(user_id, accounts.enable, "{email} is enabled again.")


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@writes
@roles_required("secretary")
def unlock_user(user_id: int):
    return _act(user_id, accounts.unlock, "{email} is unlocked and may sign in again.")


@bp.route("/users/<int:user_id>/reset-mfa", methods=["POST"])
@writes
@roles_required("secretary")
def reset_user_mfa(user_id: int):
    return _act(user_id, accounts.reset_mfa, "The second factor of {email} was reset and they were signed out "
                                             "everywhere: they set up an authenticator again at their next sign-in.")


@bp.route("/users/<int:user_id>/sign-out", methods=["POST"])
@writes
@roles_required("secretary")
def sign_out_user(user_id: int):
    return _act(user_id, accounts.sign_out_everywhere, "{email} has been signed out everywhere.")


@bp.route("/users/<int:user_id>/invitation", methods=["POST"])
@writes
@roles_required("secretary")
def resend_invitation(user_id: int):
    return _act(user_id, lambda user: accounts.resend_invitation(user, current_user),
                "A new invitation was sent to {email}; the earlier link no longer works.")


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@writes
@roles_required("secretary")
def change_role(user_id: int):
    user = _account(user_id)
    form = RoleForm()
    form.member.choices = member_choices(members_by_name())
    if not form.validate():
        return _user_page(user, role_form=form)
    done = commit_or_fail(form, lambda: accounts.set_role(user, form.role.data, _member(form.member.data)) or True)
    if not done:
        return _user_page(user, role_form=form)
    flash(f"{user.email} is now {user.role_label} and has been signed out everywhere.", "success")
    return redirect(url_for("auth.show_user", user_id=user.id))


@bp.route("/users/<int:user_id>/until", methods=["POST"])
@writes
@roles_required("secretary")
def set_user_until(user_id: int):
    user = _account(user_id)
    form = UntilForm()
    if not form.validate() or not commit_or_fail(form, lambda: accounts.set_until(user, form.until.data) or True):
        return _user_page(user, until_form=form)
    flash(f"{user.email} now works until the end of {user.active_until:%d/%m/%Y}." if user.active_until
          else f"{user.email} no longer has an end date.", "success")
    return redirect(url_for("auth.show_user", user_id=user.id))


# --- public pages, opened from an e-mail -----------------------------------------------------------

def _link_page(error: accounts.LinkError, purpose: str):
    return render_template("auth/link_problem.html", error=error, purpose=purpose)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@writes
def accept_invitation(token: str):
    try:
        user = accounts.read_token(token, accounts.INVITATION)
    except accounts.LinkError as error:
        return _link_page(error, accounts.INVITATION)
    form = SetPasswordForm()
    if form.validate_on_submit() and commit_or_fail(form, lambda: accounts.accept_invitation(token, form.password.data)):
        flash("Your password is set. Sign in with your email address and the new password.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=user, purpose=accounts.INVITATION)


@bp.route("/password/forgot", methods=["GET", "POST"])
@writes
@throttle.limited  # the sign-in rates: per client address, and per email address typed (no mail bombing)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        started = time.monotonic()
        accounts.request_password_reset(form.email.data)
        db.session.commit()
        # Queuing a message takes a little longer than not: every answer takes the same, longer, time.
        time.sleep(max(0.0, FORGOT_SECONDS - (time.monotonic() - started)))
        return render_template("auth/forgot_password_sent.html", email=form.email.data,
                               minutes=settings()["security_reset_minutes"])
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@writes
def reset_password(token: str):
    try:
        user = accounts.read_token(token, accounts.RESET)
    except accounts.LinkError as error:
        return _link_page(error, accounts.RESET)
    form = SetPasswordForm()
    if form.validate_on_submit():
        if commit_or_fail(form, lambda: accounts.reset_password(token, form.password.data)):
            flash("Your password has been changed and every session signed out. Sign in with the new password.",
                  "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=user, purpose=accounts.RESET)
