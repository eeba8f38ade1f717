"""The declaration workbook, read back with openpyxl: sheets, headers, values, types, layout."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from exports.declaration import SHEET_NAMES, build_declaration_workbook

DATA_SHEETS = {"Board members": "BoardMembers", "Checks": "Checks", "Leavers": "Leavers",
               "Exceptions": "Exceptions", "Audit trail": "AuditTrail"}


def build(data):
    buffer = io.BytesIO()
    build_declaration_workbook(data, buffer)
    buffer.seek(0)
    return load_workbook(buffer)


def header(ws):
    return [c.value for c in ws[1]]


def declaration_pairs(ws):
    return {row[0].value: row[1].value for row in ws.iter_rows(min_col=1, max_col=2)
            if row[0].value is not None}


def test_sheets_are_exactly_these_in_this_order(create_data):
    wb = build(create_data())
    assert wb.sheetnames == list(SHEET_NAMES) == [
        "Declaration", "Board members", "Checks", "Leavers", "Exceptions", "Audit trail"]


@pytest.mark.parametrize("sheet, table", DATA_SHEETS.items())
def test_data_sheets_have_frozen_header_table_and_filter(create_data, sheet, table):
    ws = build(create_data())[sheet]
    assert ws.freeze_panes == "A2"
    assert list(ws.tables) == [table]
    t = ws.tables[table]
    assert t.ref.startswith("A1:") and t.autoFilter.ref == t.ref
    assert [c.name for c in t.tableColumns] == header(ws)
    assert ws.column_dimensions["A"].width > 8


def test_board_members_headers_values_and_types(create_data):
    ws = build(create_data())["Board members"]
    assert header(ws)[:14] == [
        "Member ID", "Name", "Position", "Role title", "Executive", "Voting", "Interim",
        "Start date", "End date", "Professional registration", "Status at year end", "Outcome",
        "Assessed by", "Sign-off date"]
    assert header(ws)[14:] == [
        "Identity and right to work: status", "Identity and right to work: completed on",
        "DBS check: status", "DBS check: completed on",
        "Insolvency register search: status", "Insolvency register search: completed on",
        "Status code", "Outcome code", "identity: status code", "dbs: status code", "insolvency: status code"]
    alice = [c for c in ws[2]]
    assert [c.value for c in alice[:7]] == ["A01", "Alice Able", "Chair", "Chair", "No", "Yes", "No"]
    assert alice[7].value == datetime(2020, 1, 6) and alice[7].number_format == "dd/mm/yyyy"
    assert alice[7].is_date
    assert alice[8].value is None
    assert alice[13].value == datetime(2026, 4, 30) and alice[13].number_format == "dd/mm/yyyy"
    assert [c.value for c in alice[16:18]] == ["Valid", datetime(2024, 5, 1)]
    assert [c.value for c in alice[20:]] == ["compliant", "fit_and_proper", "valid", "valid", "due_soon"]
    bob = [c.value for c in ws[3]]
    assert bob[8] == datetime(2026, 1, 31) and bob[18] == "Missing" and bob[19] is None
    assert bob[20] == "action_required" and bob[10] == "Action required"


def test_checks_sheet_values_types_and_no_other_dbs_detail(create_data):
    ws = build(create_data())["Checks"]
    assert header(ws) == ["Member ID", "Name", "Check", "Completed on", "Outcome",
                          "Valid until", "Reference", "DBS level", "Recorded by", "Recorded at",
                          "Evidence files", "Check code", "Outcome code", "DBS level code"]
    row = ws[2]
    assert row[3].value == datetime(2024, 5, 1) and row[3].number_format == "dd/mm/yyyy"
    assert row[6].value == "001234567890" and row[6].data_type == "s"  # leading zeros kept
    assert row[7].value == "Enhanced with barred lists" and row[13].value == "enhanced_barred"
    assert row[4].value == "Clear" and row[12].value == "clear" and row[11].value == "dbs"
    assert row[9].value == datetime(2024, 5, 2, 9, 30)
    assert row[9].number_format == "dd/mm/yyyy hh:mm"
    assert row[10].value == f"letter.pdf (sha256 {'11' * 32})"
    assert ws.max_row == 3


def test_leavers_exceptions_and_audit_rows(create_data):
    wb = build(create_data())
    leaver = [c.value for c in wb["Leavers"][2]]
    assert leaver == ["A02", "Bob Brown", datetime(2026, 1, 31), datetime(2026, 2, 10),
                      "Sue Secretary", "hr@other.nhs.uk", datetime(2026, 2, 12), "Yes", "None discontinued"]
    concern = [c.value for c in wb["Exceptions"][2]]
    assert concern[4] == "Concern" and concern[7] == "concern" and concern[3] == datetime(2025, 5, 2)
    audit = wb["Audit trail"][3]
    assert audit[0].value == 2 and audit[0].data_type == "n"
    assert audit[6].value == '{"outcome": "issue"}' and audit[8].value == "01" * 32


def test_empty_leavers_sheet_is_a_valid_table_with_a_nothing_to_list_row(create_data):
    ws = build(create_data(leavers=(), exceptions=iter(()), audit=[]))["Leavers"]
    assert header(ws)[0] == "Member ID"
    assert ws["A2"].value == "No board members left in 2025/26"
    assert ws.tables["Leavers"].ref == "A1:I2"


def test_signed_declaration_sheet(create_data, declarations):
    pairs = declaration_pairs(build(create_data(declaration=declarations["signed"]))["Declaration"])
    assert pairs["Organisation"] == "Example NHS Foundation Trust"
    assert pairs["Year"] == "2025/26"
    assert pairs["Period start"] == datetime(2025, 4, 1) and pairs["Period end"] == datetime(2026, 3, 31)
    assert pairs["Status"] == "Signed"
    assert pairs["Chair"] == "Carol Chair"
    assert pairs["Statement"].startswith("I declare that")
    assert pairs["Signed on"] == datetime(2026, 5, 20)
    assert pairs["SHA-256 of what was declared"] == "ab" * 32
    assert pairs["Stale"] == "No"
    assert pairs["Fit and proper"] == 1 and pairs["Action required"] == 1
    assert pairs["Board Member References completed"] == 1
    assert pairs["Bob Brown (A02), left 31/01/2026"] == "reference completed 10/02/2026"
    assert pairs["Bob Brown (A02), Executive director"] == datetime(2025, 6, 1)


def test_signed_on_cell_is_a_formatted_date(create_data):
    ws = build(create_data())["Declaration"]
    cell = next(r[1] for r in ws.iter_rows(max_col=2) if r[0].value == "Signed on")
    assert cell.is_date and cell.number_format == "dd/mm/yyyy"


def test_stale_declaration_says_so_and_why(create_data, declarations):
    pairs = declaration_pairs(build(create_data(declaration=declarations["stale"]))["Declaration"])
    assert pairs["Status"] == "Signed, but stale: records changed after signing"
    assert pairs["Stale"] == "Yes"
    assert pairs["Why stale (1)"] == "A DBS record for A02 was back-dated on 01/06/2026."


@pytest.mark.parametrize("state", ["unsigned", None])
def test_unsigned_year(create_data, declarations, state):
    declaration = declarations.get(state)
    pairs = declaration_pairs(build(create_data(declaration=declaration))["Declaration"])
    assert pairs["Status"] == "Not signed"
    assert pairs.get("Signed on") is None


def test_document_properties(create_data):
    wb = build(create_data())
    assert wb.properties.title == "Fit and proper person test: annual declaration 2025/26"
    assert wb.properties.creator == "Example NHS Foundation Trust"
    assert wb.properties.created == datetime(2026, 5, 21, 8, 0)


def test_rows_are_streamed_from_generators_once(create_data):
    consumed = []

    def records():
        for n in range(3):
            consumed.append(n)
            yield from []

    build(create_data(check_records=records()))
    assert consumed == [0, 1, 2]


def test_writes_to_a_path(create_data, tmp_path):
    target = tmp_path / "declaration.xlsx"
    build_declaration_workbook(create_data(), str(target))
    assert load_workbook(target).sheetnames[0] == "Declaration"


def test_period_end_before_start_is_refused(create_data):
    with pytest.raises(ValueError, match="period_end"):
        create_data(period_end=date(2025, 3, 31))
