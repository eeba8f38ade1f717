"""Reading the member fields of one tracker row, asking about anything not certain."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from checks.people import POSITION_LABEL_LIST

from .answers import parse_date_answer, parse_position_answer
from .context import Context
from .layout import Layout
from .model import Column, TrackerRow
from .positions import derive_position, is_interim_title, parse_executive
from .values import clean_text, control_problem, identifier_text, parse_date, parse_yes_no, strip_interim_marker

_DATE_FIELDS = ("start_on", "end_on", "date_of_birth")
_YES_NO_FIELDS = ("voting", "interim")
_NO_REGISTRATION = ("n/a", "na", "none", "no", "-", "not applicable", "not registered")


@dataclass
class RowFacts:
    """A row's member: name, number if any, fields read with certainty, and their cells."""

    row: int
    name: str
    name_cell: str
    member_id: str | None
    id_cell: str | None
    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    notes: str | None = None


def ref(layout: Layout, name: str, row: int) -> str | None:
    """The cell reference of a member field on a row (even when blank), or None if unmapped."""
    column = layout.fields.get(name)
    return f"{column.letter}{row}" if column else None


def cell_value(row: TrackerRow, layout: Layout, name: str) -> Any:
    """The value of a member field on a row, or None."""
    column = layout.fields.get(name)
    cell = row.cells.get(column.index) if column else None
    return cell.value if cell else None


def is_heading(row: TrackerRow, layout: Layout) -> bool:
    """True for a section heading ("Non-executive directors"): one value and nothing else."""
    mapped = {c.index for c in layout.fields.values()} | {c.index for c, _ in layout.checks}
    cells = [c for i, c in row.cells.items() if i in mapped]
    merged = {c.merged_from for c in cells}
    return len(cells) == 1 or (len(merged) == 1 and None not in merged and len(cells) > 1)


def read_row(row: TrackerRow, layout: Layout, ctx: Context, sheet: str | None = None) -> RowFacts:
    """The member fields of a row; unreadable values become questions keyed by their cell, and text
    with control characters a problem naming the sheet, row, column and cell."""
    refuse_control_characters(row, layout, ctx, sheet)
    raw_name = clean_text(cell_value(row, layout, "name"))
    name, interim_marker = strip_interim_marker(raw_name)
    member_id = identifier_text(cell_value(row, layout, "member_id")) or None
    facts = RowFacts(row.number, name, ref(layout, "name", row.number), member_id,
                     ref(layout, "member_id", row.number))
    for name_ in ("email", "role_title"):
        _set(facts, layout, name_, clean_text(cell_value(row, layout, name_)) or None)
    _read_registration(facts, row, layout)
    for name_ in _DATE_FIELDS:
        _read_date(facts, row, layout, ctx, name_)
    for name_ in _YES_NO_FIELDS:
        _read_yes_no(facts, row, layout, ctx, name_)
    if interim_marker or is_interim_title(cell_value(row, layout, "role_title")):
        facts.values.setdefault("interim", True)
        facts.sources.setdefault("interim", facts.name_cell)
    _read_position(facts, row, layout, ctx)
    facts.notes = "; ".join(clean_text(row.cells[c.index].value) for c in layout.notes
                            if c.index in row.cells) or None
    _check_dates(facts, ctx)
    return facts


def refuse_control_characters(row: TrackerRow, layout: Layout, ctx: Context, sheet: str | None) -> None:
    """A problem for every mapped cell (and check cell comment) whose text holds a control character:
    member fields and qualifiers allow none; check cells, comments and notes keep line breaks only."""
    for column, multiline in _text_columns(layout):
        cell = row.cells.get(column.index)
        if cell is None or cell.merged_from not in (None, cell.ref):  # a merged range: its first cell only
            continue
        where = f"{f'sheet {sheet!r}, ' if sheet else ''}row {row.number}, column {column.key!r} ({cell.ref})"
        problem = control_problem(cell.value, multiline)
        if problem:
            ctx.problem(cell.ref, f"{where} {problem}")
        problem = control_problem(cell.comment, multiline=True)
        if problem:
            ctx.problem(cell.ref, f"{where}: its comment {problem}")


def _text_columns(layout: Layout) -> list[tuple[Column, bool]]:
    """Each mapped column with whether its cells may hold line breaks."""
    columns = [(column, False) for column in layout.fields.values()]
    columns += [(column, True) for column, _ in layout.checks] + [(column, True) for column in layout.notes]
    columns += [(column, qualifier == "notes") for slots in layout.qualifiers.values()
                for qualifier, column in slots.items()]
    return columns


def _set(facts: RowFacts, layout: Layout, name: str, value: Any) -> None:
    if value is not None:
        facts.values[name] = value
        facts.sources[name] = ref(layout, name, facts.row)


def _read_registration(facts: RowFacts, row: TrackerRow, layout: Layout) -> None:
    text = clean_text(cell_value(row, layout, "professional_registration"))
    if text and text.casefold() not in _NO_REGISTRATION:
        _set(facts, layout, "professional_registration", text)


def _read_date(facts: RowFacts, row: TrackerRow, layout: Layout, ctx: Context, name: str) -> None:
    value = cell_value(row, layout, name)
    if value is None:
        return
    on = parse_date(value)
    if on is None:
        cell = ref(layout, name, facts.row)
        answered, on = ctx.ask(cell, f"{facts.name}: {name.replace('_', ' ')} {clean_text(value)!r} "
                                     "is not a full date.", "a date such as 2025-04-14", parse_date_answer)
    _set(facts, layout, name, on)


def _read_yes_no(facts: RowFacts, row: TrackerRow, layout: Layout, ctx: Context, name: str) -> None:
    value = cell_value(row, layout, name)
    if value is None:
        return
    flag = parse_yes_no(value)
    if flag is None:
        cell = ref(layout, name, facts.row)
        _, flag = ctx.ask(cell, f"{facts.name}: {name} {clean_text(value)!r} is not Yes or No.",
                          "yes or no", _yes_no_answer)
    _set(facts, layout, name, flag)


def _yes_no_answer(value: Any) -> bool:
    flag = parse_yes_no(value)
    if flag is None:
        raise ValueError("yes or no")
    return flag


def _read_position(facts: RowFacts, row: TrackerRow, layout: Layout, ctx: Context) -> None:
    raw_exec = cell_value(row, layout, "executive")
    executive = parse_executive(raw_exec)
    if executive is not None:
        _set(facts, layout, "executive", executive)
    sources = ("position", "role_title", "executive")
    if not any(name in layout.fields for name in sources):
        return
    raw_position, title = cell_value(row, layout, "position"), cell_value(row, layout, "role_title")
    position = derive_position(raw_position, title, executive)
    if position is None and (raw_position, title, raw_exec) != (None, None, None):
        key = next(ref(layout, n, facts.row) for n in sources if n in layout.fields)
        said = ", ".join(repr(clean_text(v)) for v in (raw_position, title, raw_exec) if v is not None)
        _, position = ctx.ask(key, f"{facts.name}: the position is unclear from {said}.",
                              POSITION_LABEL_LIST, parse_position_answer)
    if position is not None:
        facts.values["position"] = position
        facts.sources["position"] = ref(layout, "position", facts.row) or ref(layout, "role_title", facts.row) \
            or ref(layout, "executive", facts.row)


def _check_dates(facts: RowFacts, ctx: Context) -> None:
    start, end = facts.values.get("start_on"), facts.values.get("end_on")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        ctx.problem(facts.sources["end_on"], f"{facts.name}: the end date {end:%d/%m/%Y} is before "
                                             f"the start date {start:%d/%m/%Y}.")
    born = facts.values.get("date_of_birth")
    if isinstance(born, date) and born >= ctx.as_of:
        ctx.problem(facts.sources["date_of_birth"], f"{facts.name}: the date of birth is not in the past.")
