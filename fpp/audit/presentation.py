"""The audit trail in plain words: an action's name, one "field: before → after" line per change, names
instead of ids, and a batch (one import) summed up in a sentence. Pure wording over stored entries and a
table of names; the queries that fill that table are in fpp.audit.queries."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from checks.annual import ASSESSMENT_OUTCOME_LABELS
from checks.people import POSITION_LABELS
from checks.records import DBS_LEVEL_LABELS, RECORD_OUTCOME_LABELS
from exports.trail import REDACTED

ACTIONS = {
    "assessment.create": "Outcome recorded", "assessment.update": "Outcome changed",
    "attestation.request": "Declaration requested", "attestation.submit": "Declaration submitted",
    "auth.locked": "Account locked", "auth.login": "Signed in", "auth.login_failed": "Sign-in failed",
    "auth.logout": "Signed out", "auth.mfa_enrolled": "Second factor set up",
    "auth.recovery_code_used": "Recovery code used", "auth.recovery_codes_replaced": "Recovery codes replaced",
    "check.correct": "Check corrected", "check.create": "Check recorded", "check.decide": "Decision on a check",
    "check.delete": "Check deleted", "declaration.redact": "Declaration redacted (retention)",
    "declaration.sign": "Declaration signed", "evidence.add": "Evidence added",
    "evidence.download": "Evidence downloaded", "evidence.purge": "Evidence file purged (retention)",
    "evidence.withdraw": "Evidence withdrawn", "export.pack": "Evidence pack exported",
    "export.pack_deleted": "Evidence pack deleted", "export.pack_failed": "Evidence pack failed",
    "export.pack_requested": "Evidence pack requested", "import.workbook": "Workbook imported",
    "member.create": "Member added", "member.end_appointment": "Appointment ended",
    "member.privacy_notice": "Privacy notice recorded", "member.subject_access": "Subject access export",
    "member.update": "Member updated", "member.view_dbs": "DBS details viewed",
    "reference.given": "Leaver reference given", "reference.received": "Reference received",
    "reference.sent": "Reference sent", "register.backup": "Backup taken", "register.restore": "Register restored",
    "retention.pseudonymise": "Names pseudonymised (retention)", "retention.purge_member": "Member purged (retention)",
    "retention.remove_evidence": "Evidence removed (retention)", "tracker.import": "Tracker imported",
    "tracker.preset_create": "Tracker mapping saved", "tracker.preset_update": "Tracker mapping changed",
    "user.change_password": "Password changed", "user.create": "Account created", "user.invite": "Account invited",
    "user.password_reset_refused": "Password reset refused",
    "user.password_reset_requested": "Password reset requested", "user.resend_invitation": "Invitation sent again",
    "user.update": "Account changed",
}
ENTITIES = {
    "assessments": "Outcome", "attestation_requests": "Declaration request", "attestations": "Declaration",
    "check_records": "Check record", "declarations": "Board declaration", "evidence": "Evidence",
    "exports": "Export", "imports": "Import", "leaver_references": "Reference", "members": "Member",
    "pack_jobs": "Pack", "register": "Register", "retention_purges": "Purge", "tracker_presets": "Tracker mapping",
    "users": "Account",
}
FIELDS = {
    "active_until": "Active until", "code": "Check", "completed_on": "Completed on", "content_type": "File type",
    "date_of_birth": "Date of birth", "dbs_level": "DBS level", "decided_by_id": "Decided by",
    "decided_on": "Decided on", "decision_note": "Decision note", "decision_on": "Decided on",
    "decision_outcome": "Decision", "deleted_at": "Deleted on", "deletion_reason": "Reason for deletion",
    "email": "Email", "end_on": "Appointment ends", "expires_on": "Valid until (stated)",
    "is_update_service": "DBS Update Service", "member_id": "Member ID", "member_pk": "Member",
    "original_name": "File", "position": "Position", "privacy_notice_on": "Privacy notice given on",
    "privacy_objection": "Objection to processing", "professional_registration": "Professional registration",
    "record_id": "Check record", "role_title": "Role title", "searched_by": "Searched by",
    "searched_dob": "Date of birth searched", "searched_name": "Name searched", "sha256": "SHA-256",
    "start_on": "Appointed on", "withdrawn_at": "Withdrawn on",
}
# Words for coded values, by field (the check's own name comes from the configured catalogue).
CODES: dict[str, Mapping[str, str]] = {
    "outcome": RECORD_OUTCOME_LABELS | ASSESSMENT_OUTCOME_LABELS, "dbs_level": DBS_LEVEL_LABELS,
    "position": POSITION_LABELS, "decision_outcome": {"accepted": "Accepted", "not_accepted": "Not accepted"},
}
# How each action counts in a batch's sentence: (what, done).
COUNTED = {"member.create": ("members", "created"), "member.update": ("members", "updated"),
           "check.create": ("check records", "created"), "check.correct": ("check records", "corrected"),
           "check.delete": ("check records", "deleted"), "evidence.add": ("evidence files", "added")}
SUMMARY_ENTITY = "imports"  # the entry that names an import's file and counts
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")
MEMBER_FIELDS = frozenset({"member_pk"})


@dataclass
class Names:
    """Who ids stand for on one page: member ids to names, account ids to a name or e-mail address. An id
    missing from its table (purged, deleted) reads "#id (deleted)"."""

    members: dict[int, str] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)  # check codes to names, where known
    roles: Mapping[str, str] = field(default_factory=dict)
    order: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # each entity's fields, as its model lists them

    def member(self, pk: Any) -> str:
        return _named(self.members, pk)

    def user(self, pk: Any) -> str:
        return _named(self.users, pk)


def _named(table: dict[int, str], pk: Any) -> str:
    try:
        number = int(pk)
    except (TypeError, ValueError):
        return str(pk)
    return table.get(number) or f"#{number} (deleted)"


def action_label(code: str) -> str:
    """The action in words; an action without words of its own reads from its code ("Foo bar: baz")."""
    if code in ACTIONS:
        return ACTIONS[code]
    subject, _, verb = code.partition(".")
    words = f"{_words(subject)}: {_words(verb)}" if verb else _words(subject)
    return words[:1].upper() + words[1:]


def entity_label(entity_type: str, entity_id: str | None) -> str:
    words = ENTITIES.get(entity_type) or _words(entity_type).capitalize()
    return f"{words} #{entity_id}" if entity_id else words


def subject(entry: Any, names: Names) -> str:
    """What the entry is about: the member or account by name, otherwise the row and its member."""
    numbered = entry.entity_id is not None and entry.entity_id.isdigit()
    if entry.entity_type == "members" and numbered:
        return names.member(entry.entity_id)
    if entry.entity_type == "users" and numbered:
        return f"Account of {names.user(entry.entity_id)}"
    words = entity_label(entry.entity_type, entry.entity_id)
    return f"{words}, {names.member(entry.member_pk)}" if entry.member_pk is not None else words


def field_label(name: str) -> str:
    if name in FIELDS:
        return FIELDS[name]
    words = re.sub(r"_(by_id|pk)$", r"_by" if name.endswith("_by_id") else "", name)
    words = _words(re.sub(r"^is_", "", re.sub(r"_id$", "", words)))
    return words[:1].upper() + words[1:]


def _words(code: str) -> str:
    return code.replace("_", " ").strip()


def loads(text: str | None) -> dict[str, Any] | None:
    """An entry's stored side as a dict (None when empty; a value that is not an object comes as one item)."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return {"value": text}
    return value if isinstance(value, dict) else {"value": value}


def is_redacted(entry: Any) -> bool:
    """Its content replaced under retention (not just a name in it pseudonymised)."""
    return entry.redacted_at is not None and REDACTED in (entry.before, entry.after)


def ids_named(entries: Iterable[Any]) -> tuple[set[int], set[int]]:
    """The member and account ids the entries name (their member, and member_pk or *_by_id fields)."""
    members, users = set(), set()
    for entry in entries:
        if entry.member_pk is not None:
            members.add(entry.member_pk)
        if is_redacted(entry):
            continue
        if entry.entity_id and entry.entity_id.isdigit():
            if entry.entity_type == "members":
                members.add(int(entry.entity_id))
            elif entry.entity_type == "users":
                users.add(int(entry.entity_id))
        for side in (loads(entry.before), loads(entry.after)):
            for name, value in (side or {}).items():
                if isinstance(value, int) and not isinstance(value, bool):
                    if name in MEMBER_FIELDS:
                        members.add(value)
                    elif _is_user_field(name):
                        users.add(value)
    return members, users


def _is_user_field(name: str) -> bool:
    return name.endswith("_by_id") or name in ("user_id", "actor_id")


def value_text(name: str, value: Any, names: Names) -> str:
    """One value in words: names for ids, labels for codes, dd/mm/yyyy for dates, Yes/No for booleans."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int) and name in MEMBER_FIELDS:
        return names.member(value)
    if isinstance(value, int) and _is_user_field(name):
        return names.user(value)
    if isinstance(value, int) and name.endswith("_id"):
        return f"#{value}"
    if isinstance(value, int) and name == "size":
        return f"{value:,} bytes"
    if isinstance(value, str):
        if name == "code" and value in names.labels:
            return names.labels[value]
        if name == "role" and value in names.roles:
            return names.roles[value]
        if value in CODES.get(name, {}):
            return CODES[name][value]
        if _DATE.match(value):
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        if _DATETIME.match(value):
            return datetime.fromisoformat(value).strftime("%d/%m/%Y %H:%M")
        if name == "sha256" and len(value) > 16:
            return value[:12] + "…"
        return value
    if isinstance(value, list):
        return ", ".join(value_text(name, item, names) for item in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{field_label(str(k))} {value_text(str(k), v, names)}" for k, v in value.items()) or "none"
    return str(value)


def lines(entry: Any, names: Names) -> list[str]:
    """The entry's content as "Field: before → after" lines, one per field that changed; a field set from
    nothing reads "Field: after", one cleared "Field: removed (was before)"."""
    if is_redacted(entry):
        return [f"Content redacted on {entry.redacted_at:%d/%m/%Y} (retention)"]
    before, after = loads(entry.before), loads(entry.after)
    if after is None:  # a removal: what there was
        return [f"{field_label(k)}: removed (was {value_text(k, v, names)})"
                for k, v in (before or {}).items() if v is not None]
    found = []
    order = {name: n for n, name in enumerate(names.order.get(entry.entity_type, ()))}
    for name in sorted(after, key=lambda k: (order.get(k, len(order)), k)):
        new, old = after[name], (before or {}).get(name)
        if old == new and before is not None and name in before:
            continue
        if name in MEMBER_FIELDS and new == entry.member_pk and old is None:
            continue  # the entry's own member, named beside it
        label = field_label(name)
        if new is None and old is None:
            continue
        if new is None:
            found.append(f"{label}: removed (was {value_text(name, old, names)})")
        elif old is None:
            found.append(f"{label}: {value_text(name, new, names)}")
        else:
            found.append(f"{label}: {value_text(name, old, names)} → {value_text(name, new, names)}")
    if entry.redacted_at is not None:
        found.append(f"Names pseudonymised on {entry.redacted_at:%d/%m/%Y} (retention)")
    return found


@dataclass(frozen=True)
class Batch:
    """One import or bulk change as one row: its title and what it did, counted by action."""

    batch_id: str
    count: int
    first_at: datetime
    last_at: datetime
    actor: str
    counts: tuple[tuple[str, int], ...]  # (action, entries) in the order first written
    summary: dict[str, Any] | None = None  # the import's own entry: file, sheet, counts

    @property
    def kind(self) -> str:
        return _words(self.batch_id.partition(":")[0]).capitalize()

    @property
    def title(self) -> str:
        kind = self.batch_id.partition(":")[0]
        if self.summary and self.summary.get("file"):
            return f"{_words(kind).capitalize()} of {self.summary['file']}"
        return f"{_words(kind).capitalize()} (one batch)"

    @property
    def sentence(self) -> str:
        changes = "1 change" if self.count == 1 else f"{self.count:,} changes"
        parts = []
        for action, n in self.counts:
            if action in COUNTED:
                what, done = COUNTED[action]
                parts.append(f"{what} {n:,} {done}")
            elif not action.startswith(("import.", "tracker.import")):
                parts.append(f"{action_label(action)} {n:,}")
        return f"{self.title}: {changes}" + (f" ({', '.join(parts)})" if parts else "")
