"""Recording, correcting and deleting checks through the web; every bad input answered next to its field."""
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from fpp.extensions import db
from fpp.register.models import CheckRecord, Evidence


def form(**values):
    data = {"code": "insolvency", "completed_on[day]": "1", "completed_on[month]": "3",
            "completed_on[year]": "2025", "outcome": "clear", "searched_name": "Grace Hopper",
            "searched_dob[day]": "9", "searched_dob[month]": "12", "searched_dob[year]": "1960",
            "searched_by": "The secretary"}
    return data | values


def record_count():
    return db.session.execute(select(func.count(CheckRecord.id))).scalar()


@pytest.fixture
def member(create_member):
    return create_member(name="Grace Hopper")


@pytest.mark.parametrize("values, message", [
    ({"completed_on[day]": "31", "completed_on[month]": "2"}, "Date completed must be a real date"),
    ({"completed_on[day]": "", "completed_on[month]": "", "completed_on[year]": ""}, "Enter date completed"),
    ({"completed_on[year]": "25"}, "Date completed must be a real date"),
    ({"completed_on[year]": "2099"}, "The completion date cannot be in the future"),
    ({"code": ""}, "Choose the check"),
    ({"code": "dbs_check"}, "Not a valid choice"),
    ({"outcome": "maybe"}, "Not a valid choice"),
    ({"code": "dbs"}, "Choose the DBS level"),
    ({"code": "dbs", "dbs_level": "basic", "is_update_service": "y"}, "standard and enhanced certificates only"),
    ({"dbs_level": "basic"}, "A DBS level belongs only on a DBS check"),
])
def test_bad_input_is_answered_next_to_the_field_and_nothing_saved(client, login, member, values, message):
    login("secretary")
    response = client.post(f"/members/{member.id}/checks/new", data=form(**values))
    assert response.status_code == 200
    page = response.data.decode()
    assert message in page and "There is a problem" in page and "nhsuk-error-message" in page
    assert record_count() == 0


def test_a_second_click_does_not_record_twice(client, login, member):
    login("secretary")
    assert client.post(f"/members/{member.id}/checks/new", data=form()).status_code == 302
    again = client.post(f"/members/{member.id}/checks/new", data=form())
    assert "a record of 01/03/2025 with this outcome is already in the register" in again.data.decode()
    assert record_count() == 1


def test_evidence_is_stored_with_its_hash(client, login, member, app):
    login("secretary")
    upload = (io.BytesIO(b"%PDF-1.4 search result"), "Insolvency search.pdf")
    assert client.post(f"/members/{member.id}/checks/new", data=form(evidence=upload),
                       content_type="multipart/form-data").status_code == 302
    evidence = db.session.execute(select(Evidence)).scalar_one()
    assert evidence.original_name == "Insolvency search.pdf" and evidence.size == 22
    import hashlib
    assert evidence.sha256 == hashlib.sha256(b"%PDF-1.4 search result").hexdigest()
    download = client.get(f"/evidence/{evidence.id}")
    assert download.data == b"%PDF-1.4 search result"


@pytest.mark.parametrize("values, filename, content, message", [
    ({"code": "dbs", "dbs_level": "basic", "reference": "001234567890"}, "certificate.pdf", b"%PDF",
     "DBS certificates must not be stored"),
    ({}, "virus.exe", b"MZ", "Evidence must be one of these file types"),
    ({}, "empty.pdf", b"", "The file is empty"),
])
def test_bad_evidence_saves_nothing(client, login, member, values, filename, content, message):
    login("secretary")
    response = client.post(f"/members/{member.id}/checks/new", content_type="multipart/form-data",
                           data=form(evidence=(io.BytesIO(content), filename), **values))
    assert message in response.data.decode()
    assert record_count() == 0 and db.session.execute(select(func.count(Evidence.id))).scalar() == 0


def test_oversized_evidence_is_refused(client, login, member, app):
    app.config["MAX_UPLOAD_BYTES"] = 10
    login("secretary")
    response = client.post(f"/members/{member.id}/checks/new", content_type="multipart/form-data",
                           data=form(evidence=(io.BytesIO(b"x" * 11), "big.pdf")))
    assert "larger than" in response.data.decode() and record_count() == 0


def test_correct_and_delete_need_a_reason_and_keep_history(client, login, member, create_record):
    login("secretary")
    record = create_record(member, "insolvency", date(2025, 3, 1))
    fields = {"completed_on[day]": "2", "completed_on[month]": "3", "completed_on[year]": "2025", "outcome": "clear"}
    assert "Say why the record is being corrected" in client.post(
        f"/records/{record.id}/correct", data=fields).data.decode()
    assert client.post(f"/records/{record.id}/correct", data=fields | {"reason": "Typo"}).status_code == 302
    assert db.session.get(CheckRecord, record.id).completed_on == date(2025, 3, 2)
    assert "Say why" in client.post(f"/records/{record.id}/delete", data={}).data.decode()
    assert client.post(f"/records/{record.id}/delete", data={"reason": "Wrong member"}).status_code == 302
    assert db.session.get(CheckRecord, record.id).deleted_at is not None
    page = client.get(f"/members/{member.id}").data.decode()
    assert "Wrong member" in page and "fpp-deleted" in page


def test_member_form_validates_dates_and_uniqueness(client, login, create_member):
    login("secretary")
    existing = create_member(member_id="E1")
    data = {"member_id": "E1", "name": "New", "position": "ned", "is_voting": "yes", "is_interim": "no",
            "start_on[day]": "1", "start_on[month]": "4", "start_on[year]": "2025",
            "end_on[day]": "1", "end_on[month]": "3", "end_on[year]": "2025"}
    page = client.post("/members/new", data=data).data.decode()
    assert "The end date must be on or after the start date" in page
    data.pop("end_on[day]"), data.pop("end_on[month]"), data.pop("end_on[year]")
    assert "already used by another member" in client.post("/members/new", data=data).data.decode()
    assert existing.name != "New"


def test_end_appointment_makes_the_leaver_reference_due(client, login, member):
    login("secretary")
    response = client.post(f"/members/{member.id}/end", data={
        "end_on[day]": "31", "end_on[month]": "3", "end_on[year]": "2025"})
    assert response.status_code == 302
    page = client.get(f"/members/{member.id}").data.decode()
    assert "31/03/2025" in page
    again = client.post(f"/members/{member.id}/end", data={
        "end_on[day]": "1", "end_on[month]": "4", "end_on[year]": "2025"})
    assert "already ended" in again.data.decode()


def test_viewing_dbs_data_is_audited_for_others_only(client, login, create_member, create_record):
    from fpp.audit.models import AuditEntry
    member = create_member()
    create_record(member, "dbs", date(2025, 1, 1))
    login("member", member=member)
    client.get(f"/members/{member.id}")
    views = select(func.count(AuditEntry.id)).where(AuditEntry.action == "member.view_dbs")
    assert db.session.execute(views).scalar() == 0
    client.post("/logout")
    login("auditor")
    client.get(f"/members/{member.id}")
    assert db.session.execute(views).scalar() == 1


def test_overview_filters_and_bad_as_of(client, login, create_member, create_record):
    login("chair")
    page = client.get("/board?as_of=not-a-date").data.decode()
    assert "is not a date" in page
    page = client.get("/board?status=concern").data.decode()
    assert "Board overview" in page
