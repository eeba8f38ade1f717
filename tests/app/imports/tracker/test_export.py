"""`fpp export tracker`: read back with openpyxl: values, real dates, statuses, no formulas."""
from __future__ import annotations

from datetime import date, datetime

from openpyxl import load_workbook


def test_export_reads_back_with_dates_statuses_and_no_formulas(runner, create_member, create_record, tmp_path):
    ned = create_member(member_id="A01", name="=HYPERLINK(\"http://x\")", role_title="+44 evil", start_on=date(2020, 1, 1))
    create_record(ned, "dbs", date(2024, 5, 1), reference="@SUM(1)")
    leaver = create_member(member_id="A02", name="-Left Early", role_title="Director\x0bof Finance", start_on=date(2020, 1, 1), end_on=date(2024, 3, 31))
    create_record(leaver, "identity", date(2019, 12, 1))
    output = tmp_path / "tracker.xlsx"
    result = runner("export", "tracker", "--as-of", "2025-05-14", "--output", output)
    assert result.exit_code == 0, result.output
    book = load_workbook(output)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "C2" and "Legend" in book.sheetnames
    first = {h: c for h, c in zip(headers, sheet[2])}
    assert first["Name"].value == "'=HYPERLINK(\"http://x\")" and first["Role title"].value == "'+44 evil"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    live = [c.coordinate for ws in book.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert live == [], "cells a spreadsheet would read as formulas"
    dbs = first["DBS check"]
    assert dbs.value == datetime(2024, 5, 1) and dbs.number_format == "dd/mm/yyyy" and dbs.is_date
    assert first["DBS check status"].value == "Valid" and first["DBS check status"].fill.fgColor.rgb.endswith("C6EFCE")
    assert first["Leaver reference"].value == "N/A" and first["Professional registration status"].value == "N/A"
    assert first["Identity and right to work status"].value == "Missing"
    second = {h: c for h, c in zip(headers, sheet[3])}
    assert second["Name"].value == "'-Left Early" and second["Role title"].value == "Directorof Finance" and second["Overall status"].value == "Action required"
    assert second["End date"].value == datetime(2024, 3, 31)


def test_export_needs_a_date(runner, tmp_path):
    result = runner("export", "tracker", "--as-of", "14/05/2025", "--output", tmp_path / "t.xlsx")
    assert result.exit_code == 2
