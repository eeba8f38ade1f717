"""The declaration on paper for the regional director (a print page and a PDF), and the Reports page saying
whether each year's declaration is unsigned, signed or stale."""
from __future__ import annotations

import io
import os

import pytest
from sqlalchemy import select

from fpp.audit.keys import fingerprint, load_signing_key
from fpp.audit.models import AuditEntry
from fpp.extensions import db, settings
from fpp.register.models import CheckRecord
from fpp.reports import paper
from fpp.timeutil import freeze
from tests.app.reports.conftest import AFTER_YEAR, YEAR


def _exports() -> list[str]:
    return list(db.session.execute(select(AuditEntry.action).where(AuditEntry.action.like("export.%"))
                                   .order_by(AuditEntry.id)).scalars())


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_print_page_states_the_signed_declaration(client, login, signed_year):
    login("auditor")
    with freeze(AFTER_YEAR):
        page = client.get(f"/reports/{YEAR}/declaration").get_data(as_text=True)
        key = load_signing_key(settings())
    for text in ("Test NHS Trust", "annual declaration 2025/26", "Clara Chair", "Nina Ned", "Len Leaver",
                 "Fit and proper with mitigations", "Non-executive director", "20 April 2026",
                 "Version</dt><dd>1", fingerprint(key), "fpp-paper"):
        assert text in page, text
    assert "fit_and_proper" not in page.replace("fit-and-proper", "")  # words, not codes
    assert _exports() == ["export.declaration_page"]


def test_the_pdf_carries_the_declaration_and_the_key_fingerprint(client, login, signed_year):
    if paper.pdf_unavailable():
        if os.environ.get("CI"):
            pytest.fail(f"{paper.pdf_unavailable()}, and CI is set: .ci/run installs Pango.")
        pytest.skip(f"{paper.pdf_unavailable()}: install libpango-1.0-0 and libpangoft2-1.0-0 to run this test.")
    login("secretary")
    with freeze(AFTER_YEAR):
        response = client.get(f"/reports/{YEAR}/declaration.pdf")
        key = load_signing_key(settings())
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment") and "2025-26.pdf" in \
        response.headers["Content-Disposition"]
    text = " ".join(_pdf_text(response.data).split())
    statement = " ".join(settings()["annual_statement"].split())
    for expected in ("Test NHS Trust", "annual declaration 2025/26", statement[:60], "Clara Chair", "Nina Ned",
                     "Fit and proper with mitigations", "Signed by", "20 April 2026", fingerprint(key),
                     "Page 1 of"):
        assert expected in text, expected
    from fpp.annual.declaration import latest_declaration
    signed = latest_declaration(YEAR)
    assert signed.content_hash[:32] in text.replace(" ", "")  # the hash may wrap across lines
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "export.declaration_pdf")).scalar_one()
    assert signed.content_hash in entry.after


def test_without_weasyprint_the_download_says_so_and_the_print_page_still_works(client, login, signed_year,
                                                                                 monkeypatch):
    monkeypatch.setattr(paper, "pdf_unavailable", lambda: "WeasyPrint cannot run here (OSError: no pango)")
    login("auditor")
    with freeze(AFTER_YEAR):
        download = client.get(f"/reports/{YEAR}/declaration.pdf")
        page = client.get(f"/reports/{YEAR}/declaration").get_data(as_text=True)
        index = client.get("/reports").get_data(as_text=True)
    assert download.status_code == 503 and "no pango" in download.get_data(as_text=True)
    assert "No PDF on this server" in page and "Clara Chair" in page
    assert f"/reports/{YEAR}/declaration.pdf" not in index and f"/reports/{YEAR}/declaration\"" in index
    assert _exports() == ["export.declaration_page"]  # the refused download read nothing


def test_an_unsigned_year_is_marked_as_not_signed(client, login, signed_year):
    login("auditor")
    with freeze(AFTER_YEAR):
        page = client.get(f"/reports/{YEAR - 1}/declaration").get_data(as_text=True)
    assert "Not signed." in page and "Signed by" not in page


def test_the_reports_page_says_unsigned_signed_or_stale_with_what_changed(client, login, signed_year):
    from fpp.register.operations import correct_record
    login("auditor")
    with freeze(AFTER_YEAR):
        page = client.get("/reports").get_data(as_text=True)
        assert "Declaration: signed</strong> – version 1, by Clara Chair on 20/04/2026" in page
        assert "Declaration: not signed" in page  # the years before
        record = db.session.execute(select(CheckRecord).where(
            CheckRecord.member_pk == signed_year.ned.id, CheckRecord.code == "dbs")).scalar_one()
        correct_record(record, "Wrong certificate", outcome="issue")
        db.session.commit()
        page = client.get("/reports").get_data(as_text=True)
        printed = client.get(f"/reports/{YEAR}/declaration").get_data(as_text=True)
    assert "Declaration: stale</strong> – version 1 was signed by Clara Chair on 20/04/2026" in page
    assert "N01" in page  # what changed names the member
    assert "Signed, but stale." in printed
