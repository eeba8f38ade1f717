"""Verbs of the tracker import: saving a preset and applying a plan. They flush and audit; never commit."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from checks.people import find_position
from fpp.audit import operations as audit
from fpp.errors import DomainError
from fpp.extensions import db
from fpp.people import operations as people
from fpp.people.models import Member
from fpp.register import operations as register
from fpp.imports.tracker import (ColumnMapping, CreateCheckRecord, CreateMember, ImportPlan, Problem, Skip,
                         UpdateCheckRecord, UpdateMember)
from fpp.imports.models import TrackerPreset
from fpp.imports.queries import find_preset

_REGISTER_NAMES = {"voting": "is_voting", "interim": "is_interim", "executive": "is_executive"}
_MEMBER_FIELDS = ("member_id", "name", "start_on", "end_on", "email", "position", "role_title", "voting",
                  "interim", "executive", "professional_registration", "date_of_birth")
COUNT_NAMES = ("members_created", "members_updated", "records_created", "records_updated", "skipped")


def save_preset(name: str, mapping: ColumnMapping, created_by_id: int | None = None) -> TrackerPreset:
    """Save ``mapping`` under ``name``, replacing the preset of that name if there is one."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise DomainError("Give the preset a name of up to 100 characters", "preset_name")
    data = mapping.to_dict()
    # Next year's tracker may have more title rows or a new sheet name: find them again.
    data.pop("header_row", None)
    data.pop("sheet", None)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    preset = find_preset(name)
    if preset is None:
        preset = TrackerPreset(name=name, mapping=text, created_by_id=created_by_id)
        db.session.add(preset)
        db.session.flush()
        audit.record("tracker.preset_create", "tracker_presets", preset.id, after=audit.snapshot(preset))
        return preset
    before = audit.snapshot(preset)
    preset.mapping = text
    audit.record_change("tracker.preset_update", preset, before)
    return preset


@dataclass
class ApplyResult:
    """What applying did, and every problem (with its cell) that stopped it."""

    counts: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return any(self.counts[name] for name in COUNT_NAMES[:4])

    def summary(self) -> str:
        c = self.counts
        return (f"members: {c['members_created']} created, {c['members_updated']} updated; "
                f"check records: {c['records_created']} created, {c['records_updated']} updated; "
                f"{c['skipped']} cells created nothing")


@audit.batch("import")  # every entry of one import carries one batch id
def apply_plan(plan: ImportPlan, *, filename: str, sha256: str, recorded_by_id: int | None = None,
               audit_action: str = "tracker.import") -> ApplyResult:
    """Write a ready plan through the people and register operations; on problems the caller rolls back.
    The one applier of both formats: a tracker's plan, and the contract workbook's (`plan_workbook`).

    Each member and record gets its own audit entry (the operations write them) and, when anything
    changed, one `audit_action` entry (``tracker.import``, ``import.workbook``) names the file, its SHA-256
    and the counts. A plan with problems or unanswered blocking questions writes nothing.
    """
    result = ApplyResult()
    if not plan.is_ready:
        result.problems = list(plan.problems) or [
            Problem(q.cell, f"unanswered: {q.message}") for q in plan.questions if q.is_blocking]
        return result
    members = {m.member_id: m for m in db.session.execute(select(Member)).scalars()}
    actions = plan.actions
    _create_members([a for a in actions if isinstance(a, CreateMember)], members, result)
    if result.ok:
        for action in actions:
            _try(_change, action, members, filename, result)
        _create_records([a for a in actions if isinstance(a, CreateCheckRecord)], members, recorded_by_id, result)
    if result.ok and result.changed:
        after = {"file": filename, "sha256": sha256, "sheet": plan.sheet,
                 **{name: result.counts[name] for name in COUNT_NAMES}}
        audit.record(audit_action, "imports", None, after=after)
    return result


def _create_members(actions: list[CreateMember], members: dict[str, Member], result: ApplyResult) -> None:
    rows = [register_fields({name: getattr(a, name) for name in _MEMBER_FIELDS}) for a in actions]
    created, errors = people.create_members(rows)
    result.problems += [Problem(actions[i].source, error.message) for i, error in errors]
    members.update({m.member_id: m for m in created})
    result.counts["members_created"] += len(created)


def _create_records(actions: list[CreateCheckRecord], members: dict[str, Member], user_id: int | None,
                    result: ApplyResult) -> None:
    items = []
    for action in actions:
        member = _try(_member, members, action, result=result, action=action)
        if member is not None:
            items.append((member, {"code": action.code, "completed_on": action.completed_on,
                                   "outcome": action.outcome, "reference": action.reference,
                                   "dbs_level": action.dbs_level, "notes": action.notes,
                                   "searched_name": action.searched_name, "searched_dob": action.searched_dob,
                                   "searched_by": action.searched_by, "expires_on": action.expires_on}))
    if not result.ok:
        return
    created, errors = register.record_checks(items, user_id)
    result.problems += [Problem(actions[i].source, error.message) for i, error in errors]
    result.counts["records_created"] += len(created)


def _try(func, *args, result: ApplyResult | None = None, action=None):
    """Call ``func``; a DomainError becomes a problem at the action's cell."""
    result = result or args[-1]
    try:
        return func(*args)
    except DomainError as error:
        result.problems.append(Problem(_cell_of(action or args[0], error), error.message))
        return None


def _change(action, members: dict[str, Member], filename: str, result: ApplyResult) -> None:
    """Skips, member updates and record corrections, one by one through the operations (few)."""
    if isinstance(action, Skip):
        result.counts["skipped"] += 1
    elif isinstance(action, UpdateMember):
        if people.update_member(_member(members, action), **register_fields(action.changes)):
            result.counts["members_updated"] += 1
    elif isinstance(action, UpdateCheckRecord):
        member = _member(members, action)
        record = register.find_same_record(member.id, action.code, action.completed_on, action.outcome)
        if record is None:
            raise DomainError(f"the {action.code} record of {action.completed_on:%d/%m/%Y} is no longer held")
        if register.correct_record(record, f"tracker import {filename}, cell {action.source}", **action.changes):
            result.counts["records_updated"] += 1


def _member(members: dict[str, Member], action) -> Member:
    member = members.get(action.member_id)
    if member is None:
        raise DomainError(f"member {action.member_id} is not in the register (was not created)")
    return member


def register_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Planner member fields to register member fields: is_* names, position codes, no None values."""
    fields = {}
    for name, value in values.items():
        if value is None:
            continue
        if name == "position":
            value = find_position(value) or value
        fields[_REGISTER_NAMES.get(name, name)] = value
    return fields


def _cell_of(action, error: DomainError) -> str:
    if isinstance(action, UpdateMember):
        return action.sources.get(_planner_name(error.field), next(iter(action.sources.values()), ""))
    return getattr(action, "source", "") or getattr(action, "cell", "")


def _planner_name(field_name: str | None) -> str:
    reverse = {v: k for k, v in _REGISTER_NAMES.items()}
    return reverse.get(field_name or "", field_name or "")
