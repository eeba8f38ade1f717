"""Hostile workbooks through the web upload and both CLI commands (lowered limits), and the contract
workbook's plan: renames stop and ask, updates show before -> after, the preview refuses what applying would."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from fpp.extensions import db
from fpp.imports.operations import apply_plan
from fpp.imports.queries import known_members, known_records
from fpp.imports.workbook import plan_workbook, read_workbook
from fpp.people.models import Member
from fpp.timeutil import freeze
from tests.unit.test_guard import build_xlsx, dimension_bomb, row_bomb, sheet_xml

from .test_import_workbook import GOOD_CHECK, GOOD_MEMBER, workbook


@pytest.fixture
def settings_overrides(settings_overrides):
    """Limits low enough that a few thousand rows are a bomb."""
    return {**settings_overrides, "imports_max_cells": 1_000, "imports_max_unzipped_mb": 1}


BOMBS = {
    "dimension": (dimension_bomb("Tracker"), "the workbook declares 17,179,869,184 cells (A1:XFD1048576 on sheet "
                                             "Tracker); the limit is 1,000 ([imports] max_cells)"),
    "rows": (row_bomb(5_000), "sheet Tracker holds more than 1,000 cells, rows and merged ranges; the limit is "
                              "1,000 ([imports] max_cells)"),
    "not a zip": (b"PK\x03\x04 not really", "is damaged or not a real .xlsx workbook"),
}


def members_count() -> int:
    return db.session.execute(select(func.count(Member.id))).scalar()


def upload(client, data: bytes, name="bomb.xlsx"):
    return client.post("/imports/tracker", data={"tracker": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


@pytest.mark.parametrize("kind", BOMBS)
def test_the_web_upload_shows_the_form_with_the_message(client, login, kind):
    data, message = BOMBS[kind]
    login("secretary")
    response = upload(client, data)
    page = response.data.decode()
    assert response.status_code == 400 and message in page
    assert 'name="tracker"' in page  # the upload form again, never a 500


def test_the_web_refuses_a_contract_workbook_bomb(client, login):
    login("secretary")
    members = sheet_xml({1: [("A", "Member ID"), ("B", "Name"), ("C", "Position"), ("D", "Start date")]})
    data = build_xlsx({"Members": members, "Checks": sheet_xml({1: [("XFD", 1)]}, dimension="A1:XFD1048576")})
    response = upload(client, data, "board.xlsx")
    assert response.status_code == 400
    assert "the workbook declares 17,179,869,184 cells (A1:XFD1048576 on sheet Checks)" in response.data.decode()


@pytest.mark.parametrize("command", ["import", "import-tracker"])
@pytest.mark.parametrize("kind", ["dimension", "rows"])
def test_both_commands_exit_1_with_the_message(runner, tmp_path, command, kind):
    data, message = BOMBS[kind]
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    result = runner(command, path)
    assert result.exit_code == 1 and message in result.output
    assert members_count() == 0


def test_fpp_import_names_a_formula_cell_without_a_saved_value(runner, tmp_path):
    members = sheet_xml({1: [("A", "Member ID"), ("B", "Name"), ("C", "Position"), ("D", "Start date")],
                         2: [("A", "A01"), ("B", "Ann"), ("C", "Chair"), ("D", "=DATE(2024,1,1)")]})
    checks = sheet_xml({1: [("A", "Member ID"), ("B", "Check"), ("C", "Completed on")]})
    path = tmp_path / "board.xlsx"
    path.write_bytes(build_xlsx({"Members": members, "Checks": checks}))
    result = runner("import", path)
    assert result.exit_code == 1
    assert ("Members!D2 holds a formula with no saved value: open and save the workbook in Excel, or paste "
            "values") in result.output


# The contract workbook's plan: before -> after, renames, and the checks applying runs.

def test_a_rename_stops_and_asks_and_accept_renames_answers(runner, tmp_path):
    assert runner("import", workbook(tmp_path)).exit_code == 0
    renamed = list(GOOD_MEMBER)
    renamed[1] = "Alicia Other"
    path = workbook(tmp_path, members=[renamed])
    dry = runner("import", path, "--dry-run")
    assert dry.exit_code == 1
    assert "Is this the same person? Alice Example, no date of birth held \u2192 Alicia Other" in dry.output
    accepted = runner("import", path, "--dry-run", "--accept-renames")
    assert accepted.exit_code == 0
    assert "update member A01: name 'Alice Example' \u2192 'Alicia Other'" in accepted.output
    assert db.session.execute(select(Member.name)).scalar_one() == "Alice Example"


def test_dry_run_prints_each_update_field_by_field(runner, tmp_path):
    runner("import", workbook(tmp_path))
    changed = list(GOOD_MEMBER)
    changed[4], changed[6] = "Vice chair", "Yes"
    check = list(GOOD_CHECK)
    check[6] = "Seen the certificate"
    result = runner("import", workbook(tmp_path, members=[changed], checks=[check]), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "role title (blank) \u2192 'Vice chair'" in result.output and "interim No \u2192 Yes" in result.output
    assert "update dbs 01/05/2024: notes (blank) \u2192 'Seen the certificate'" in result.output


def _plan(path, as_of=date(2025, 5, 14)):
    return plan_workbook(read_workbook(path), path.name, known_members(), known_records(), as_of=as_of)


def test_what_the_preview_calls_ready_applies_without_error(app, tmp_path):
    plan = _plan(workbook(tmp_path))
    assert plan.is_ready and plan.notices == []
    with freeze(datetime(2025, 5, 14, 12, 0)):
        result = apply_plan(plan, filename="board.xlsx", sha256="0" * 64, audit_action="import.workbook")
    assert result.ok and result.counts["members_created"] == 1 and result.counts["records_created"] == 1


def test_what_applying_would_refuse_the_preview_refuses(app, tmp_path):
    future = ["A01", "insolvency", datetime(2025, 6, 1), None, None, None, None]
    path = workbook(tmp_path, checks=[future])
    plan = _plan(path)
    assert not plan.is_ready and [p.message for p in plan.problems] == ["The completion date cannot be in the future"]
    assert plan.problems[0].cell == "sheet Checks, row 2, column Completed on (C2)"
    unchecked = plan_workbook(read_workbook(path), path.name, [], [])  # no as_of: what applying then says
    with freeze(datetime(2025, 5, 14, 12, 0)):
        result = apply_plan(unchecked, filename=path.name, sha256="0" * 64)
    assert [p.message for p in result.problems] == ["The completion date cannot be in the future"]


def test_a_date_of_birth_in_the_future_is_refused_by_the_preview(app, tmp_path):
    header = ["Member ID", "Name", "Position", "Start date", "Date of birth"]
    path = workbook(tmp_path, members=[["A01", "Ann", "Chair", datetime(2024, 1, 1), datetime(2030, 1, 1)]],
                    checks=[], members_header=header)
    plan = _plan(path)
    assert [(p.cell, p.message) for p in plan.problems] == [
        ("sheet Members, row 2, column Date of birth (E2)", "The date of birth must be in the past")]


def test_a_record_lacking_facts_is_a_notice_and_imports(app, tmp_path):
    check = ["A01", "dbs", datetime(2024, 5, 1), "clear", None, "basic", None]
    plan = _plan(workbook(tmp_path, checks=[check]))
    assert plan.is_ready and len(plan.notices) == 1
    assert plan.notices[0].message == ("sheet Checks, row 2, column Completed on (C2): the dbs record of 01/05/2024 "
                                       "is imported without reference (pages show \"not recorded\")")


def test_updates_carry_the_values_they_replace(runner, tmp_path):
    runner("import", workbook(tmp_path))
    changed = list(GOOD_MEMBER)
    changed[2] = "alice.new@example.nhs.uk"
    check = list(GOOD_CHECK)
    check[4] = "009999999999"
    plan = _plan(workbook(tmp_path, members=[changed], checks=[check]))
    update, correct = plan.actions
    assert update.before == {"email": "alice@example.nhs.uk"} and update.changes == {"email": "alice.new@example.nhs.uk"}
    assert correct.before == {"reference": "001234567890"} and plan.questions == []
