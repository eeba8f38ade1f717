from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired

from fpp.forms import BaseForm


class LoginForm(BaseForm):
    email = EmailField("Email address", validators=[InputRequired("Enter your email address")])
    password = PasswordField("Password", validators=[InputRequired("Enter your password")])


class ChangePasswordForm(BaseForm):
    current = PasswordField("Current password", validators=[InputRequired("Enter your current password")])
    password = PasswordField("New password", validators=[InputRequired("Enter a new password")])
