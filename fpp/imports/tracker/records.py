"""Check cells to check-record actions: one action (or skip) per check cell of a row."""

from __future__ import annotations

from dataclasses import dataclass, replace
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
        if _not_required(row, layout, column.index, cell):
            actions.append(Skip("N/A: not required (its status column says so)", cell.ref, member.member_id))
            continue
        draft = _draft(cell, code, member, ctx, context, actions)
        if draft is None:
            continue
        if (draft.code, draft.on, draft.outcome) in seen:
            actions.append(Skip("same record as another column of this row", draft.cell, member.member_id))
            continue
        seen.add((draft.code, draft.on, draft.outcome))
        extras = _qualifiers(row, layout, draft, member, ctx)
        action = _compare(draft, extras, member.member_id, known)
        if isinstance(action, CreateCheckRecord) and needs_level(action) and "level" not in \
                layout.qualifiers.get("dbs", {}):
            action = _ask_level(action, member, ctx)
        actions.append(action)
    return actions


def _not_required(row: TrackerRow, layout: Layout, index: int, cell: Cell) -> bool:
    """True for an N/A whose status column also says N/A: the check was not required (the export writes
    both), which is no record at all, not a record that the check did not apply."""
    status = layout.statuses.get(index)
    said = row.cells.get(status.index) if status else None
    return (said is not None and read_check_cell(cell.value).kind == "not_applicable"
            and clean_text(said.value).casefold() in ("n/a", "not required"))


def needs_level(action: CreateCheckRecord) -> bool:
    """A new DBS record other than N/A needs its level: applying refuses one without."""
    return action.code == "dbs" and action.outcome != "not_applicable" and action.dbs_level is None


def _ask_level(action: CreateCheckRecord, member: KnownMember, ctx: Context) -> Action:
    """No DBS level column: ask the level of each new DBS record, keyed ``<cell> level``."""
    answered, level = ctx.ask(f"{action.source} level", f"{member.name}: the DBS check of "
                              f"{action.completed_on:%d/%m/%Y} has no level (the tracker has no DBS level column).",
                              DBS_LEVEL_CHOICES, parse_level_answer, cell=action.source)
    if not answered:
        return Skip(f"waiting for the DBS level ({action.source} level)", action.source, action.member_id)
    return replace(action, dbs_level=level)


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
    if answer.on > ctx.as_of:  # applying refuses it: say so now, at the cell
        ctx.problem(cell.ref, f"{member.name}: {code.replace('_', ' ')}: the answer's date {answer.on:%d/%m/%Y} "
                              f"is after today ({ctx.as_of:%d/%m/%Y}); a check cannot be completed in the future")
        actions.append(Skip(f"waiting for a date on or before {ctx.as_of:%d/%m/%Y}", cell.ref, member.member_id))
        return None
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
    return UpdateCheckRecord(member_id, draft.code, draft.on, draft.outcome, changes, draft.cell,
                             {name: getattr(held, name) for name in changes})
