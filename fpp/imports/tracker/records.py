"""Check cells to check-record actions: one action (or skip) per check cell of a row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .answers import RecordAnswer, parse_level_answer, parse_record_answer
from .context import Context
from .layout import Layout
from .model import Action, Cell, CreateCheckRecord, KnownMember, KnownRecord, Skip, TrackerRow, UpdateCheckRecord
from .values import DBS_LEVEL_CHOICES, clean_text, identifier_text, parse_dbs_level, read_check_cell

RecordIndex = dict[tuple[str, str, date, str], KnownRecord]
_ANSWER_HINT = "a date (a clear record), 'issue DATE', 'clear DATE', 'n/a' or 'skip'"


@dataclass(frozen=True)
class Draft:
    """A record read from a cell, before it is compared with the register."""

    code: str
    on: date
    outcome: str
    cell: str
    notes: str | None = None


def plan_records(row: TrackerRow, layout: Layout, member: KnownMember, known: RecordIndex,
                 ctx: Context, context: str | None) -> list[Action]:
    """One action per check cell of the row, compared with the records already held."""
    actions: list[Action] = []
    seen: set[tuple[str, date, str]] = set()
    for column, code in layout.checks:
        cell = row.cells.get(column.index) or Cell(f"{column.letter}{row.number}", None)
        draft = _draft(cell, code, member, ctx, context, actions)
        if draft is None:
            continue
        if (draft.code, draft.on, draft.outcome) in seen:
            actions.append(Skip("same record as another column of this row", draft.cell, member.member_id))
            continue
        seen.add((draft.code, draft.on, draft.outcome))
        extras = _qualifiers(row, layout, draft, member, ctx)
        actions.append(_compare(draft, extras, member.member_id, known))
    return actions


def _draft(cell: Cell, code: str, member: KnownMember, ctx: Context, context: str | None,
           actions: list[Action]) -> Draft | None:
    reading = read_check_cell(cell.value)
    label = f"{member.name}: {code.replace('_', ' ')}"
    if reading.kind == "unclear":
        answered, answer = ctx.ask(cell.ref, f"{label} says {reading.note!r}, which is not a date.",
                                   _ANSWER_HINT, parse_record_answer, context=context)
        if not answered:
            actions.append(Skip(f"waiting for the answer to {cell.ref}", cell.ref, member.member_id))
            return None
        return _from_answer(answer, cell, code, member, ctx, actions)
    if reading.kind == "date":
        return _dated(cell, code, reading.on, "clear", member, ctx, actions, context)
    if reading.kind == "not_applicable":
        return _not_applicable(cell, code, member, ctx, actions, reading.note)
    actions.append(Skip(reading.note or "blank", cell.ref, member.member_id))
    return None


def _from_answer(answer: RecordAnswer, cell: Cell, code: str, member: KnownMember, ctx: Context,
                 actions: list[Action]) -> Draft | None:
    if answer.outcome is None:
        actions.append(Skip("no record (answered)", cell.ref, member.member_id))
        return None
    if answer.outcome == "not_applicable":
        return _not_applicable(cell, code, member, ctx, actions, None)
    return Draft(code, answer.on, answer.outcome, cell.ref, cell.comment)


def _dated(cell: Cell, code: str, on: date, outcome: str, member: KnownMember, ctx: Context,
           actions: list[Action], context: str | None) -> Draft | None:
    if on > ctx.as_of:
        answered, answer = ctx.ask(cell.ref, f"{member.name}: {code.replace('_', ' ')} is dated "
                                             f"{on:%d/%m/%Y}, after {ctx.as_of:%d/%m/%Y}.",
                                   _ANSWER_HINT, parse_record_answer, context=context)
        if not answered:
            actions.append(Skip(f"waiting for the answer to {cell.ref}", cell.ref, member.member_id))
            return None
        return _from_answer(answer, cell, code, member, ctx, actions)
    return Draft(code, on, outcome, cell.ref, cell.comment)


def _not_applicable(cell: Cell, code: str, member: KnownMember, ctx: Context,
                    actions: list[Action], note: str | None) -> Draft | None:
    if not ctx.applies(member, code):
        actions.append(Skip("N/A: the check does not apply to this member", cell.ref, member.member_id))
        return None
    if member.start_on is None:
        actions.append(Skip("N/A needs the member's start date, which is unknown", cell.ref, member.member_id))
        return None
    notes = "; ".join(n for n in (note, cell.comment) if n) or None
    return Draft(code, member.start_on, "not_applicable", cell.ref, notes)


def _qualifiers(row: TrackerRow, layout: Layout, draft: Draft, member: KnownMember,
                ctx: Context) -> dict[str, str | None]:
    """Reference, DBS level and notes from the qualifier columns of the draft's check."""
    slots = layout.qualifiers.get(draft.code, {})

    def text(qualifier: str) -> str | None:
        column = slots.get(qualifier)
        cell = row.cells.get(column.index) if column else None
        return identifier_text(cell.value) or None if cell else None

    reference = text("reference")
    if draft.code == "professional_registration" and reference is None:
        pair = " ".join(t for t in (text("registration_body"), text("registration_number")) if t)
        reference = pair or member.professional_registration
    notes = "; ".join(n for n in (draft.notes, text("notes")) if n) or None
    extras = {"reference": reference, "notes": notes, "dbs_level": None}
    if draft.code == "dbs" and draft.outcome != "not_applicable":
        extras["dbs_level"] = _level(row, slots, member, ctx)
    return extras


def _level(row: TrackerRow, slots, member: KnownMember, ctx: Context) -> str | None:
    column = slots.get("level")
    if column is None:
        return None
    cell = row.cells.get(column.index)
    level = parse_dbs_level(cell.value) if cell else None
    if level is None:
        said = f"says {clean_text(cell.value)!r}" if cell else "is blank"
        _, level = ctx.ask(f"{column.letter}{row.number}", f"{member.name}: the DBS level {said}.",
                           DBS_LEVEL_CHOICES, parse_level_answer)
    return level


def _compare(draft: Draft, extras: dict[str, str | None], member_id: str, known: RecordIndex) -> Action:
    held = known.get((member_id, draft.code, draft.on, draft.outcome))
    if held is None:
        return CreateCheckRecord(member_id, draft.code, draft.on, draft.outcome, extras["reference"],
                                 extras["dbs_level"], extras["notes"], draft.cell)
    changes = {name: value for name, value in extras.items()
               if value is not None and getattr(held, name) != value}
    if not changes:
        return Skip("already in the register", draft.cell, member_id)
    return UpdateCheckRecord(member_id, draft.code, draft.on, draft.outcome, changes, draft.cell)
