"""Which column holds what: proposing a mapping, and saving or loading it as a preset.

A mapping is keyed by column header (not letter) so that one preset fits next year's tracker
even when columns moved. Columns it does not name are unknown: the plan asks about them and
ignores them unless answered.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from .errors import TrackerError
from .headers import MEMBER_FIELDS, QUALIFIERS, REGISTRATION_EITHER, guess_target, normalise_header, suggest_target
from .model import Cell, ParsedTracker
from .values import clean_text, read_check_cell

Catalogue = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Target:
    """What a column feeds: ``kind`` is member, check, notes or ignore."""

    kind: str
    name: str | None = None
    qualifier: str | None = None

    def __str__(self) -> str:
        return ".".join(part for part in (self.kind, self.name, self.qualifier) if part)


def parse_target(text: str, codes: Sequence[str]) -> Target:
    """The Target written as ``text``; raises TrackerError for anything not in the grammar.

    Grammar: ``ignore``, ``notes``, ``member.<field>``, ``check.<code>`` or
    ``check.<code>.<qualifier>`` (``level`` for dbs only; ``registration_body`` and
    ``registration_number`` for professional_registration only; ``reference``, ``notes``).
    """
    parts = str(text).strip().split(".")
    if parts in (["ignore"], ["notes"]):
        return Target(parts[0])
    if len(parts) == 2 and parts[0] == "member" and parts[1] in MEMBER_FIELDS:
        return Target("member", parts[1])
    if parts[0] == "check" and len(parts) in (2, 3) and parts[1] in codes:
        qualifier = parts[2] if len(parts) == 3 else None
        if qualifier is None or _qualifier_fits(parts[1], qualifier):
            return Target("check", parts[1], qualifier)
    raise TrackerError(f"{text!r} is not a column target; use ignore, notes, member.<field> "
                       f"(one of {', '.join(MEMBER_FIELDS)}), check.<code> or check.<code>.<qualifier>")


def _qualifier_fits(code: str, qualifier: str) -> bool:
    if qualifier == "level":
        return code == "dbs"
    if qualifier in ("registration_body", "registration_number"):
        return code == "professional_registration"
    return qualifier in QUALIFIERS


@dataclass
class ColumnMapping:
    """Column header -> target text, plus optionally the header row and the sheet.

    Serialises to a plain dict (``to_dict``/``from_dict``) and to TOML (``to_toml``/``from_toml``)
    so the app can keep it as a named preset and the CLI can load it from a file.
    """

    columns: dict[str, str] = field(default_factory=dict)
    header_row: int | None = None
    sheet: str | None = None

    def target_for(self, header: str) -> str | None:
        """The target text for a header (case and spacing ignored), or None if not named."""
        wanted = normalise_header(header)
        return next((t for h, t in self.columns.items() if normalise_header(h) == wanted), None)

    def to_dict(self) -> dict[str, Any]:
        """A plain dict: ``{"header_row": 4, "sheet": "...", "columns": {header: target}}``."""
        data: dict[str, Any] = {}
        if self.header_row is not None:
            data["header_row"] = self.header_row
        if self.sheet is not None:
            data["sheet"] = self.sheet
        data["columns"] = dict(self.columns)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], codes: Sequence[str], *, source: str = "mapping") -> "ColumnMapping":
        """The mapping ``to_dict`` wrote; raises TrackerError naming the bad key otherwise."""
        unknown = set(data) - {"header_row", "sheet", "columns"}
        if unknown:
            raise TrackerError(f"unknown key {sorted(unknown)[0]!r}", filename=source)
        columns = data.get("columns", {})
        if not isinstance(columns, Mapping):
            raise TrackerError("'columns' must be a table of header = target", filename=source)
        for header, target in columns.items():
            try:
                parse_target(target, codes)
            except TrackerError as error:
                raise TrackerError(error.detail, filename=source, where=f"column {header!r}") from None
        header_row = data.get("header_row")
        if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
            raise TrackerError("'header_row' must be a row number (1 or more)", filename=source)
        return cls({str(h): str(t) for h, t in columns.items()}, header_row, data.get("sheet"))

    def to_toml(self) -> str:
        """The mapping as a TOML document that ``from_toml`` reads back."""
        lines = ["# Tracker column mapping: header = target (see docs/tracker-import.md)"]
        if self.header_row is not None:
            lines.append(f"header_row = {self.header_row}")
        if self.sheet is not None:
            lines.append(f"sheet = {_toml_string(self.sheet)}")
        lines += ["", "[columns]"]
        lines += [f"{_toml_string(h)} = {_toml_string(t)}" for h, t in self.columns.items()]
        return "\n".join(lines) + "\n"

    @classmethod
    def from_toml(cls, text: str, codes: Sequence[str], *, source: str = "mapping") -> "ColumnMapping":
        """The mapping in a TOML document; raises TrackerError naming the file for bad TOML."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise TrackerError(f"is not valid TOML ({error})", filename=source) from None
        return cls.from_dict(data, codes, source=source)


def _toml_string(text: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes.
    return json.dumps(text, ensure_ascii=False)


def propose_mapping(tracker: ParsedTracker, catalogue: Catalogue,
                    preset: ColumnMapping | None = None) -> ColumnMapping:
    """A mapping for every column the preset or the usual wordings recognise.

    The preset wins where it names a column; unrecognised columns are left out (the plan then
    asks about them, proposing ``ignore``). A bare "Professional registration" header becomes the
    member's registration or the check's date depending on what its cells hold.
    """
    columns: dict[str, str] = {}
    for column in tracker.columns:
        target = preset.target_for(column.key) if preset else None
        if target is None:
            target = guess_target(column.header, catalogue)
            if target == "ignore" and dated_cell(tracker, column.index) is not None:
                target = None  # a "status" column holding dates: a person says what it is
        if target == REGISTRATION_EITHER:
            target = _registration_by_content(tracker, column.index)
        if target is not None:
            columns[column.key] = target
    return ColumnMapping(columns, tracker.header_row, tracker.sheet)


# Words that, alone in a cell, record that something was done: a column of them holds check values.
_DONE_WORDS = frozenset({"yes", "y", "done", "received", "complete", "completed", "seen", "checked", "verified",
                         "signed", "satisfactory", "clear", "ok", "true", "\u2713", "\u2714", "x", "tick"})


@dataclass(frozen=True)
class ColumnAdvice:
    """What is known of a column no mapping names: a suggested target (and why), and the first of its
    cells that looks like a date or a check value. Either makes the column's question block the import."""

    suggestion: str | None = None
    reason: str | None = None
    sample: Cell | None = None

    @property
    def blocks(self) -> bool:
        return self.suggestion is not None or self.sample is not None


def advise(tracker: ParsedTracker, index: int, header: str, catalogue: Catalogue) -> ColumnAdvice:
    """The advice for the column at ``index`` (see ColumnAdvice)."""
    suggested = suggest_target(header, catalogue)
    suggestion, reason = suggested if suggested else (None, None)
    return ColumnAdvice(suggestion, reason, check_like_cell(tracker, index))


def dated_cell(tracker: ParsedTracker, index: int) -> Cell | None:
    """The column's first cell holding a date, or None."""
    return next((row.cells[index] for row in tracker.rows if index in row.cells
                 and read_check_cell(row.cells[index].value).kind == "date"), None)


def check_like_cell(tracker: ParsedTracker, index: int) -> Cell | None:
    """The column's first cell reading as a check value: a date, N/A, "outstanding" and the like, or a
    word saying it was done ("Yes", "Received", a tick). None when no cell does."""
    for row in tracker.rows:
        cell = row.cells.get(index)
        if cell is None:
            continue
        reading = read_check_cell(cell.value)
        if reading.kind in ("date", "not_applicable") or (reading.kind == "no_record" and reading.note != "-"):
            return cell
        if clean_text(cell.value).casefold().rstrip(".!") in _DONE_WORDS:
            return cell
    return None


def _registration_by_content(tracker: ParsedTracker, index: int) -> str:
    readings = [read_check_cell(row.cells[index].value).kind
                for row in tracker.rows if index in row.cells]
    datelike = sum(kind in ("date", "not_applicable") for kind in readings)
    if readings and datelike * 2 > len(readings):
        return "check.professional_registration"
    return "member.professional_registration"
