"""Turning a mapping (plus any column answers) into where each kind of value sits."""

from __future__ import annotations

from dataclasses import dataclass, field

from .context import Context
from .errors import TrackerError
from .mapping import ColumnMapping, Target, parse_target
from .model import Column, ParsedTracker


@dataclass
class Layout:
    """Columns by role: member fields, check columns in order, qualifiers per check, notes."""

    fields: dict[str, Column] = field(default_factory=dict)
    checks: list[tuple[Column, str]] = field(default_factory=list)
    qualifiers: dict[str, dict[str, Column]] = field(default_factory=dict)
    notes: list[Column] = field(default_factory=list)
    targets: dict[str, str] = field(default_factory=dict)


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
    return layout


def _column_target(tracker: ParsedTracker, column: Column, mapping: ColumnMapping,
                   ctx: Context) -> Target | None:
    mapped = mapping.target_for(column.key)
    if mapped is not None:
        answer = ctx.answers.take(column.key)
        return _parse(answer if answer is not None else mapped, column, ctx)
    answered, target = _ask_about_column(
        tracker, column, ctx, f"Column {column.key!r} is not recognised; it is ignored unless you map it.")
    return target if answered else None


def _ask_about_column(tracker: ParsedTracker, column: Column, ctx: Context, message: str):
    def parse(value):
        try:
            return parse_target(str(value), ctx.codes)
        except TrackerError as error:
            raise ValueError(error.detail) from None

    return ctx.ask(column.key, message, "ignore, notes, member.<field> or check.<code>[.<qualifier>]",
                   parse, cell=f"{column.letter}{tracker.header_row}", default="ignore")


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
