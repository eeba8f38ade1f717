"""Sign-in, password and account forms."""
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import InputRequired

from fpp.auth.models import ROLE_LABELS
from fpp.forms import BaseForm


class LoginForm(BaseForm):
    email = EmailField("Email address", validators=[InputRequired("Enter your email address")])
    password = PasswordField("Password", validators=[InputRequired("Enter your password")])


class ChangePasswordForm(BaseForm):
    current = PasswordField("Current password", validators=[InputRequired("Enter your current password")])
    password = PasswordField("New password", validators=[InputRequired("Enter a new password")])


class UserForm(BaseForm):
    email = EmailField("Email address", validators=[InputRequired("Enter an email address")])
    role = SelectField("Role", choices=[("", "Choose a role"), *ROLE_LABELS.items()],
                       validators=[InputRequired("Choose a role")])
    member = SelectField("Board member (for chair, SID and member accounts)", choices=[])
    password = PasswordField("Initial password", validators=[InputRequired("Enter an initial password")])
