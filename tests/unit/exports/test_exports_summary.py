"""The anonymised board summary: counts and statements, never a name or a Member ID."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from exports.summary import board_summary, build_summary_workbook, summary_lines

PERSONAL = ("Alice", "Bob", "Carol", "Sue", "A01", "A02", "carol@", "hr@other")


def test_summary_lines_hold_counts_and_statements(create_data):
    lines = summary_lines(create_data())
    assert lines[0] == "Fit and proper person test: board summary 2025/26"
    assert "The chair signed the annual declaration on 20/05/2026." in lines
    assert "Fit and proper: 1" in lines and "Action required: 1" in lines
    assert "DBS check: 1 of 2 satisfied" in lines
    assert "Insolvency register search: 1 of 2 satisfied" in lines
    assert "Leavers: 1" in lines and "Board Member References completed for leavers: 1" in lines


def test_summary_names_nobody(create_data, declarations):
    for state in ("signed", "stale", "unsigned"):
        text = "\n".join(summary_lines(create_data(declaration=declarations[state])))
        assert not [p for p in PERSONAL if p in text], text


def test_stale_and_unsigned_statements(create_data, declarations):
    stale = board_summary(create_data(declaration=declarations["stale"])).sections[0].statements[0]
    assert "needs to be signed again" in stale
    unsigned = summary_lines(create_data(declaration=None))
    assert "The annual declaration for 2025/26 has not been signed." in unsigned


def test_summary_workbook_is_one_anonymous_sheet(create_data):
    buffer = io.BytesIO()
    build_summary_workbook(create_data(), buffer)
    wb = load_workbook(buffer)
    assert wb.sheetnames == ["Board summary"]
    values = [c.value for row in wb.active.iter_rows() for c in row if c.value is not None]
    text = "\n".join(str(v) for v in values)
    assert not [p for p in PERSONAL if p in text]
    assert "The chair signed the annual declaration on 20/05/2026." in values
    period = next(r[1] for r in wb.active.iter_rows(max_col=2) if r[0].value == "Period start")
    assert period.is_date and period.number_format == "dd/mm/yyyy"
