"""The import pages refuse a tracker cell with a control character, naming its cell; nothing is imported."""
from __future__ import annotations

from sqlalchemy import func, select

from fpp.extensions import db
from fpp.people.models import Member

from .conftest import HEADERS, row
from .test_web import mapping_form, upload


def test_a_name_with_a_line_break_is_a_problem_on_the_preview(client, login, make_xlsx):
    login("secretary")
    path = make_xlsx([HEADERS, row(name="Ann Smith\r\nBcc: x@example.com")])
    mapping_url = upload(client, path).headers["Location"]
    preview_url = client.post(mapping_url, data=mapping_form(client.get(mapping_url).data.decode())).headers["Location"]
    page = client.post(preview_url, data={"action": "apply"}).data.decode()
    assert ("sheet &#39;Tracker&#39;, row 2, column &#39;Name&#39; (A2) must be on one line, without control "
            "characters (found U+000D)") in page
    assert db.session.execute(select(func.count()).select_from(Member)).scalar() == 0
