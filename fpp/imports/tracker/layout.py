"""Turning a mapping (plus any column answers) into where each kind of value sits."""

from __future__ import annotations

from dataclasses import dataclass, field

from .context import Context
from .errors import TrackerError
from .headers import normalise_header
from .mapping import ColumnMapping, Target, advise, parse_target
from .model import Column, ParsedTracker


@dataclass
class Layout:
    """Columns by role: member fields, check columns in order, qualifiers per check, notes."""

    fields: dict[str, Column] = field(default_factory=dict)
    checks: list[tuple[Column, str]] = field(default_factory=list)
    qualifiers: dict[str, dict[str, Column]] = field(default_factory=dict)
    notes: list[Column] = field(default_factory=list)
    targets: dict[str, str] = field(default_factory=dict)
    # A check column's "<header> status" column (as `fpp export tracker` writes), by the check column's index.
    statuses: dict[int, Column] = field(default_factory=dict)


def build_layout(tracker: ParsedTracker, mapping: ColumnMapping, ctx: Context) -> Layout:
    """The layout the mapping describes; unknown or doubled columns become column questions."""
    layout = Layout()
    for column in tracker.columns:
        target = _column_target(tracker, column, mapping, ctx)
        if target is not None and _place(layout, column, target):
            layout.targets[column.key] = str(target)
        elif target is not None:
            layout.targets[column.key] = "ignore"
            _ask_about_column(tracker, column, ctx, f"Column {column.key!r} repeats {target}, "
                                                    "already read from another column; it is ignored.")
        else:
            layout.targets[column.key] = "ignore"
    by_header = {normalise_header(c.header): c for c in tracker.columns}
    for column, _ in layout.checks:
        status = by_header.get(normalise_header(column.header) + " status")
        if status is not None and layout.targets.get(status.key) == "ignore":
            layout.statuses[column.index] = status
    return layout


def _column_target(tracker: ParsedTracker, column: Column, mapping: ColumnMapping,
                   ctx: Context) -> Target | None:
    mapped = mapping.target_for(column.key)
    if mapped is not None:
        answer = ctx.answers.take(column.key)
        return _parse(answer if answer is not None else mapped, column, ctx)
    advice = advise(tracker, column.index, column.header, ctx.catalogue)
    if advice.suggestion is not None:
        message = (f"Column {column.key!r} is not a wording the import knows; {advice.reason}: is it "
                   f"{advice.suggestion}? Confirm it or give the column's target.")
    elif advice.sample is not None:
        message = (f"Column {column.key!r} is not recognised, but it holds check values "
                   f"({advice.sample.ref}: {_shown(advice.sample.value)!r}): say what it holds, or 'ignore'.")
    else:
        message = f"Column {column.key!r} is not recognised; it is ignored unless you map it."
    answered, target = _ask_about_column(tracker, column, ctx, message, blocks=advice.blocks,
                                         suggestion=advice.suggestion)
    return target if answered else None


def _shown(value) -> str:
    return f"{value:%d/%m/%Y}" if hasattr(value, "strftime") else str(value)


def _ask_about_column(tracker: ParsedTracker, column: Column, ctx: Context, message: str, *,
                      blocks: bool = False, suggestion: str | None = None):
    """A question keyed by the column's header. One whose column may hold check records (``blocks``)
    has no default: the import waits for the answer rather than drop its cells."""
    def parse(value):
        try:
            return parse_target(str(value), ctx.codes)
        except TrackerError as error:
            raise ValueError(error.detail) from None

    return ctx.ask(column.key, message, "ignore, notes, member.<field> or check.<code>[.<qualifier>]",
                   parse, cell=f"{column.letter}{tracker.header_row}", default=None if blocks else "ignore",
                   suggestion=suggestion)


def _parse(text: str, column: Column, ctx: Context) -> Target | None:
    try:
        return parse_target(str(text), ctx.codes)
    except TrackerError as error:
        ctx.problem(column.key, f"column {column.key!r}: {error.detail}")
        return None


def _place(layout: Layout, column: Column, target: Target) -> bool:
    """Put the column in the layout; False when a single-valued slot is already taken."""
    if target.kind == "member":
        if target.name in layout.fields:
            return False
        layout.fields[target.name] = column
    elif target.kind == "check" and target.qualifier is None:
        layout.checks.append((column, target.name))
    elif target.kind == "check":
        slot = layout.qualifiers.setdefault(target.name, {})
        if target.qualifier in slot:
            return False
        slot[target.qualifier] = column
    elif target.kind == "notes":
        layout.notes.append(column)
    return True
