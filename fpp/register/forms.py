from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from checks.records import DBS_LEVEL_LABELS, RECORD_OUTCOME_LABELS
from fpp.forms import BaseForm, DateInputField

OUTCOME_CHOICES = list(RECORD_OUTCOME_LABELS.items())


class RecordFieldsForm(BaseForm):
    code = SelectField("Check", validators=[InputRequired("Choose the check")])  # choices: the catalogue
    completed_on = DateInputField("Date completed", required=True)
    outcome = RadioField("Outcome", choices=OUTCOME_CHOICES, default="clear",
                         validators=[InputRequired("Choose an outcome")])
    reference = StringField("Reference", validators=[Optional(), Length(max=100)])
    dbs_level = SelectField("DBS level", choices=[("", "Choose the DBS level"), *DBS_LEVEL_LABELS.items()],
                            validators=[Optional()])
    is_update_service = BooleanField("The member subscribes to the DBS Update Service")
    searched_name = StringField("Name searched on", validators=[Optional(), Length(max=200)])
    searched_dob = DateInputField("Date of birth searched on")
    searched_by = StringField("Who searched", validators=[Optional(), Length(max=200)])
    expires_on = DateInputField("Expiry date stated on the document")
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=10000)])

    def record_fields(self) -> dict:
        return {
            "completed_on": self.completed_on.data, "outcome": self.outcome.data,
            "reference": self.reference.data, "dbs_level": self.dbs_level.data or None,
            "is_update_service": self.is_update_service.data, "searched_name": self.searched_name.data,
            "searched_dob": self.searched_dob.data, "searched_by": self.searched_by.data, "notes": self.notes.data,
            "expires_on": self.expires_on.data,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.code is not None:  # the configured catalogue: the standard checks, then the local ones
            from fpp.extensions import settings
            self.code.choices = [("", "Choose a check"), *((c.code, c.label) for c in settings().rules.catalogue)]


class NewRecordForm(RecordFieldsForm):
    evidence = FileField("Evidence (optional)")


class CorrectRecordForm(RecordFieldsForm):
    code = None  # the check itself is not corrected: delete the record and add the right one
    reason = TextAreaField("Why is this record being corrected?",
                           validators=[InputRequired("Say why the record is being corrected"), Length(max=2000)])


class DeleteRecordForm(BaseForm):
    reason = TextAreaField("Why is this record being deleted?",
                           validators=[InputRequired("Say why the record is being deleted"), Length(max=2000)])


class EvidenceForm(BaseForm):
    evidence = FileField("Evidence file")


class WithdrawEvidenceForm(BaseForm):
    reason = TextAreaField("Why is this evidence being withdrawn?",
                           validators=[InputRequired("Say why the evidence is being withdrawn"), Length(max=2000)])
