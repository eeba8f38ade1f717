"""Forms of the annual cycle. They check shape; the operations check the rules."""
from __future__ import annotations

from functools import cache

from wtforms import PasswordField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from checks.annual import ACCEPTED, ASSESSMENT_OUTCOME_LABELS, ASSESSMENT_OUTCOMES, NOT_ACCEPTED, assess_answers
from checks.frameworks import Framework
from fpp.forms import BaseForm, DateInputField

YES_NO = [("yes", "Yes"), ("no", "No")]
PASSWORD_LABEL = "Your password, to confirm it is you"


def _password_field() -> PasswordField:
    return PasswordField(PASSWORD_LABEL, validators=[InputRequired("Enter your password")])


class _AttestationBase(BaseForm):
    framework: Framework  # set on each framework's own class (attestation_form)

    def answers(self) -> dict[str, tuple[str | None, str | None]]:
        return {i.key: (self[f"answer_{i.key}"].data, self[f"disclosure_{i.key}"].data)
                for i in self.framework.statements}

    def ratings(self) -> dict[str, tuple[str | None, str | None]]:
        return {key: (self[f"rating_{key}"].data, self[f"comment_{key}"].data) for key, _ in self.framework.domains}

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        numbers = {item.key: number for number, item in enumerate(self.framework.statements, start=1)}
        for key, message in assess_answers(self.answers(), self.framework.statements).problems:
            if message != "Answer yes or no":  # unanswered items already carry their own message
                self[f"disclosure_{key}"].errors = [f"Statement {numbers[key]}: {message[0].lower()}{message[1:]}"]
                ok = False
        return ok


def _attestation_fields(framework: Framework) -> dict:
    fields: dict = {"framework": framework}
    for number, item in enumerate(framework.statements, start=1):
        fields[f"answer_{item.key}"] = RadioField(item.text, choices=YES_NO,
                                                  validators=[InputRequired(f"Statement {number}: answer yes or no")])
        fields[f"disclosure_{item.key}"] = TextAreaField("Details of what you are disclosing",
                                                         validators=[Optional(), Length(max=5000)])
    for key, text in framework.domains:
        fields[f"rating_{key}"] = RadioField(text, choices=list(framework.ratings),
                                             validators=[InputRequired("Rate yourself against this domain")])
        fields[f"comment_{key}"] = TextAreaField("Comment (optional)", validators=[Optional(), Length(max=2000)])
    fields["password"] = _password_field()
    return fields


@cache
def attestation_form(framework: Framework) -> type[_AttestationBase]:
    """The attestation form for one framework version: its statements and domains, in its words (stored
    answers keep their own text)."""
    return type("AttestationForm", (_AttestationBase,), _attestation_fields(framework))


class RequestAttestationsForm(BaseForm):
    """Only the CSRF token: the year is in the address."""


class OutcomeForm(BaseForm):
    outcome = RadioField("Outcome", choices=[(o, ASSESSMENT_OUTCOME_LABELS[o]) for o in ASSESSMENT_OUTCOMES],
                         validators=[InputRequired("Choose an outcome")])
    mitigation_note = TextAreaField("Mitigations", validators=[Optional(), Length(max=5000)])
    action_taken = TextAreaField("Action taken", validators=[Optional(), Length(max=5000)])
    regulator_informed = RadioField("Was the professional regulator told?", choices=YES_NO,
                                    validators=[Optional()])

    def regulator_flag(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.regulator_informed.data or "")


class DecisionForm(BaseForm):
    decision = RadioField("Decision", choices=[
        (ACCEPTED, "Accept the issue, with a mitigation: the check counts as clear from today"),
        (NOT_ACCEPTED, "Do not accept the issue: the check stays a concern")],
        validators=[InputRequired("Choose whether the issue is accepted")])
    decision_note = TextAreaField("Mitigation note: why the issue is accepted", validators=[Optional(), Length(max=5000)])
    not_accepted_reason = TextAreaField("Reason the issue is not accepted", validators=[Optional(), Length(max=5000)])

    def note(self) -> str | None:
        """The mitigation note or the reason, whichever the decision needs."""
        return self.not_accepted_reason.data if self.decision.data == NOT_ACCEPTED else self.decision_note.data


class SignForm(BaseForm):
    password = _password_field()


class ReferenceForm(BaseForm):
    organisation = StringField("Organisation giving the reference", validators=[Optional(), Length(max=200)])
    roles_and_dates = TextAreaField("Board roles held, with dates", validators=[Optional(), Length(max=5000)])
    reason_for_leaving = TextAreaField("Reason for leaving", validators=[Optional(), Length(max=5000)])
    disciplinary_findings = TextAreaField("Upheld disciplinary or misconduct findings",
                                          validators=[Optional(), Length(max=5000)])
    open_investigations = TextAreaField("Investigations still open", validators=[Optional(), Length(max=5000)])
    discontinued_matters = TextAreaField("Complaints or disciplinary matters that were discontinued",
                                         validators=[Optional(), Length(max=5000)])
    conduct_concerns = TextAreaField("Concerns raised about the member's conduct (grievances, speaking-up concerns)",
                                     validators=[Optional(), Length(max=5000)])
    settlement_agreement = TextAreaField("Settlement agreement", validators=[Optional(), Length(max=5000)])
    regulator_referrals = TextAreaField("Referrals to a professional regulator",
                                        validators=[Optional(), Length(max=5000)])
    is_fit_and_proper = RadioField("Does the organisation consider the member fit and proper?", choices=YES_NO,
                                   validators=[Optional()])
    fit_and_proper_reasons = TextAreaField("Reasons", validators=[Optional(), Length(max=5000)])
    completed_by_name = StringField("Completed by (name)", validators=[Optional(), Length(max=200)])
    completed_by_role = StringField("Their role", validators=[Optional(), Length(max=200)])
    completed_on = DateInputField("Date completed")

    def reference_fields(self) -> dict:
        names = [n for n in self._fields if n not in ("csrf_token", "is_fit_and_proper")]
        return {n: self[n].data for n in names} | {
            "is_fit_and_proper": {"yes": True, "no": False}.get(self.is_fit_and_proper.data or "")}


class SentForm(BaseForm):
    sent_to = StringField("Sent to (person and organisation)", validators=[Optional(), Length(max=300)])
    sent_on = DateInputField("Date sent")

