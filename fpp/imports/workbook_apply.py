"""Applying a parsed import workbook: all or nothing, idempotent, one audit entry per change."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from fpp.audit import operations as audit
from fpp.errors import DomainError
from fpp.extensions import db
from fpp.imports.workbook import ParsedWorkbook, Problem, member_defaults
from fpp.people import operations as people
from fpp.people.models import Member
from fpp.register import operations as register
from fpp.register.models import CheckRecord


@dataclass
class ImportResult:
    """What the import did (or, on a dry run, would do), and every problem that stopped it."""

    counts: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        c = self.counts
        return (f"members: {c['member.created']} created, {c['member.updated']} updated, "
                f"{c['member.unchanged']} unchanged; check records: {c['check.created']} created, "
                f"{c['check.updated']} updated, {c['check.unchanged']} unchanged")


def apply_import(parsed: ParsedWorkbook, recorded_by_id: int | None = None) -> ImportResult:
    """Write the workbook's members and checks; on any problem the caller must roll back."""
    result = ImportResult(problems=list(parsed.problems))
    if result.problems:
        return result
    existing = {m.member_id: m for m in db.session.execute(select(Member)).scalars()}
    for row in parsed.members:
        _apply_member(row, existing, result)
    for row in parsed.checks:
        _apply_check(row, existing, recorded_by_id, result)
    if not result.problems:
        audit.record("import.workbook", "imports", None, after=dict(result.counts))
    return result


def _apply_member(row, existing: dict[str, Member], result: ImportResult) -> None:
    values = row.values
    member = existing.get(values["member_id"])
    try:
        if member is None:
            existing[values["member_id"]] = people.create_member(**member_defaults(values))
            result.counts["member.created"] += 1
        elif people.update_member(member, **values):
            result.counts["member.updated"] += 1
        else:
            result.counts["member.unchanged"] += 1
    except DomainError as error:
        result.problems.append(Problem("Members", row.number, None, error.message))


def _apply_check(row, existing: dict[str, Member], recorded_by_id, result: ImportResult) -> None:
    values = dict(row.values)
    member = existing.get(values.pop("member_id"))
    if member is None:
        result.problems.append(Problem("Checks", row.number, f"Member ID ({row.cells['member_id']})",
                                       f"{row.values['member_id']!r} is not in the Members sheet or the register"))
        return
    try:
        same = register.find_same_record(member.id, values["code"], values["completed_on"], values["outcome"])
        if same is None:
            register.record_check(member, recorded_by_id, **values)
            result.counts["check.created"] += 1
        elif _update_details(same, values):
            result.counts["check.updated"] += 1
        else:
            result.counts["check.unchanged"] += 1
    except DomainError as error:
        column = {"completed_on": "Completed on", "dbs_level": "DBS level", "code": "Check"}.get(error.field or "")
        result.problems.append(Problem("Checks", row.number, column, error.message))


def _update_details(record: CheckRecord, values: dict) -> bool:
    """A changed Reference or Notes updates the record; blank cells leave the stored value."""
    changes = {k: values[k] for k in ("reference", "notes") if values.get(k) and values[k] != getattr(record, k)}
    if not changes:
        return False
    return register.correct_record(record, "Re-imported with a changed reference or notes", **changes)
