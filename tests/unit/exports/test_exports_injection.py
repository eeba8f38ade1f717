"""No user text ever becomes a formula, in any field of any sheet, and the text stays recognisable."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest
from openpyxl import load_workbook

from exports.data import CheckColumn, DeclarationData
from exports.declaration import build_declaration_workbook
from exports.safe import safe_text
from exports.summary import build_summary_workbook

PAYLOADS = [
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "+SUM(A1)",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "=cmd|' /C calc'!A0",
    "=2+5+cmd|' /C calc'!A0",
    "#N/A",
    "=1\x00+\x07=2",
]


def poison(value, payload):
    """Every text field, at any depth, replaced by ``payload`` (check codes kept, so lookups work)."""
    if isinstance(value, CheckColumn):
        return CheckColumn(value.code, payload)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: poison(getattr(value, f.name), payload) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    if isinstance(value, str):
        return payload
    if isinstance(value, dict):
        return {key: poison(v, payload) for key, v in value.items()}
    if isinstance(value, (tuple, list)) or hasattr(value, "__next__"):
        return [poison(v, payload) for v in value]
    return value


def poisoned_data(create_data, payload) -> DeclarationData:
    data = create_data()
    data = dataclasses.replace(data, members=list(data.members), check_records=list(data.check_records),
                               exceptions=list(data.exceptions), audit=list(data.audit))
    # Counts are keyed by status and outcome codes, not user text; keep them.
    counts = {"outcome_counts": data.outcome_counts, "status_counts": data.status_counts,
              "check_status_counts": data.check_status_counts}
    return dataclasses.replace(poison(data, payload), year=2025, **counts)


def expected(payload: str) -> str:
    """What a cell holding only the payload must show: minus illegal XML characters, quoted as text.

    XML turns a carriage return into a line feed on reading, hence the replace.
    """
    return safe_text(payload).replace("\r", "\n")


def recognisable(payload: str) -> str:
    """The payload as it must appear inside any cell, alone or within a longer text."""
    return expected(payload).removeprefix("'")


def cells(xlsx: bytes):
    wb = load_workbook(io.BytesIO(xlsx))
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield ws.title, cell


def assert_no_formula_element(xlsx: bytes):
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = zf.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, name


@pytest.mark.parametrize("payload", PAYLOADS)
def test_declaration_workbook_never_stores_a_formula(create_data, payload):
    buffer = io.BytesIO()
    build_declaration_workbook(poisoned_data(create_data, payload), buffer)
    xlsx = buffer.getvalue()
    assert_no_formula_element(xlsx)
    text_cells = 0
    for sheet, cell in cells(xlsx):
        assert cell.data_type not in ("f", "e"), (sheet, cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), (sheet, cell.coordinate)
            text_cells += recognisable(payload) in cell.value.replace("\r", "\n")
    assert text_cells >= 60  # every text field of every sheet carried the payload through


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_text_column_of_every_data_sheet_keeps_the_payload(create_data, payload):
    buffer = io.BytesIO()
    build_declaration_workbook(poisoned_data(create_data, payload), buffer)
    wb = load_workbook(buffer)
    for ws in wb.worksheets[1:]:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.value not in ("Yes", "No"):
                    assert recognisable(payload) in cell.value.replace("\r", "\n"), (ws.title, cell.coordinate)
    declaration = {r[0].value: r[1].value for r in wb["Declaration"].iter_rows(max_col=2)}
    for label in ("Organisation", "Chair", "Statement", "Signed by", "SHA-256 of what was declared",
                  "Why stale (1)"):
        assert declaration.get(label, expected(payload)).replace("\r", "\n") == expected(payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_summary_workbook_never_stores_a_formula(create_data, payload):
    buffer = io.BytesIO()
    build_summary_workbook(poisoned_data(create_data, payload), buffer)
    assert_no_formula_element(buffer.getvalue())
    for _sheet, cell in cells(buffer.getvalue()):
        assert cell.data_type not in ("f", "e")


def test_text_passed_where_a_date_or_number_belongs_still_goes_through_safe_text(create_data):
    from exports.data import AuditRow, LeaverRow
    leaver = LeaverRow("A09", "Zed", "=1+1")  # a string where a date belongs
    row = AuditRow("=2+2", "=3+3", None, "x", "y", None, None, None, None, "h")
    buffer = io.BytesIO()
    build_declaration_workbook(create_data(leavers=(leaver,), audit=[row]), buffer)
    assert_no_formula_element(buffer.getvalue())
    wb = load_workbook(buffer)
    assert wb["Leavers"]["C2"].value == "'=1+1"
    assert [wb["Audit trail"]["A2"].value, wb["Audit trail"]["B2"].value] == ["'=2+2", "'=3+3"]
