"""Form pieces shared by the features: the NHS.UK three-part date input and a base form that refuses
control characters in every single-line field."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.validators import ValidationError
from wtforms.utils import unset_value

from checks.text import control_character_problem

PARTS = ("day", "month", "year")


class DateInputField(Field):
    """A date typed as day, month and year (the NHS.UK date input), posted as name[day] etc."""

    def __init__(self, label=None, validators=None, required: bool = False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required = required
        self.parts = dict.fromkeys(PARTS, "")

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = self.data = data
        if isinstance(data, date):
            self.parts = {"day": str(data.day), "month": str(data.month), "year": str(data.year)}
        if formdata is None or not any(f"{self.name}[{p}]" in formdata for p in PARTS):
            return
        self.parts = {p: (formdata.get(f"{self.name}[{p}]") or "").strip() for p in PARTS}
        self.raw_data = [self.parts[p] for p in PARTS]
        self.data = None
        if not any(self.raw_data):
            return
        if not all(part.isdigit() for part in self.raw_data) or len(self.parts["year"]) != 4:
            self.process_errors.append(f"{self.label.text} must be a real date, for example 27/3/2024")
            return
        try:
            self.data = date(int(self.parts["year"]), int(self.parts["month"]), int(self.parts["day"]))
        except ValueError:
            self.process_errors.append(f"{self.label.text} must be a real date, for example 27/3/2024")

    def pre_validate(self, form):
        if self.required and self.data is None and not self.process_errors:
            raise ValidationError(f"Enter {self.label.text.lower()}")


class BaseForm(FlaskForm):
    """A form whose errors can be shown in the NHS.UK error summary, and set from a DomainError.
    Every single-line text field (StringField and its kinds: email, search, ...) refuses control
    characters; multi-line fields (TextAreaField) keep their line breaks."""

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for field in self._fields.values():
            if isinstance(field, StringField) and field.type != "TextAreaField" and isinstance(field.data, str):
                problem = control_character_problem(field.data)
                if problem:
                    field.errors = [*field.errors, f"{field.label.text} {problem}"]
                    ok = False
        return ok

    def error_list(self) -> list[dict]:
        return [{"text": errors[0], "href": f"#{self._fields[name].id}"}
                for name, errors in self.errors.items() if errors and name in self._fields]

    def fail(self, error) -> None:
        """Put a DomainError's message on its field (or on the form as a whole)."""
        field = self._fields.get(error.field or "")
        if field is None:
            self.form_errors.append(error.message)
        else:
            field.errors = [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]


def commit_or_fail(form: BaseForm, action):
    """Run `action` (an operation); commit once and return its result, or on a DomainError roll back,
    put the message on the form and return None. Operations used here return something on success."""
    from fpp.errors import DomainError
    from fpp.extensions import db
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        form.fail(error)
        return None
    db.session.commit()
    return result
