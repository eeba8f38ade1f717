"""LibreOffice opens the workbooks without complaint: it converts them to PDF.

Skipped with a message when soffice is not installed, except in CI (CI set), where it must run.
"""

from __future__ import annotations

import subprocess

import pytest

from exports.declaration import build_declaration_workbook
from exports.summary import build_summary_workbook
from tests.fixtures.browser import soffice


def convert_to_pdf(xlsx, tmp_path):
    # A private profile: a shared one is locked by any other soffice that is running.
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    subprocess.run([soffice(), profile, "--headless", "--convert-to", "pdf", "--outdir",
                    str(tmp_path), str(xlsx)], check=True, capture_output=True, timeout=240)
    pdf = tmp_path / (xlsx.stem + ".pdf")
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.libreoffice
def test_declaration_workbook_converts_to_pdf(create_data, tmp_path):
    xlsx = tmp_path / "declaration.xlsx"
    build_declaration_workbook(create_data(leavers=(), exceptions=()), xlsx)
    convert_to_pdf(xlsx, tmp_path)


@pytest.mark.libreoffice
def test_summary_workbook_converts_to_pdf(create_data, tmp_path):
    xlsx = tmp_path / "summary.xlsx"
    build_summary_workbook(create_data(), xlsx)
    convert_to_pdf(xlsx, tmp_path)
