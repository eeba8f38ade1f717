"""Forms of the tracker import pages (CSRF through BaseForm); per-column and per-question inputs."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional
from werkzeug.datastructures import MultiDict

from fpp.forms import BaseForm
from fpp.imports.tracker.headers import MEMBER_FIELDS, QUALIFIERS
from fpp.imports.queries import catalogue_pairs


class UploadForm(BaseForm):
    tracker = FileField("Tracker file")
    preset = SelectField("Mapping preset", choices=[("", "None: propose a mapping")], validate_choice=False)


class MappingForm(BaseForm):
    sheet = SelectField("Sheet", choices=[], validate_choice=False)
    preset_name = StringField("Save this mapping as a preset named", validators=[Optional(), Length(max=100)])


class PreviewForm(BaseForm):
    """Only the CSRF token: the answers are one input per question, read by ``answers_from``."""


def target_choices() -> list[tuple[str, str]]:
    """Every target a column can have: ignore, notes, each member field, each check and qualifier."""
    choices = [("ignore", "Ignore this column"), ("notes", "Row notes")]
    choices += [(f"member.{name}", f"Member: {name.replace('_', ' ')}") for name in MEMBER_FIELDS]
    for code, label in catalogue_pairs():
        choices.append((f"check.{code}", f"Check: {label} (date)"))
        for qualifier in QUALIFIERS:
            if (qualifier == "level") == (code == "dbs") or qualifier in ("reference", "notes"):
                if qualifier in ("registration_body", "registration_number") and code != "professional_registration":
                    continue
                choices.append((f"check.{code}.{qualifier}", f"Check: {label}, {qualifier.replace('_', ' ')}"))
    return choices


def mapping_from(form: MultiDict, keys: list[str]) -> dict[str, str]:
    """The target chosen for each column key (inputs ``column-<n>`` in column order); "" where the
    select was left on "Choose" (a column of check values nobody has said anything about)."""
    allowed = {value for value, _ in target_choices()}
    chosen = {key: form.get(f"column-{n}", "ignore") for n, key in enumerate(keys)}
    return {key: target if target in allowed or target == "" else "ignore" for key, target in chosen.items()}


def answers_from(form: MultiDict, kept: dict[str, str] | None = None) -> dict[str, str]:
    """The answers kept so far updated with the ``answer-<key>`` inputs posted: a typed answer replaces
    the kept one, an input left blank removes it; questions not on the form keep their answers."""
    answers = dict(kept or {})
    for name, value in form.items():
        if name.startswith("answer-"):
            key = name[len("answer-"):]
            if value.strip():
                answers[key] = value.strip()
            else:
                answers.pop(key, None)
    return answers
