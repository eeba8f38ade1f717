"""The register as a tracker: one row per member, a date and a status column per check.

Plain data in, an .xlsx out; no Flask, no database. Dates are real dates shown dd/mm/yyyy; every
status is written as text and as a fill colour (a legend sheet explains them); the header row is
frozen; no text from a user ever becomes a formula.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from exports.safe import safe_text

DATE_FORMAT = "dd/mm/yyyy"
STATUS_STYLES: dict[str, tuple[str, str, str]] = {
    "valid": ("Valid", "C6EFCE", "Done, and not due for renewal within the warning window"),
    "due_soon": ("Due soon", "FFEB9C", "Done, but expires within the warning window"),
    "expired": ("Expired", "FFC7CE", "The latest record has expired"),
    "missing": ("Missing", "F8CBAD", "Required, and no record yet"),
    "concern": ("Concern", "FF7C80", "The latest record found an issue not yet accepted by a decision"),
    "not_required": ("N/A", "D9D9D9", "Not required for this member on this date"),
}
MEMBER_STATUS_LABELS = {"compliant": "Compliant", "due_soon": "Due soon", "action_required": "Action required",
                        "concern": "Concern", "left": "Left", "not_started": "Not started"}
MEMBER_HEADERS = ("Member ID", "Name", "Position", "Role title", "Email", "Exec / NED", "Voting", "Interim",
                  "Professional registration", "Start date", "End date", "Overall status")


@dataclass(frozen=True)
class CheckCell:
    """One check of one member: the latest completion date on or before the as-of date, its status, and its
    expiry in the words every page and mail use ("valid until ...", "expired since ...": the caller passes
    checks.wording.date_phrase, since exports import nothing of the rules)."""

    completed_on: date | None
    status: str
    expiry: str = ""


@dataclass(frozen=True)
class MemberLine:
    """One member's row."""

    member_id: str
    name: str
    position: str
    role_title: str | None
    email: str | None
    is_executive: bool
    is_voting: bool
    is_interim: bool
    professional_registration: str | None
    start_on: date
    end_on: date | None
    status: str
    checks: dict[str, CheckCell] = field(default_factory=dict)


@dataclass(frozen=True)
class TrackerExport:
    """Everything the tracker shows: the date, the checks (code, label) in order, one line per member."""

    as_of: date
    organisation: str
    checks: list[tuple[str, str]]
    members: list[MemberLine]


def write_tracker(data: TrackerExport, target: str | Path | IO[bytes]) -> None:
    """Write the tracker workbook to ``target`` (a path or a binary stream)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Tracker {data.as_of:%d-%m-%Y}"
    headers = [*MEMBER_HEADERS]
    for _, label in data.checks:
        headers += [label, f"{label} status", f"{label} expiry status"]
    for column, header in enumerate(headers, start=1):
        put(sheet.cell(1, column), header).font = Font(bold=True)
    for row, member in enumerate(data.members, start=2):
        _member_row(sheet, row, member, data.checks)
    sheet.freeze_panes = "C2"
    for column in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14 if column > 2 else 22
    _legend(workbook.create_sheet("Legend"), data)
    workbook.save(target)


def _member_row(sheet, row: int, member: MemberLine, checks: list[tuple[str, str]]) -> None:
    values: list[Any] = [member.member_id, member.name, member.position, member.role_title, member.email,
                         "Exec" if member.is_executive else "NED", _yes_no(member.is_voting),
                         _yes_no(member.is_interim), member.professional_registration, member.start_on,
                         member.end_on, MEMBER_STATUS_LABELS.get(member.status, member.status)]
    for column, value in enumerate(values, start=1):
        put(sheet.cell(row, column), value)
    column = len(values) + 1
    for code, _ in checks:
        cell = member.checks.get(code) or CheckCell(None, "missing")
        label, colour, _ = STATUS_STYLES.get(cell.status, (cell.status, "FFFFFF", ""))
        shown = cell.completed_on or ("N/A" if cell.status == "not_required" else None)
        put(sheet.cell(row, column), shown)
        status = put(sheet.cell(row, column + 1), label)
        status.fill = PatternFill("solid", start_color=colour, end_color=colour)
        put(sheet.cell(row, column + 2), cell.expiry or None)
        column += 3


def _legend(sheet, data: TrackerExport) -> None:
    put(sheet.cell(1, 1), f"{data.organisation}: fit and proper persons tracker").font = Font(bold=True)
    put(sheet.cell(2, 1), "Status as of")
    put(sheet.cell(2, 2), data.as_of)
    put(sheet.cell(3, 1), "Each check has the latest completion date on or before that day, its status, then "
                          "its expiry: \"valid until\" its last valid day, or \"expired since\" the day after.")
    for row, (label, colour, meaning) in enumerate(STATUS_STYLES.values(), start=5):
        put(sheet.cell(row, 1), label).fill = PatternFill("solid", start_color=colour, end_color=colour)
        put(sheet.cell(row, 2), meaning)
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 80


def put(cell, value: Any):
    """Set ``cell`` to ``value``: dates formatted dd/mm/yyyy, text always as text, never a formula."""
    if isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, str):
        cell.value = safe_text(value)  # exports/safe.py: quoted if it could be read as a formula
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"
