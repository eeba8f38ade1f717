"""The import pages: the whole flow, presets, a second Apply, access by role, CSRF."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from fpp.extensions import db
from fpp.people.models import Member
from fpp.imports.models import TrackerPreset

from .conftest import SAMPLE, register_counts  # noqa: F401

SAMPLE_ANSWERS = {"answer-I5": "skip", "answer-J5": "skip", "answer-R9": "clear 20/04/2025", "answer-P11": "skip"}


def upload(client, path=SAMPLE, name=None, **extra):
    data = {"tracker": (io.BytesIO(path.read_bytes()), name or path.name), **extra}
    return client.post("/imports/tracker", data=data, content_type="multipart/form-data")


def mapping_form(page: str) -> dict:
    """The mapping page's selects with their selected values, as the browser would post them."""
    chosen = re.findall(r'<select class="nhsuk-select" id="(column-\d+)".*?<option value="([^"]+)" selected',
                        page, flags=re.S)
    return dict(chosen)


def test_the_whole_flow_upload_mapping_preview_answers_apply(client, login):
    login("secretary")
    response = upload(client)
    assert response.status_code == 302
    mapping_url = response.headers["Location"]
    page = client.get(mapping_url).data.decode()
    assert "DBS type" in page and "001765432109" in page  # headers and sample values
    fields = mapping_form(page)
    assert len(fields) == 24 and "ignore" not in fields.values()
    response = client.post(mapping_url, data={**fields, "preset_name": "Board tracker"})
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url).data.decode()
    for key in ("I5", "J5", "R9", "P11"):
        assert f'name="answer-{key}"' in page
    assert "Yes - 2 recd" in page and "disabled" in page
    page = client.post(preview_url, data={**SAMPLE_ANSWERS, "action": "preview"}).data.decode()
    assert "Import</button>" in page and " disabled>" not in page
    response = client.post(preview_url, data={**SAMPLE_ANSWERS, "action": "apply"})
    assert response.status_code == 302
    assert db.session.execute(select(func.count()).select_from(Member)).scalar() == 9
    assert db.session.execute(select(TrackerPreset.name)).scalar() == "Board tracker"
    again = client.post(preview_url, data={**SAMPLE_ANSWERS, "action": "apply"}, follow_redirects=True)
    assert "already imported" in again.data.decode()
    assert db.session.execute(select(func.count()).select_from(Member)).scalar() == 9


def test_a_problem_is_shown_with_its_cell(client, login, make_xlsx):
    from .conftest import HEADERS, row
    login("secretary")
    path = make_xlsx([HEADERS, row(), row(name="Ann Smith", esr="1001")])
    mapping_url = upload(client, path).headers["Location"]
    fields = mapping_form(client.get(mapping_url).data.decode())
    preview_url = client.post(mapping_url, data=fields).headers["Location"]
    page = client.post(preview_url, data={"action": "apply"}).data.decode()
    assert "A3: Ann Smith appears more than once" in page
    assert db.session.execute(select(func.count()).select_from(Member)).scalar() == 0


@pytest.mark.parametrize("name, content, message", [
    ("notes.txt", b"hello", "Choose an .xlsx or .csv file"),
    ("broken.xlsx", b"PK\x03\x04 garbage", "is damaged or not a real .xlsx workbook"),
])
def test_bad_uploads_give_a_clear_message(client, login, name, content, message):
    login("secretary")
    response = client.post("/imports/tracker", data={"tracker": (io.BytesIO(content), name)},
                           content_type="multipart/form-data", follow_redirects=True)
    assert message in response.data.decode()


ROUTES = [("get", "/imports/tracker"), ("post", "/imports/tracker"),
          ("get", "/imports/tracker/{token}/mapping"), ("post", "/imports/tracker/{token}/mapping"),
          ("get", "/imports/tracker/{token}/preview"), ("post", "/imports/tracker/{token}/preview")]


@pytest.mark.parametrize("method, route", ROUTES)
@pytest.mark.parametrize("role, allowed", [("secretary", True), ("chair", False), ("sid", False),
                                           ("member", False), ("auditor", False), (None, False)])
def test_access_by_role(app, client, login, create_user, method, route, role, allowed):
    from fpp.imports import uploads
    owner = create_user("secretary")
    token = uploads.store(SAMPLE.read_bytes(), SAMPLE.name, owner.id)
    if role:
        login(role)
    response = getattr(client, method)(route.format(token=token))
    if allowed:
        assert response.status_code in (200, 302, 400)
    elif role is None:
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code == 403


def test_forms_are_csrf_protected(csrf_app, create_user):
    from .conftest import SAMPLE as sample
    from tests.fixtures.factories import sign_in_as
    client = csrf_app.test_client()
    user = create_user("secretary")
    sign_in_as(client, user.email, csrf=True)
    assert 'name="csrf_token"' in client.get("/imports/tracker").data.decode()
    response = client.post("/imports/tracker", data={"tracker": (io.BytesIO(sample.read_bytes()), sample.name)},
                           content_type="multipart/form-data")
    assert response.status_code == 400
