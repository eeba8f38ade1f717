"""Evidence checked by content, withdrawn with a reason, and the facts FPPT.md section 3 requires."""
import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from fpp.audit.models import AuditEntry
from fpp.extensions import db
from fpp.people.models import Member
from fpp.register.models import CheckRecord, Evidence
from fpp.reports.operations import write_pack
from tests.app.register.test_records import form

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program cannot be run in DOS mode"


def macro_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in ("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"):
            package.writestr(name, "<x/>")
    return buffer.getvalue()


def evidence_count() -> int:
    return db.session.execute(select(func.count(Evidence.id))).scalar()


@pytest.fixture
def member(create_member):
    return create_member(name="Grace Hopper", date_of_birth=date(1960, 12, 9))


@pytest.fixture
def search(member, create_record):
    return create_record(member, "insolvency", date(2025, 3, 1), searched_name="Grace Hopper",
                         searched_dob=date(1960, 12, 9), searched_by="The secretary")


def upload(client, record, content: bytes, name: str):
    return client.post(f"/records/{record.id}/evidence", content_type="multipart/form-data",
                       data={"evidence": (io.BytesIO(content), name)})


@pytest.mark.parametrize("content, name, message", [
    (EXE, "passport.pdf", "passport.pdf is not a PDF: its content is a Windows program"),
    (macro_docx(), "letter.docx", "letter.docx is not a Word document: it contains macros"),
    (b"caf\xe9 au lait", "note.txt", "note.txt is not plain text: its content is not UTF-8 text"),
])
def test_a_file_that_is_not_what_it_claims_is_refused_on_the_form(client, login, search, content, name, message):
    login("secretary")
    response = upload(client, search, content, name)
    assert response.status_code == 200 and message in response.data.decode()
    assert evidence_count() == 0


def test_a_real_pdf_is_accepted_and_served_as_one(client, login, search):
    login("secretary")
    assert upload(client, search, PDF, "search.pdf").status_code == 302
    evidence = db.session.execute(select(Evidence)).scalar_one()
    download = client.get(f"/evidence/{evidence.id}")
    assert download.data == PDF and download.mimetype == "application/pdf"


@pytest.mark.parametrize("route", ["evidence", "new"])
def test_an_upload_over_the_request_limit_gets_the_form_with_the_message(client, login, app, member, search, route):
    app.config.update(MAX_UPLOAD_BYTES=1024 * 1024, MAX_CONTENT_LENGTH=1024 * 1024 + 4096)
    login("secretary")
    big = (io.BytesIO(b"%PDF" + b"x" * (2 * 1024 * 1024)), "big.pdf")
    if route == "evidence":
        response = client.post(f"/records/{search.id}/evidence", content_type="multipart/form-data",
                               data={"evidence": big})
    else:
        response = client.post(f"/members/{member.id}/checks/new?code=insolvency",
                               content_type="multipart/form-data", data=form(evidence=big))
    page = response.data.decode()
    assert response.status_code == 413 and "The file is larger than 1 MB" in page
    assert "There is a problem" in page and '<form method="post"' in page
    assert evidence_count() == 0


def test_withdrawing_takes_the_file_off_the_page_the_pack_and_downloads(client, login, member, search, tmp_path):
    login("secretary")
    assert upload(client, search, PDF, "search.pdf").status_code == 302
    evidence = db.session.execute(select(Evidence)).scalar_one()
    assert write_pack(2024, tmp_path / "before.zip") == 1
    assert f'href="/evidence/{evidence.id}"' in client.get(f"/members/{search.member_pk}").data.decode()
    assert "Say why the evidence is being withdrawn" in client.post(
        f"/evidence/{evidence.id}/withdraw", data={}).data.decode()
    assert client.post(f"/evidence/{evidence.id}/withdraw", data={"reason": "Wrong member's search"}
                       ).status_code == 302
    db.session.expire_all()
    assert evidence.withdrawn_at is not None and evidence.withdrawn_reason == "Wrong member's search"
    page = client.get(f"/members/{member.id}").data.decode()
    assert f'href="/evidence/{evidence.id}"' not in page and "search.pdf</a>" not in page
    assert client.get(f"/evidence/{evidence.id}").status_code == 404
    assert client.get(f"/evidence/{evidence.id}/withdraw").status_code == 404
    assert write_pack(2024, tmp_path / "after.zip") == 0
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "evidence.withdraw")).scalar_one()
    assert entry.entity_id == str(evidence.id) or entry.entity_id == evidence.id
    from fpp.register.operations import evidence_path
    assert evidence_path(evidence).read_bytes() == PDF  # kept on disk until its retention date
    assert upload(client, search, PDF, "search.pdf").status_code == 302  # the same file may be attached again
    assert evidence_count() == 2


@pytest.mark.parametrize("values, field_message", [
    ({"code": "dbs", "dbs_level": "basic", "reference": ""}, "Enter the DBS certificate number: 12 digits"),
    ({"code": "dbs", "dbs_level": "basic", "reference": "12345678901"}, "Enter the DBS certificate number"),
    ({"code": "dbs", "reference": "001234567890"}, "Choose the DBS level"),
    ({"searched_name": ""}, "Enter the name the register was searched on"),
    ({"searched_dob[day]": "", "searched_dob[month]": "", "searched_dob[year]": ""},
     "Enter the date of birth the register was searched on"),
    ({"searched_by": ""}, "Enter who searched the register"),
])
def test_a_record_lacking_a_required_fact_is_refused_next_to_the_field(client, login, member, values, field_message):
    login("secretary")
    response = client.post(f"/members/{member.id}/checks/new", data=form(**values))
    page = response.data.decode()
    assert response.status_code == 200 and field_message in page and "nhsuk-error-message" in page
    assert db.session.execute(select(func.count(CheckRecord.id))).scalar() == 0


def test_a_dbs_record_with_its_number_and_level_saves(client, login, member):
    login("secretary")
    data = form(code="dbs", dbs_level="basic", reference="0012 3456 7890")
    assert client.post(f"/members/{member.id}/checks/new", data=data).status_code == 302


def test_the_search_form_starts_from_the_member_and_the_person_recording(client, login, member):
    user = login("secretary")
    page = client.get(f"/members/{member.id}/checks/new?code=insolvency").data.decode()
    assert 'value="Grace Hopper"' in page and 'value="1960"' in page
    assert f'value="{user.email}"' in page


def test_an_imported_old_search_without_the_facts_saves_and_shows_not_recorded(runner, client, login, tmp_path):
    book = Workbook()
    book.remove(book.active)
    members = book.create_sheet("Members")
    members.append(["Member ID", "Name", "Email", "Position", "Role title", "Voting", "Interim", "Executive",
                    "Professional registration", "Start date", "End date"])
    members.append(["A01", "Alice Example", "alice@example.nhs.uk", "Non-executive director", None, "Yes", "No",
                    None, None, datetime(2024, 1, 1), None])
    checks = book.create_sheet("Checks")
    checks.append(["Member ID", "Check", "Completed on", "Outcome", "Reference", "DBS level", "Notes"])
    checks.append(["A01", "insolvency", datetime(2019, 5, 1), "clear", None, None, None])
    book.save(tmp_path / "old.xlsx")
    result = runner("import", str(tmp_path / "old.xlsx"))
    assert result.exit_code == 0, result.output
    member = db.session.execute(select(Member).where(Member.member_id == "A01")).scalar_one()
    login("secretary")
    page = client.get(f"/members/{member.id}").data.decode()
    assert "name not recorded" in page and "date of birth not recorded" in page and "Searched by not recorded" in page


def test_a_correction_cannot_remove_a_required_fact_but_leaves_an_old_gap_alone(client, login, member, search,
                                                                                 create_record):
    login("secretary")
    fields = {"completed_on[day]": "1", "completed_on[month]": "3", "completed_on[year]": "2025", "outcome": "clear",
              "searched_name": "Grace Hopper", "searched_dob[day]": "9", "searched_dob[month]": "12",
              "searched_dob[year]": "1960", "searched_by": "", "reason": "Tidy"}
    page = client.post(f"/records/{search.id}/correct", data=fields).data.decode()  # who searched emptied
    assert "Enter who searched the register" in page
    old = create_record(member, "disqualified_directors", date(2019, 5, 1))  # as an import of an old record
    response = client.post(f"/records/{old.id}/correct", data=fields | {"completed_on[year]": "2019",
                                                                        "completed_on[month]": "5"})
    assert response.status_code == 302
