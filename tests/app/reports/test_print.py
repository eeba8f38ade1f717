"""Papers an auditor can print: labels not codes, codes in their own columns, print set-up on every sheet,
and the Declaration sheet on one page when LibreOffice prints it."""
from __future__ import annotations

import io
import subprocess

import pytest
from openpyxl import load_workbook

from checks.annual import ASSESSMENT_OUTCOME_LABELS
from checks.records import DBS_LEVEL_LABELS, RECORD_OUTCOME_LABELS
from exports import xlsx
from exports.declaration import build_declaration_workbook
from exports.summary import build_summary_workbook
from fpp.reports.queries import declaration_data
from fpp.templating import STATUS_LABELS
from fpp.timeutil import freeze
from tests.app.reports.conftest import AFTER_YEAR, YEAR
from tests.fixtures.browser import soffice


def test_the_workbooks_words_are_the_registers_words():
    assert xlsx.STATUS_LABELS == STATUS_LABELS
    assert {k: v for k, v in xlsx.OUTCOME_LABELS.items() if k != "no_outcome_recorded"} == ASSESSMENT_OUTCOME_LABELS
    assert xlsx.RECORD_OUTCOME_LABELS == RECORD_OUTCOME_LABELS
    assert xlsx.DBS_LEVEL_LABELS == DBS_LEVEL_LABELS


def _declaration(data=None) -> bytes:
    buffer = io.BytesIO()
    build_declaration_workbook(data or declaration_data(YEAR), buffer)
    return buffer.getvalue()


def _summary() -> bytes:
    buffer = io.BytesIO()
    build_summary_workbook(declaration_data(YEAR), buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("build", [_declaration, _summary])
def test_every_sheet_prints_landscape_fitted_to_width_with_the_organisation_and_page_numbers(app, signed_year,
                                                                                              build):
    with freeze(AFTER_YEAR):
        book = load_workbook(io.BytesIO(build()))
    for ws in book:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.oddFooter.left.text == "Test NHS Trust" and ws.oddFooter.right.text == "Page &P of &N", ws.title
        assert ws.print_area, ws.title
        if ws.title not in ("Declaration", "Board summary"):
            header = 2 if str(ws["A1"].value).startswith("Anchor") else 1  # the audit anchor's line above
            assert ws.print_title_rows == f"${header}:${header}", ws.title  # the header row on every page


def test_the_printed_columns_hold_labels_and_the_codes_follow_unprinted(app, signed_year):
    with freeze(AFTER_YEAR):
        book = load_workbook(io.BytesIO(_declaration()))
    members = book["Board members"]
    header = [c.value for c in members[1]]
    printed = header.index("Status code")
    assert members.print_area == f"'Board members'!$A$1:${_column(printed)}$5"
    values = [c.value for row in members.iter_rows(min_row=2, max_col=printed) for c in row]
    for code in ("action_required", "fit_and_proper", "fit_and_proper_with_mitigations", "due_soon", "not_required"):
        assert code not in values
    declaration = book["Declaration"]
    rows = {r[0]: r[1:] for r in declaration.iter_rows(values_only=True) if r[0]}
    assert rows["Fit and proper with mitigations"] == (1, "fit_and_proper_with_mitigations")
    assert rows["Status"] == ("Signed", "signed")
    assert declaration.print_area.startswith("'Declaration'!$A$1:$B$")
    assert declaration.page_setup.fitToHeight == 1  # one page


def _column(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index)


def test_the_audit_anchor_is_a_line_above_the_audit_rows_when_known(app, signed_year):
    import dataclasses
    with freeze(AFTER_YEAR):
        data = declaration_data(YEAR)
    data = dataclasses.replace(data, audit_anchor="ab" * 32)
    audit = load_workbook(io.BytesIO(_declaration(data)))["Audit trail"]
    assert "ab" * 32 in audit["A1"].value and audit["A2"].value == "ID"
    assert audit.print_title_rows == "$2:$2" and audit.tables["AuditTrail"].ref.startswith("A2:")


def test_a_footer_keeps_an_ampersand_in_the_organisation_name():
    assert xlsx._footer_text("Smith & Jones\x07 NHS Trust") == "Smith && Jones NHS Trust"


# ---- LibreOffice prints the Declaration sheet on one page -----------------------------------------

def to_pdf(xlsx_path, tmp_path):
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"  # a private, unlocked profile
    subprocess.run([soffice(), profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(xlsx_path)], check=True, capture_output=True, timeout=240)
    return tmp_path / (xlsx_path.stem + ".pdf")


@pytest.mark.libreoffice
def test_libreoffice_prints_the_declaration_sheet_on_one_page_labels_beside_values(app, signed_year, tmp_path,
                                                                                     create_member):
    from datetime import date
    from pypdf import PdfReader
    with freeze(AFTER_YEAR):
        for n in range(12):  # a board with a dozen new appointments still fits the page
            create_member(member_id=f"A{n:02d}", name=f"Appointed Member {n}", position="ned",
                          start_on=date(2025, 6, 1))
        content = _declaration()
    book = load_workbook(io.BytesIO(content))
    for title in book.sheetnames[1:]:
        del book[title]  # print the Declaration sheet alone
    path = tmp_path / "declaration-sheet.xlsx"
    book.save(path)
    reader = PdfReader(to_pdf(path, tmp_path))
    assert len(reader.pages) == 1
    lines = reader.pages[0].extract_text().splitlines()
    assert any("Signed by" in line and "Clara Chair" in line for line in lines)  # label and value on one line
    assert any("Organisation" in line and "Test NHS Trust" in line for line in lines)
    assert not any("fit_and_proper" in line for line in lines)  # the codes' column is not printed
    assert any("Page 1 of 1" in line for line in lines)
