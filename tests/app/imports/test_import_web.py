"""One import flow for both formats: the contract workbook through the web gives what `fpp import` gives,
and a tracker written by `fpp export tracker` imports back with no questions."""
from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from fpp.audit.models import AuditEntry
from fpp.extensions import db
from fpp.people.models import Member
from tests.data import EXAMPLE_BOARD, EXAMPLE_STATUS

from .test_import_workbook import GOOD_CHECK, GOOD_MEMBER, workbook


def upload(client, path, name=None):
    data = {"tracker": (io.BytesIO(path.read_bytes()), name or path.name)}
    return client.post("/imports/tracker", data=data, content_type="multipart/form-data")


def status(runner, as_of="2026-06-30"):
    result = runner("status", "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_contract_workbook_through_the_web_gives_the_statuses_fpp_import_gives(client, login, runner):
    login("secretary")
    response = upload(client, EXAMPLE_BOARD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/preview")  # no mapping step
    preview_url = response.headers["Location"]
    page = client.get(preview_url).data.decode()
    assert "the import workbook (Members and Checks)" in page and "There is a problem" not in page
    assert client.post(preview_url, data={"action": "apply"}).status_code == 302
    assert status(runner) == json.loads(EXAMPLE_STATUS.read_text())  # what `fpp import` gives (test_import_workbook)
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "import.workbook")).scalar_one()
    assert json.loads(entry.after)["file"] == EXAMPLE_BOARD.name
    again = runner("import", EXAMPLE_BOARD)  # the same file by the command line: nothing more to do
    assert again.exit_code == 0, again.output
    assert "0 created, 0 updated; check records: 0 created, 0 updated" in again.output
    assert status(runner) == json.loads(EXAMPLE_STATUS.read_text())


def test_a_workbook_rename_is_confirmed_per_member_on_the_web(client, login, runner, tmp_path):
    assert runner("import", workbook(tmp_path)).exit_code == 0
    renamed = list(GOOD_MEMBER)
    renamed[1] = "Alice Changed"
    login("secretary")
    preview_url = upload(client, workbook(tmp_path, members=[renamed], checks=[GOOD_CHECK])).headers["Location"]
    page = client.get(preview_url).data.decode()
    assert "Is this the same person?" in page and 'value="yes"' in page and "disabled>" in page
    client.post(preview_url, data={"action": "apply"})  # unanswered: nothing changes
    assert db.session.execute(select(Member.name)).scalar_one() == "Alice Example"
    page = client.post(preview_url, data={"answer-rename A01": "yes", "action": "preview"}).data.decode()
    assert " disabled>" not in page
    assert client.post(preview_url, data={"action": "apply"}).status_code == 302  # the answer was kept
    assert db.session.execute(select(Member.name)).scalar_one() == "Alice Changed"


def test_a_broken_workbook_is_shown_with_its_problems_and_imports_nothing(client, login, tmp_path):
    login("secretary")
    bad = list(GOOD_CHECK)
    bad[2] = "yesterday"
    preview_url = upload(client, workbook(tmp_path, checks=[bad])).headers["Location"]
    page = client.post(preview_url, data={"action": "apply"}).data.decode()
    assert "There is a problem" in page and "Completed on (C2)" in page
    assert db.session.execute(select(func.count()).select_from(Member)).scalar() == 0


def test_an_exported_tracker_imports_back_with_no_questions(runner, create_member, create_record, tmp_path):
    from datetime import date
    chair = create_member(member_id="A01", name="Alice Chair", position="chair", start_on=date(2021, 1, 1))
    for code in ("identity", "references", "employment_history", "qualifications", "health", "insolvency"):
        create_record(chair, code, date(2020, 12, 1))
    create_record(chair, "dbs", date(2024, 5, 1), reference="001234567890")
    doctor = create_member(member_id="A02", name="Dr Bob Exec", position="executive", role_title="Medical Director",
                           professional_registration="GMC 7012345", start_on=date(2022, 9, 1),
                           end_on=date(2025, 3, 31))
    create_record(doctor, "professional_registration", date(2022, 8, 5), reference="GMC 7012345")
    output = tmp_path / "tracker.xlsx"
    assert runner("export", "tracker", "--as-of", "2025-05-14", "--output", output).exit_code == 0
    result = runner("import-tracker", output, "--dry-run")
    assert result.exit_code == 0, result.output
    assert " = ?" not in result.output and "Ready to import." in result.output
    assert "Members to create: 0, to update: 0; records to create: 0, to update: 0" in result.output
