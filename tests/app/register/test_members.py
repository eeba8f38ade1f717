"""Members through the web: every field saves, bad dates are refused, the privacy notice needs its date."""
from datetime import date

from sqlalchemy import func, select

from fpp.extensions import db
from fpp.people.models import Member

GOOD = {"member_id": "E9", "name": "Ada Byron", "email": "ada.byron@example.nhs.uk", "position": "executive",
        "role_title": "Director of Finance", "is_voting": "yes", "is_interim": "no",
        "professional_registration": "GMC 1234567", "start_on[day]": "1", "start_on[month]": "4",
        "start_on[year]": "2025", "date_of_birth[day]": "10", "date_of_birth[month]": "12",
        "date_of_birth[year]": "1975"}


def test_a_member_with_every_field_is_saved(client, login):
    login("secretary")
    response = client.post("/members/new", data=GOOD)
    assert response.status_code == 302, response.data[:400]
    member = db.session.execute(select(Member).where(Member.member_id == "E9")).scalar_one()
    assert (member.email, member.is_executive, member.date_of_birth) == (
        "ada.byron@example.nhs.uk", True, date(1975, 12, 10))


def test_a_malformed_email_is_answered(client, login):
    login("secretary")
    page = client.post("/members/new", data=GOOD | {"email": "ada at nhs"}).data.decode()
    assert "Enter an email address like name@nhs.net" in page
    assert db.session.execute(select(func.count(Member.id))).scalar() == 0


def test_a_date_of_birth_in_the_future_is_refused(client, login):
    login("secretary")
    page = client.post("/members/new", data=GOOD | {"date_of_birth[year]": "2099"}).data.decode()
    assert "The date of birth must be in the past" in page


def test_the_privacy_notice_needs_its_date(client, login, create_member):
    login("secretary")
    member = create_member()
    page = client.post(f"/members/{member.id}/privacy", data={}).data.decode()
    assert "Enter date the privacy notice was given" in page
    assert db.session.get(Member, member.id).privacy_notice_on is None


def test_a_member_has_at_most_one_account(client, login, create_member):
    login("secretary")
    member = create_member(name="Only Once")
    data = {"email": "one@example.nhs.uk", "role": "member", "member": str(member.id),
            "password": "a-long-enough-password"}
    assert client.post("/users", data=data).status_code == 302
    page = client.post("/users", data=data | {"email": "two@example.nhs.uk"}).data.decode()
    assert "Only Once already has an account" in page


def test_register_searches_start_from_the_members_name_and_date_of_birth(client, login, create_member):
    login("secretary")
    member = create_member(name="Searched Person", date_of_birth=date(1970, 3, 14))
    page = client.get(f"/members/{member.id}/checks/new?code=insolvency").data.decode()
    assert 'value="Searched Person"' in page and 'value="14"' in page and 'value="1970"' in page


def test_a_dbs_record_offers_no_upload_slot(client, login, create_member):
    login("secretary")
    member = create_member()
    dbs = client.get(f"/members/{member.id}/checks/new?code=dbs").data.decode()
    assert 'type="file"' not in dbs and "Never upload or copy the certificate" in dbs
    other = client.get(f"/members/{member.id}/checks/new?code=identity").data.decode()
    assert 'type="file"' in other and "DBS level" not in other


def test_the_privacy_notice_cannot_be_dated_in_the_future(client, login, create_member):
    login("secretary")
    member = create_member()
    page = client.post(f"/members/{member.id}/privacy", data={
        "privacy_notice_on[day]": "1", "privacy_notice_on[month]": "1", "privacy_notice_on[year]": "2099"}).data.decode()
    assert "cannot be in the future" in page
    assert db.session.get(Member, member.id).privacy_notice_on is None
