"""Accounts, managed by the secretary."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from sqlalchemy import select
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import InputRequired

from fpp.access import roles_required
from fpp.auth import operations
from fpp.auth.models import ROLE_LABELS, User
from fpp.extensions import db
from fpp.forms import BaseForm, commit_or_fail
from fpp.people.models import Member

bp = Blueprint("users", __name__)


class UserForm(BaseForm):
    email = EmailField("Email address", validators=[InputRequired("Enter an email address")])
    role = SelectField("Role", choices=[("", "Choose a role"), *ROLE_LABELS.items()],
                       validators=[InputRequired("Choose a role")])
    member = SelectField("Board member (for chair, SID and member accounts)", choices=[])
    password = PasswordField("Initial password", validators=[InputRequired("Enter an initial password")])


@bp.route("/users", methods=["GET", "POST"])
@roles_required("secretary")
def list_users():
    members = db.session.execute(select(Member).order_by(Member.name)).scalars().all()
    form = UserForm()
    form.member.choices = [("", "Not a board member")] + [(str(m.id), f"{m.name} ({m.member_id})") for m in members]
    if form.validate_on_submit():
        member = db.session.get(Member, int(form.member.data)) if form.member.data else None
        user = commit_or_fail(form, lambda: operations.create_user(form.email.data, form.role.data,
                                                                   form.password.data, member))
        if user is not None:
            flash(f"Account created for {user.email}. Give them the initial password in person.", "success")
            return redirect(url_for("users.list_users"))
    users = db.session.execute(select(User).order_by(User.email)).scalars().all()
    return render_template("users/list.html", users=users, form=form)
