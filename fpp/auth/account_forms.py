"""Forms of the account lifecycle: inviting, the secretary's changes to an account, setting a password
from a link. They check shape; fpp.auth.accounts checks the rules."""
from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import EqualTo, InputRequired

from fpp.auth.models import ROLE_LABELS
from fpp.forms import BaseForm, DateInputField
from fpp.people.models import Member

ROLE_CHOICES = [("", "Choose a role"), *ROLE_LABELS.items()]
MEMBER_HINT = "Chair, SID and board member accounts belong to a board member; other accounts to nobody"


def member_choices(members: list[Member]) -> list[tuple[str, str]]:
    return [("", "Not a board member")] + [(str(m.id), f"{m.name} ({m.member_id})") for m in members]


class InviteForm(BaseForm):
    email = EmailField("Email address", validators=[InputRequired("Enter an email address")])
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[InputRequired("Choose a role")])
    member = SelectField("Board member", choices=[], validate_choice=False)
    until = DateInputField("Last day the account works (auditors only)")


class RoleForm(BaseForm):
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[InputRequired("Choose a role")])
    member = SelectField("Board member", choices=[], validate_choice=False)


class UntilForm(BaseForm):
    until = DateInputField("Last day the account works")


class ForgotPasswordForm(BaseForm):
    email = EmailField("Email address", validators=[InputRequired("Enter your email address")])


class SetPasswordForm(BaseForm):
    password = PasswordField("New password", validators=[InputRequired("Enter a new password")])
    confirm = PasswordField("Type the new password again", validators=[
        InputRequired("Type the new password again"), EqualTo("password", "The two passwords are not the same")])
