"""Sign-in, second factor, password and account forms."""
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import InputRequired

from fpp.forms import BaseForm


class LoginForm(BaseForm):
    email = EmailField("Email address", validators=[InputRequired("Enter your email address")])
    password = PasswordField("Password", validators=[InputRequired("Enter your password")])


class CodeForm(BaseForm):
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    code = StringField("Security code", validators=[InputRequired("Enter the 6-digit code from your authenticator app")])


class EnrolForm(BaseForm):
    """Confirming a new authenticator: the code it shows now."""
    code = StringField("Code from the app", validators=[InputRequired("Enter the 6-digit code the app shows")])


class ConfirmPasswordForm(BaseForm):
    """Asking for the password again before a change to the second factor."""
    password = PasswordField("Your password", validators=[InputRequired("Enter your password")])


class ChangePasswordForm(BaseForm):
    current = PasswordField("Current password", validators=[InputRequired("Enter your current password")])
    password = PasswordField("New password", validators=[InputRequired("Enter a new password")])

