"""The annual board-level declaration workbook (issue: declaration workbook and evidence pack).

Each sheet shows labels where a person reads ("Action required", "Issue found") and keeps the codes in
columns of their own after the printed ones, for machines. Every sheet is set up to print; the
Declaration sheet prints on one page, labels beside their values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import BinaryIO

from openpyxl import Workbook

from exports.data import (
    AuditRow, CheckColumn, CheckRecordRow, DeclarationData, ExceptionRow, LeaverRow, MemberRow,
)
from exports.keyvalue import KeyValueSheet, day
from exports.safe import safe_text
from exports.xlsx import (
    DBS_LEVEL_LABELS, EXCEPTION_KIND_LABELS, OUTCOME_LABELS, RECORD_OUTCOME_LABELS, STATUS_LABELS, Column, TableSheet,
    label, print_first_columns, print_setup, set_properties,
)

SHEET_NAMES = ("Declaration", "Board members", "Checks", "Leavers", "Exceptions", "Audit trail")

MEMBER_COLUMNS = (
    Column("Member ID", width=14), Column("Name", width=26), Column("Position", width=26),
    Column("Role title", width=28), Column("Executive", "bool", 11), Column("Voting", "bool", 9),
    Column("Interim", "bool", 9), Column("Start date", "date", 12), Column("End date", "date", 12),
    Column("Professional registration", width=22), Column("Status at year end", width=18),
    Column("Outcome", width=30), Column("Assessed by", width=22),
    Column("Sign-off date", "date", 13),
)
MEMBER_CODE_COLUMNS = (Column("Status code", width=18), Column("Outcome code", width=30))
CHECK_COLUMNS = (
    Column("Member ID", width=14), Column("Name", width=26),
    Column("Check", width=34), Column("Completed on", "date", 13), Column("Outcome", width=14),
    Column("Valid until", "date", 12), Column("Reference", width=18), Column("DBS level", width=16),
    Column("Recorded by", width=22), Column("Recorded at", "datetime", 17),
    Column("Evidence files", width=60),
)
CHECK_CODE_COLUMNS = (Column("Check code", width=24), Column("Outcome code", width=16),
                      Column("DBS level code", width=18))
LEAVER_COLUMNS = (
    Column("Member ID", width=14), Column("Name", width=26), Column("Date left", "date", 12),
    Column("Reference completed on", "date", 14), Column("Completed by", width=22),
    Column("Sent to", width=30), Column("Sent on", "date", 12), Column("Fit and proper (reference)", width=14),
    Column("Discontinued complaints or disciplinary matters", width=40),
)
EXCEPTION_COLUMNS = (
    Column("Member ID", width=14), Column("Name", width=26), Column("Check or item", width=32),
    Column("Date", "date", 12), Column("Kind", width=12), Column("Detail", width=70),
    Column("Decided by", width=22),
)
EXCEPTION_CODE_COLUMNS = (Column("Kind code", width=12),)
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
    Labels, not codes, in the printed columns; the codes in their own columns after them. Every
    sheet prints landscape, fitted to the page's width, its header row repeated, with a footer naming
    the organisation and "Page x of y"; the Declaration sheet on one page.
    """
    wb = Workbook(write_only=True)
    org = data.organisation_name
    set_properties(wb, f"Fit and proper person test: annual declaration {data.year_label}", org, data.created_at)
    _declaration_sheet(wb, data)
    members = member_columns(data.check_columns)
    _table(wb, "Board members", "BoardMembers", members + member_code_columns(data.check_columns),
           (member_values(m, data.check_columns) for m in data.members), "No board members", org, len(members))
    _table(wb, "Checks", "Checks", CHECK_COLUMNS + CHECK_CODE_COLUMNS, map(check_values, data.check_records),
           "No check records", org, len(CHECK_COLUMNS))
    _table(wb, "Leavers", "Leavers", LEAVER_COLUMNS, map(leaver_values, data.leavers),
           f"No board members left in {data.year_label}", org)
    _table(wb, "Exceptions", "Exceptions", EXCEPTION_COLUMNS + EXCEPTION_CODE_COLUMNS,
           map(exception_values, data.exceptions), "No concerns, issues, mitigations or decisions", org,
           len(EXCEPTION_COLUMNS))
    _table(wb, "Audit trail", "AuditTrail", AUDIT_COLUMNS, map(audit_values, data.audit),
           "No audit entries", org, intro=audit_intro(data))
    wb.save(output)


def _table(wb, title: str, table_name: str, columns, rows: Iterable[Sequence], empty: str, organisation: str,
           printed: int | None = None, intro: Sequence[str] = ()) -> None:
    sheet = TableSheet(wb, title, table_name, columns, organisation=organisation,
                       printed=printed or len(columns), intro=intro)
    sheet.extend(rows)
    sheet.close(empty)


def audit_intro(data: DeclarationData) -> tuple[str, ...]:
    """The line above the audit rows: the hash of the entry before the year's segment, when known, so
    that the segment can be checked offline from its first entry's previous hash."""
    anchor = getattr(data, "audit_anchor", None)
    if not anchor:
        return ()
    return (f"Anchor: the hash of the entry before these is {anchor}; the first row's previous hash must "
            f"equal it.",)


def member_columns(check_columns: Sequence[CheckColumn]) -> list[Column]:
    """The member columns, then per check (catalogue order) its year-end status and latest date."""
    columns = list(MEMBER_COLUMNS)
    for code, check_label in check_columns:
        columns.append(Column(f"{check_label}: status", width=16))
        columns.append(Column(f"{check_label}: completed on", "date", 14))
    return columns


def member_code_columns(check_columns: Sequence[CheckColumn]) -> list[Column]:
    """The codes, for machines, after the printed columns: status, outcome, then each check's status."""
    return list(MEMBER_CODE_COLUMNS) + [Column(f"{code}: status code", width=16) for code, _ in check_columns]


def member_values(m: MemberRow, check_columns: Sequence[CheckColumn]) -> list:
    values = [m.member_id, m.name, m.position, m.role_title, m.is_executive, m.is_voting,
              m.is_interim, m.start_on, m.end_on, m.professional_registration, label(m.status, STATUS_LABELS),
              label(m.outcome, OUTCOME_LABELS), m.assessed_by, m.signed_off_on]
    checks = [m.checks.get(code) for code, _label in check_columns]
    for check in checks:
        values.append(label(check.status, STATUS_LABELS) if check else None)
        values.append(check.completed_on if check else None)
    values += [m.status, m.outcome]
    values += [check.status if check else None for check in checks]
    return values


def check_values(r: CheckRecordRow) -> list:
    evidence = "; ".join(f"{e.name} (sha256 {e.sha256})" for e in r.evidence) or None
    return [r.member_id, r.member_name, r.check_label, r.completed_on, label(r.outcome, RECORD_OUTCOME_LABELS),
            r.expires_on, r.reference, label(r.dbs_level, DBS_LEVEL_LABELS), r.recorded_by, r.recorded_at,
            evidence, r.check_code, r.outcome, r.dbs_level]


def leaver_values(r: LeaverRow) -> list:
    return [r.member_id, r.member_name, r.left_on, r.reference_completed_on,
            r.reference_completed_by, r.reference_sent_to, r.reference_sent_on,
            None if r.reference_is_fit_and_proper is None else ("Yes" if r.reference_is_fit_and_proper else "No"),
            r.reference_discontinued_matters]


def exception_values(r: ExceptionRow) -> list:
    return [r.member_id, r.member_name, r.item, r.on, label(r.kind, EXCEPTION_KIND_LABELS), r.detail,
            r.decided_by, r.kind]


def audit_values(r: AuditRow) -> list:
    return [r.id, r.at, r.actor, r.action, r.entity, r.entity_id, r.before, r.after,
            r.prev_hash, r.hash]


def _declaration_sheet(wb: Workbook, data: DeclarationData) -> None:
    """Labels in A beside their values in B, on one printed page; the codes of counted statuses and
    outcomes in C (not printed)."""
    sheet = KeyValueSheet(wb, "Declaration", width_key=40, width_value=80)
    sheet.ws.column_dimensions["C"].width = 30
    print_setup(sheet.ws, data.organisation_name, one_page=True)
    printed = print_first_columns(sheet.ws, 2)
    sheet.title("Fit and proper person test: annual declaration")
    sheet.pair("Organisation", data.organisation_name)
    sheet.pair("Year", data.year_label)
    sheet.pair("Period start", data.period_start)
    sheet.pair("Period end", data.period_end)
    _signature_rows(sheet, data)
    sheet.heading("Board members")
    sheet.pair("Members who served in the year", data.members_in_year)
    _count_rows(sheet, "Outcomes", data.outcome_counts, OUTCOME_LABELS)
    _count_rows(sheet, "Status at year end", data.status_counts, STATUS_LABELS)
    _appointment_rows(sheet, data)
    _leaver_rows(sheet, data)
    printed()


SIGNATURE_STATES = {"unsigned": "Not signed", "stale": "Signed, but stale: records changed after signing",
                    "signed": "Signed"}


def signature_code(data: DeclarationData) -> str:
    """Where the declaration stands, as a code: unsigned, signed or stale."""
    d = data.declaration
    if d is None or not d.is_signed:
        return "unsigned"
    return "stale" if d.is_stale else "signed"


def signature_state(data: DeclarationData) -> str:
    """One sentence on where the declaration stands: unsigned, signed, or signed but stale."""
    return SIGNATURE_STATES[signature_code(data)]


def _signature_rows(sheet: KeyValueSheet, data: DeclarationData) -> None:
    d = data.declaration
    sheet.heading("Declaration")
    _coded(sheet, "Status", signature_state(data), signature_code(data))
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


def _count_rows(sheet: KeyValueSheet, heading: str, counts, labels: dict[str, str]) -> None:
    sheet.heading(heading)
    if not counts:
        sheet.pair("None recorded", 0)
    for code, count in counts.items():
        _coded(sheet, label(code, labels), count, code)


def _coded(sheet: KeyValueSheet, text: str, value, code: str) -> None:
    """A label/value pair with its code in column C, for machines (column C is not printed)."""
    sheet.ws.append([safe_text(text), sheet._value_cell(value), safe_text(code)])


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
