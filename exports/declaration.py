"""The annual board-level declaration workbook (issue: declaration workbook and evidence pack)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import BinaryIO

from openpyxl import Workbook

from exports.data import (
    AuditRow, CheckColumn, CheckRecordRow, DeclarationData, ExceptionRow, LeaverRow, MemberRow,
)
from exports.keyvalue import KeyValueSheet, day, humanise
from exports.xlsx import Column, TableSheet, set_properties

SHEET_NAMES = ("Declaration", "Board members", "Checks", "Leavers", "Exceptions", "Audit trail")

MEMBER_COLUMNS = (
    Column("Member ID", width=14), Column("Name", width=26), Column("Position", width=26),
    Column("Role title", width=28), Column("Executive", "bool", 11), Column("Voting", "bool", 9),
    Column("Interim", "bool", 9), Column("Start date", "date", 12), Column("End date", "date", 12),
    Column("Professional registration", width=22), Column("Status at year end", width=18),
    Column("Outcome", width=30), Column("Assessed by", width=22),
    Column("Sign-off date", "date", 13),
)
CHECK_COLUMNS = (
    Column("Member ID", width=14), Column("Name", width=26), Column("Check code", width=24),
    Column("Check", width=34), Column("Completed on", "date", 13), Column("Outcome", width=14),
    Column("Expires on", "date", 12), Column("Reference", width=18), Column("DBS level", width=16),
    Column("Recorded by", width=22), Column("Recorded at", "datetime", 17),
    Column("Evidence files", width=60),
)
LEAVER_COLUMNS = (
    Column("Member ID", width=14), Column("Name", width=26), Column("Date left", "date", 12),
    Column("Reference completed on", "date", 14), Column("Completed by", width=22),
    Column("Sent to", width=30), Column("Sent on", "date", 12),
)
EXCEPTION_COLUMNS = (
    Column("Member ID", width=14), Column("Name", width=26), Column("Check or item", width=32),
    Column("Date", "date", 12), Column("Kind", width=12), Column("Detail", width=70),
    Column("Decided by", width=22),
)
AUDIT_COLUMNS = (
    Column("ID", "int", 9), Column("At", "datetime", 17), Column("Actor", width=22),
    Column("Action", width=18), Column("Entity", width=18), Column("Entity ID", width=12),
    Column("Before", width=50), Column("After", width=50), Column("Previous hash", width=66),
    Column("Hash", width=66),
)


def build_declaration_workbook(data: DeclarationData, output: str | BinaryIO) -> None:
    """Write the annual declaration workbook for ``data.year`` to ``output`` (a path or binary file).

    Promises: the six sheets of SHEET_NAMES in that order; the Declaration sheet as label/value
    pairs; every other sheet with a frozen header row, set column widths, an Excel table with its
    auto filter (a row saying so when there is nothing to list); dates as real dates formatted
    dd/mm/yyyy and datetimes as dd/mm/yyyy hh:mm; no text ever stored as a formula (all text goes
    through ``safe_text``). Row iterables are read once and streamed, so memory stays flat.
    """
    wb = Workbook(write_only=True)
    set_properties(wb, f"Fit and proper person test: annual declaration {data.year_label}",
                   data.organisation_name, data.created_at)
    _declaration_sheet(wb, data)
    _table(wb, "Board members", "BoardMembers", member_columns(data.check_columns),
           (member_values(m, data.check_columns) for m in data.members), "No board members")
    _table(wb, "Checks", "Checks", CHECK_COLUMNS, map(check_values, data.check_records),
           "No check records")
    _table(wb, "Leavers", "Leavers", LEAVER_COLUMNS, map(leaver_values, data.leavers),
           f"No board members left in {data.year_label}")
    _table(wb, "Exceptions", "Exceptions", EXCEPTION_COLUMNS,
           map(exception_values, data.exceptions), "No concerns, issues, mitigations or decisions")
    _table(wb, "Audit trail", "AuditTrail", AUDIT_COLUMNS, map(audit_values, data.audit),
           "No audit entries")
    wb.save(output)


def _table(wb, title: str, table_name: str, columns, rows: Iterable[Sequence], empty: str) -> None:
    sheet = TableSheet(wb, title, table_name, columns)
    sheet.extend(rows)
    sheet.close(empty)


def member_columns(check_columns: Sequence[CheckColumn]) -> list[Column]:
    """The member columns, then per check (catalogue order) its year-end status and latest date."""
    columns = list(MEMBER_COLUMNS)
    for code, label in check_columns:
        columns.append(Column(f"{label}: status", width=16))
        columns.append(Column(f"{label}: completed on", "date", 14))
    return columns


def member_values(m: MemberRow, check_columns: Sequence[CheckColumn]) -> list:
    values = [m.member_id, m.name, m.position, m.role_title, m.is_executive, m.is_voting,
              m.is_interim, m.start_on, m.end_on, m.professional_registration, m.status,
              m.outcome, m.assessed_by, m.signed_off_on]
    for code, _label in check_columns:
        check = m.checks.get(code)
        values.append(check.status if check else None)
        values.append(check.completed_on if check else None)
    return values


def check_values(r: CheckRecordRow) -> list:
    evidence = "; ".join(f"{e.name} (sha256 {e.sha256})" for e in r.evidence) or None
    return [r.member_id, r.member_name, r.check_code, r.check_label, r.completed_on, r.outcome,
            r.expires_on, r.reference, r.dbs_level, r.recorded_by, r.recorded_at, evidence]


def leaver_values(r: LeaverRow) -> list:
    return [r.member_id, r.member_name, r.left_on, r.reference_completed_on,
            r.reference_completed_by, r.reference_sent_to, r.reference_sent_on]


def exception_values(r: ExceptionRow) -> list:
    return [r.member_id, r.member_name, r.item, r.on, r.kind, r.detail, r.decided_by]


def audit_values(r: AuditRow) -> list:
    return [r.id, r.at, r.actor, r.action, r.entity, r.entity_id, r.before, r.after,
            r.prev_hash, r.hash]


def _declaration_sheet(wb: Workbook, data: DeclarationData) -> None:
    sheet = KeyValueSheet(wb, "Declaration")
    sheet.title("Fit and proper person test: annual declaration")
    sheet.pair("Organisation", data.organisation_name)
    sheet.pair("Year", data.year_label)
    sheet.pair("Period start", data.period_start)
    sheet.pair("Period end", data.period_end)
    _signature_rows(sheet, data)
    sheet.heading("Board members")
    sheet.pair("Members who served in the year", data.members_in_year)
    _count_rows(sheet, "Outcomes", data.outcome_counts)
    _count_rows(sheet, "Status at year end", data.status_counts)
    _appointment_rows(sheet, data)
    _leaver_rows(sheet, data)


def signature_state(data: DeclarationData) -> str:
    """One sentence on where the declaration stands: unsigned, signed, or signed but stale."""
    d = data.declaration
    if d is None or not d.is_signed:
        return "Not signed"
    if d.is_stale:
        return "Signed, but stale: records changed after signing"
    return "Signed"


def _signature_rows(sheet: KeyValueSheet, data: DeclarationData) -> None:
    d = data.declaration
    sheet.heading("Declaration")
    sheet.pair("Status", signature_state(data))
    if d is None:
        return
    sheet.pair("Chair", d.chair_name)
    sheet.pair("Statement", d.statement)
    sheet.pair("Signed on", d.signed_on)
    sheet.pair("Signature recorded at (UTC)", d.signed_at)
    sheet.pair("Signed by", d.signed_by)
    sheet.pair("SHA-256 of what was declared", d.sha256)
    sheet.pair("Stale", d.is_stale)
    for n, reason in enumerate(d.stale_reasons, 1):
        sheet.pair(f"Why stale ({n})", reason)


def _count_rows(sheet: KeyValueSheet, heading: str, counts) -> None:
    sheet.heading(heading)
    if not counts:
        sheet.pair("None recorded", 0)
    for code, count in counts.items():
        sheet.pair(humanise(code), count)


def _appointment_rows(sheet: KeyValueSheet, data: DeclarationData) -> None:
    sheet.heading("New appointments")
    sheet.pair("Number", len(data.new_appointments))
    for a in data.new_appointments:
        sheet.pair(f"{a.name} ({a.member_id}), {a.position}", a.start_on)


def _leaver_rows(sheet: KeyValueSheet, data: DeclarationData) -> None:
    sheet.heading("Leavers")
    sheet.pair("Number", len(data.leavers))
    sheet.pair("Board Member References completed", data.references_done)
    for r in data.leavers:
        done = (f"reference completed {day(r.reference_completed_on)}"
                if r.reference_completed_on else "reference not completed")
        sheet.pair(f"{r.member_name} ({r.member_id}), left {day(r.left_on)}", done)
