from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from checks.people import POSITIONS
from fpp.forms import BaseForm, DateInputField

YES_NO = [("yes", "Yes"), ("no", "No")]


class MemberForm(BaseForm):
    member_id = StringField("Member ID", validators=[InputRequired("Enter the Member ID"), Length(max=64)])
    name = StringField("Full name", validators=[InputRequired("Enter the member's name"), Length(max=200)])
    email = EmailField("Email address", validators=[Optional(), Email("Enter an email address like name@nhs.net"),
                                                     Length(max=320)])
    date_of_birth = DateInputField("Date of birth")
    position = SelectField("Position", choices=[("", "Choose a position"), *POSITIONS],
                           validators=[InputRequired("Choose a position")])
    role_title = StringField("Role title", validators=[Optional(), Length(max=200)])
    is_executive = RadioField("Executive member", choices=YES_NO, validators=[Optional()])
    is_voting = RadioField("Voting member", choices=YES_NO, default="yes",
                           validators=[InputRequired("Say whether the member votes")])
    is_interim = RadioField("Interim appointment", choices=YES_NO, default="no",
                            validators=[InputRequired("Say whether the appointment is interim")])
    professional_registration = StringField("Professional registration", validators=[Optional(), Length(max=100)])
    start_on = DateInputField("Start date", required=True)
    end_on = DateInputField("End date")

    def member_fields(self) -> dict:
        def yes(field):
            return None if field.data not in ("yes", "no") else field.data == "yes"
        return {
            "member_id": self.member_id.data.strip(), "name": self.name.data.strip(),
            "email": (self.email.data or "").strip() or None, "position": self.position.data,
            "role_title": (self.role_title.data or "").strip() or None,
            "is_executive": yes(self.is_executive), "is_voting": yes(self.is_voting),
            "is_interim": yes(self.is_interim),
            "professional_registration": (self.professional_registration.data or "").strip() or None,
            "start_on": self.start_on.data, "end_on": self.end_on.data, "date_of_birth": self.date_of_birth.data,
        }


class EndAppointmentForm(BaseForm):
    end_on = DateInputField("Last day in post", required=True)


class PrivacyNoticeForm(BaseForm):
    privacy_notice_on = DateInputField("Date the privacy notice was given", required=True)
    privacy_objection = TextAreaField("Objection raised by the member", validators=[Optional(), Length(max=5000)])
