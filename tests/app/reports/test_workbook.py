"""The declaration workbook, read back with openpyxl and checked row by row against the register."""
import json
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from checks import CATALOGUE
from exports import SHEET_NAMES
from fpp.audit.models import AuditEntry
from fpp.extensions import db
from fpp.register.models import CheckRecord
from fpp.register.queries import member_row
from fpp.extensions import settings
from fpp.timeutil import freeze
from tests.app.reports.conftest import AFTER_YEAR, YEAR
from fpp.templating import STATUS_LABELS
from tests.data import EXAMPLE_BOARD



def sheet_rows(book, title):
    """The data rows of a sheet as dicts keyed by its header row."""
    rows = list(book[title].iter_rows(values_only=True))
    if rows and str(rows[0][0]).startswith("Anchor"):  # the audit sheet's anchor line, above its header
        rows = rows[1:]
    header = rows[0]
    return [dict(zip(header, row)) for row in rows[1:] if any(v is not None for v in row)]


def keyvalues(book):
    return {row[0]: row[1] for row in book["Declaration"].iter_rows(values_only=True) if row[0]}


def export(runner, tmp_path, year=YEAR):
    path = tmp_path / "declaration.xlsx"
    result = runner("export", "declaration", "--year", year, "--output", path)
    assert result.exit_code == 0, result.output
    return load_workbook(path)


def test_example_board_workbook_matches_the_register(runner, tmp_path):
    with freeze(datetime(2026, 7, 1, 9)):
        assert runner("import", EXAMPLE_BOARD).exit_code == 0
        book = export(runner, tmp_path)
    assert book.sheetnames == list(SHEET_NAMES)
    members = sheet_rows(book, "Board members")
    from fpp.people.models import Member
    served = [m for m in db.session.execute(select(Member).order_by(Member.member_id)).scalars()
              if m.start_on <= date(2026, 3, 31) and (m.end_on is None or m.end_on >= date(2025, 4, 1))]
    assert [r["Member ID"] for r in members] == [m.member_id for m in served]
    for member, row in zip(served, members):
        year_end = min(date(2026, 3, 31), member.end_on or date(2026, 3, 31))
        status = member_row(member, year_end, settings().rules).status
        for check in CATALOGUE:
            assert row[f"{check.code}: status code"] == status.checks[check.code].status, (member.member_id, check.code)
            assert row[f"{check.label}: status"] == STATUS_LABELS[status.checks[check.code].status]
    checks = sheet_rows(book, "Checks")
    assert len(checks) > 0 and all(isinstance(r["Completed on"], datetime) for r in checks)
    live = db.session.execute(select(CheckRecord).where(CheckRecord.completed_on <= date(2026, 3, 31))).scalars().all()
    in_year = {(r.member_pk, r.code, r.completed_on) for r in live if r.completed_on >= date(2025, 4, 1)}
    assert len(checks) >= len(in_year)


def test_signed_year_every_sheet(runner, tmp_path, signed_year):
    with freeze(AFTER_YEAR):
        book = export(runner, tmp_path)
    declared = keyvalues(book)
    assert declared["Stale"] == "No"
    assert len(declared["SHA-256 of what was declared"]) == 64
    assert declared["Chair"] == "Clara Chair"
    members = {r["Member ID"]: r for r in sheet_rows(book, "Board members")}
    assert set(members) == {"C01", "N01", "L01", "S01"}
    assert members["N01"]["Outcome"] == "Fit and proper with mitigations"
    assert members["N01"]["Outcome code"] == "fit_and_proper_with_mitigations"
    leavers = sheet_rows(book, "Leavers")
    assert [r["Member ID"] for r in leavers] == ["L01"]
    assert leavers[0]["Date left"] == datetime(2026, 1, 31)
    exceptions = sheet_rows(book, "Exceptions")
    kinds = {(r["Member ID"], r["Kind"], r["Kind code"]) for r in exceptions}
    assert {("N01", "Issue found", "issue"), ("N01", "Decision", "decision"),
            ("N01", "Mitigation", "mitigation")} <= kinds
    checks = sheet_rows(book, "Checks")
    cutting = [r for r in checks if r["Member ID"] == "N01" and r["Check"] == "Social media and press search"]
    assert signed_year.evidence.sha256 in str(cutting[0]["Evidence files"])
    dbs = [r for r in checks if r["Check"] == "DBS check"]
    assert dbs and {r["Reference"] for r in dbs} == {"REF-C01", "REF-N01", "REF-L01", "REF-S01"}
    audit = sheet_rows(book, "Audit trail")
    # the year's segment: from its first entry to the export, so the April signature is in it (issue 11);
    # the export's own entry is written after the workbook
    stored = db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    assert stored[-1].action.startswith("export.") and "declaration.sign" in {e.action for e in stored}
    assert [r["Hash"] for r in audit] == [e.hash for e in stored[:-1]]


def test_a_change_after_signing_shows_stale_with_the_change(runner, tmp_path, signed_year, client):
    from fpp.register.operations import correct_record
    with freeze(AFTER_YEAR):
        record = db.session.execute(select(CheckRecord).where(
            CheckRecord.member_pk == signed_year.ned.id, CheckRecord.code == "dbs")).scalar_one()
        correct_record(record, "Wrong certificate", outcome="issue")
        db.session.commit()
        book = export(runner, tmp_path)
    declared = keyvalues(book)
    assert declared["Stale"] == "Yes"
    assert "N01" in json.dumps(declared, default=str) and "dbs" in json.dumps(declared, default=str)


def test_user_text_never_becomes_a_formula(runner, tmp_path, create_member, create_record):
    payloads = ["=1+1", "+SUM(A1)", "-2+3", "@SUM(1)", "\t=1", "=HYPERLINK(\"http://x\",\"y\")"]
    with freeze(datetime(2026, 3, 10, 12)):
        for index, text in enumerate(payloads):
            member = create_member(member_id=f"X{index}", name=text, role_title=text,
                                   professional_registration=text, start_on=date(2020, 1, 1))
            create_record(member, "insolvency", date(2025, 6, 1), reference=text, notes=text, outcome="issue")
    with freeze(AFTER_YEAR):
        book = export(runner, tmp_path)
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    names = [r["Name"] for r in sheet_rows(book, "Board members")]
    assert all(name.endswith(p.strip()) for name, p in zip(names, payloads))
