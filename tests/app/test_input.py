"""Control characters are refused in every single-line field, with a message on that field; nothing saved."""
import pytest
from sqlalchemy import func, select

from fpp.extensions import db
from fpp.people.models import Member

HOSTILE = ["Mallory\r\nBcc: everyone@example.com", "Tab\there", "Null\x00byte", "Line\u2028separator", "Bell\x07"]


def _member_form(**values):
    return {"member_id": "Z001", "name": "Zoe Example", "position": "ned", "start_on[day]": "1",
            "start_on[month]": "1", "start_on[year]": "2024", "is_executive": "no", "is_voting": "yes",
            "is_interim": "no"} | values


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("field", ["name", "member_id", "role_title", "email"])
def test_a_member_field_with_a_control_character_is_refused(client, login, field, value):
    login("secretary")
    response = client.post("/members/new", data=_member_form(**{field: value}))
    assert response.status_code == 200
    page = response.data.decode()
    assert "There is a problem" in page
    assert "must be on one line, without control characters" in page or (
        field == "email" and "Enter an email address like name@nhs.net" in page)
    assert db.session.execute(select(func.count()).select_from(Member)).scalar() == 0


def test_the_same_form_without_them_saves(client, login):
    login("secretary")
    assert client.post("/members/new", data=_member_form()).status_code == 302


def test_multi_line_fields_keep_their_line_breaks(client, login, create_member):
    from datetime import date
    login("secretary")
    member = create_member()
    response = client.post(f"/members/{member.id}/checks/new", data={
        "code": "identity", "completed_on[day]": "1", "completed_on[month]": "2", "completed_on[year]": "2024",
        "outcome": "clear", "notes": "Seen the passport.\r\nAnd the visa.", "reference": "ID\x0b1"})
    assert "Reference must be on one line" in response.data.decode()
    response = client.post(f"/members/{member.id}/checks/new", data={
        "code": "identity", "completed_on[day]": "1", "completed_on[month]": "2", "completed_on[year]": "2024",
        "outcome": "clear", "notes": "Seen the passport.\r\nAnd the visa."})
    assert response.status_code == 302
    assert date(2024, 2, 1)
