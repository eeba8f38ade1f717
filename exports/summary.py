"""The anonymised board summary: counts and assurance statements, never a name or a Member ID.

Only the count fields of DeclarationData are read (and the number of leavers and appointments), so
no personal data can leak into the board paper, whatever the rows contain. Stale reasons are not
shown either: they may name people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from openpyxl import Workbook

from exports.data import DeclarationData
from exports.keyvalue import KeyValueSheet
from exports.safe import safe_text
from exports.xlsx import (
    OUTCOME_LABELS, STATUS_LABELS, label, print_first_columns, print_setup, set_properties,
)

SATISFIED = ("valid", "due_soon")  # FPPT.md section 6: for readiness both count as satisfied


@dataclass(frozen=True)
class SummarySection:
    """A heading, (label, value) rows and plain-sentence assurance statements. `codes`, when given,
    holds each row's status or outcome code (for the workbook's machine column), in the rows' order."""

    heading: str
    rows: tuple[tuple[str, int | str], ...] = ()
    statements: tuple[str, ...] = ()
    codes: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class BoardSummary:
    """Everything the board paper shows, ready for a template or a workbook."""

    title: str
    organisation: str
    year_label: str
    period_start: date
    period_end: date
    sections: tuple[SummarySection, ...]


def board_summary(data: DeclarationData) -> BoardSummary:
    """The anonymised summary of ``data``: declaration state, outcomes, statuses, checks, changes."""
    return BoardSummary(
        title=f"Fit and proper person test: board summary {data.year_label}",
        organisation=data.organisation_name, year_label=data.year_label,
        period_start=data.period_start, period_end=data.period_end,
        sections=(_declaration(data), _outcomes(data), _statuses(data), _checks(data),
                  _changes(data)),
    )


def _declaration(data: DeclarationData) -> SummarySection:
    d = data.declaration
    if d is None or not d.is_signed:
        text = f"The annual declaration for {data.year_label} has not been signed."
    elif d.is_stale:
        text = (f"The chair signed the annual declaration on {_day(d.signed_on)}, but records have "
                f"changed since ({len(d.stale_reasons)} change(s)); it needs to be signed again.")
    else:
        text = f"The chair signed the annual declaration on {_day(d.signed_on)}."
    return SummarySection("Annual declaration", statements=(text,))


def _day(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else "an unrecorded date"


def _outcomes(data: DeclarationData) -> SummarySection:
    rows = tuple((label(code, OUTCOME_LABELS), n) for code, n in data.outcome_counts.items())
    statements = [f"{data.members_in_year} board member(s) served during {data.year_label}."]
    unassessed = data.members_in_year - sum(data.outcome_counts.values())
    if unassessed > 0:
        statements.append(f"{unassessed} member(s) have no recorded outcome yet.")
    not_fit = data.outcome_counts.get("not_fit_and_proper", 0)
    if not_fit:
        statements.append(f"{not_fit} member(s) were found not fit and proper; action is recorded.")
    return SummarySection("Outcomes of the annual assessment", rows, tuple(statements),
                          tuple(data.outcome_counts))


def _statuses(data: DeclarationData) -> SummarySection:
    rows = tuple((label(code, STATUS_LABELS), n) for code, n in data.status_counts.items())
    concerns = data.status_counts.get("concern", 0)
    action = data.status_counts.get("action_required", 0)
    statements = [f"{concerns} member(s) with a concern and {action} needing action at year end."]
    return SummarySection("Status at year end", rows, tuple(statements), tuple(data.status_counts))


def _checks(data: DeclarationData) -> SummarySection:
    rows = []
    for code, check_label in data.check_columns:
        counts = data.check_status_counts.get(code, {})
        required = sum(n for status, n in counts.items() if status != "not_required")
        done = sum(counts.get(status, 0) for status in SATISFIED)
        rows.append((check_label, f"{done} of {required} satisfied" if required else "not required"))
    return SummarySection("Checks at year end (valid or due soon)", tuple(rows))


def _changes(data: DeclarationData) -> SummarySection:
    leavers, done = len(data.leavers), data.references_done
    rows = (("New appointments", len(data.new_appointments)), ("Leavers", leavers),
            ("Board Member References completed for leavers", done))
    statements = ()
    if leavers > done:
        statements = (f"{leavers - done} leaver reference(s) not yet completed.",)
    return SummarySection("Changes to the board", rows, statements)


def summary_lines(data: DeclarationData) -> list[str]:
    """The summary as plain text lines, e.g. for a printable page or an e-mail."""
    summary = board_summary(data)
    lines = [summary.title, summary.organisation,
             f"Period: {summary.period_start:%d/%m/%Y} to {summary.period_end:%d/%m/%Y}"]
    for section in summary.sections:
        lines += ["", section.heading]
        lines += [f"{label}: {value}" for label, value in section.rows]
        lines += list(section.statements)
    return lines


def build_summary_workbook(data: DeclarationData, output: str | BinaryIO) -> None:
    """Write the anonymised board summary as a one-sheet workbook ("Board summary") to ``output``.

    Promises: only counts and statements from ``board_summary``; no names or Member IDs; text
    through ``safe_text``; the period as real dates formatted dd/mm/yyyy; labels in column A, the
    status and outcome codes in column C (not printed); set up to print landscape, fitted to the
    page's width, with the organisation and "Page x of y" in the footer.
    """
    summary = board_summary(data)
    wb = Workbook(write_only=True)
    set_properties(wb, summary.title, data.organisation_name, data.created_at)
    sheet = KeyValueSheet(wb, "Board summary", width_key=48, width_value=80)
    sheet.ws.column_dimensions["C"].width = 30
    print_setup(sheet.ws, data.organisation_name)
    printed = print_first_columns(sheet.ws, 2)
    sheet.title(summary.title)
    sheet.pair("Organisation", summary.organisation)
    sheet.pair("Year", summary.year_label)
    sheet.pair("Period start", summary.period_start)
    sheet.pair("Period end", summary.period_end)
    for section in summary.sections:
        sheet.heading(section.heading)
        for index, (text, value) in enumerate(section.rows):
            code = section.codes[index] if index < len(section.codes) else None
            sheet.ws.append([safe_text(text), sheet._value_cell(value), safe_text(code)])
        for statement in section.statements:
            sheet.pair("Assurance", statement)
    printed()
    wb.save(output)
