"""`fpp import` and `fpp status`: the example board, re-imports, and each kind of bad input."""
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from checks import CHECK_CODES
from fpp.extensions import db
from fpp.people.models import Member
from fpp.register.models import CheckRecord
from tests.data import EXAMPLE_BOARD, EXAMPLE_STATUS

EXAMPLE = EXAMPLE_BOARD
EXPECTED = EXAMPLE_STATUS
MEMBERS_HEADER = ["Member ID", "Name", "Email", "Position", "Role title", "Voting", "Interim", "Executive",
                  "Professional registration", "Start date", "End date"]
CHECKS_HEADER = ["Member ID", "Check", "Completed on", "Outcome", "Reference", "DBS level", "Notes"]
GOOD_MEMBER = ["A01", "Alice Example", "alice@example.nhs.uk", "Non-executive director", None, "Yes", "No", None,
               None, datetime(2024, 1, 1), None]
GOOD_CHECK = ["A01", "dbs", datetime(2024, 5, 1), "clear", "001234567890", "basic", None]


def workbook(tmp_path, members=(GOOD_MEMBER,), checks=(GOOD_CHECK,), members_header=MEMBERS_HEADER,
             checks_header=CHECKS_HEADER, sheets=("Members", "Checks")) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in (("Members", members_header, members), ("Checks", checks_header, checks)):
        if title in sheets:
            sheet = book.create_sheet(title)
            sheet.append(header)
            for row in rows:
                sheet.append(list(row))
    path = tmp_path / "board.xlsx"
    book.save(path)
    return path


def counts():
    return (db.session.execute(select(func.count(Member.id))).scalar(),
            db.session.execute(select(func.count(CheckRecord.id))).scalar())


def test_example_board_gives_exactly_the_example_status(runner):
    result = runner("import", EXAMPLE)
    assert result.exit_code == 0, result.output
    status = runner("status", "--as-of", "2026-06-30", "--format", "json")
    assert status.exit_code == 0
    assert json.loads(status.output) == json.loads(EXPECTED.read_text())
    # CONTRACT.md: members in Member ID order, check codes in FPPT.md section 3 order (dict equality ignores order).
    got, expected = _ordered(status.output), _ordered(EXPECTED.read_text())
    assert [m["member_id"] for m in got["members"]] == [m["member_id"] for m in expected["members"]]
    assert [m["member_id"] for m in got["members"]] == sorted(m["member_id"] for m in got["members"])
    for member, wanted in zip(got["members"], expected["members"]):
        assert list(member) == ["member_id", "name", "status", "checks"]
        assert list(member["checks"]) == list(wanted["checks"]) == list(CHECK_CODES)
        assert all(list(c) == ["status", "completed_on", "expires_on"] for c in member["checks"].values())


def _ordered(text: str) -> dict:
    """The parsed JSON, each object's keys in the document's order (compare `list(...)` to test order)."""
    return json.loads(text, object_pairs_hook=dict)


def test_importing_the_same_file_again_changes_nothing(runner):
    runner("import", EXAMPLE)
    before = counts()
    result = runner("import", EXAMPLE)
    assert result.exit_code == 0
    assert "0 created, 0 updated" in result.output
    assert counts() == before


def test_dry_run_reports_and_changes_nothing(runner):
    result = runner("import", EXAMPLE, "--dry-run")
    assert result.exit_code == 0 and "Would import members: 10 created" in result.output
    assert counts() == (0, 0)


def test_re_import_updates_given_cells_and_keeps_blank_ones(runner, tmp_path):
    runner("import", workbook(tmp_path))
    changed = list(GOOD_MEMBER)
    changed[1], changed[2] = "Alice Changed", None   # a blank optional cell leaves the stored value
    check = list(GOOD_CHECK)
    check[6] = "Update Service checked"
    path = workbook(tmp_path, members=[changed], checks=[check])
    asked = runner("import", path)  # a new name: "is this the same person?" stops the import
    assert asked.exit_code == 1 and "Is this the same person? Alice Example, no date of birth held" in asked.output
    assert "--accept-renames" in asked.output
    assert db.session.execute(select(Member.name)).scalar_one() == "Alice Example"
    result = runner("import", path, "--accept-renames")
    assert "1 updated" in result.output, result.output
    member = db.session.execute(select(Member)).scalar_one()
    assert (member.name, member.email) == ("Alice Changed", "alice@example.nhs.uk")
    assert db.session.execute(select(CheckRecord.notes)).scalar_one() == "Update Service checked"


def test_whole_number_member_ids_become_digits_and_leading_zeros_stay(runner, tmp_path):
    members = [[30145566, *GOOD_MEMBER[1:]], ["007", "Bond", None, "Chair", None, None, None, None, None,
                                              "2024-02-01", None]]
    checks = [[30145566.0, "Identity and right to work", "2024-01-02", None, None, None, None]]
    assert runner("import", workbook(tmp_path, members=members, checks=checks)).exit_code == 0
    ids = set(db.session.execute(select(Member.member_id)).scalars())
    assert ids == {"30145566", "007"}


@pytest.mark.parametrize("kwargs, expected", [
    ({"sheets": ("Members",)}, "sheet Checks: the workbook has no sheet named 'Checks'"),
    ({"members_header": ["Member ID", "Full name", "Position", "Start date"]},
     "sheet Members, row 1: the header row has no column 'Name'"),
    ({"checks": [["A01", "dbs_check", "2024-05-01", None, None, "basic", None]]},
     "sheet Checks, row 2, column Check (B2): 'dbs_check' is not a check code or name"),
    ({"checks": [["A01", "insolvency", "31/02/2024", None, None, None, None]]},
     "sheet Checks, row 2, column Completed on (C2): '31/02/2024' is not a date"),
    ({"checks": [["Z99", "insolvency", "2024-05-01", None, None, None, None]]},
     "sheet Checks, row 2, column Member ID (A2): 'Z99' is not in the Members sheet or the register"),
    ({"members": [GOOD_MEMBER, GOOD_MEMBER]}, "sheet Members, row 3, column Member ID: 'A01' appears more than once"),
    ({"members": [[*GOOD_MEMBER[:10], datetime(2023, 1, 1)]]}, "the end date 01/01/2023 is before the start date"),
    ({"members": [[*GOOD_MEMBER[:3], "Director", *GOOD_MEMBER[4:]]]}, "'Director' is not a position"),
    ({"members": [[*GOOD_MEMBER[:5], "Maybe", *GOOD_MEMBER[6:]]]}, "'Maybe' is not Yes or No"),
    ({"checks": [["A01", "dbs", "2024-05-01", None, None, None, None]]}, "DBS level (F2): is required for a dbs check"),
    ({"checks": [["A01", "insolvency", "2024-05-01", "fine", None, None, None]]}, "'fine' is not an outcome"),
    ({"checks": [GOOD_CHECK, GOOD_CHECK]}, "sheet Checks, row 3: is the same as an earlier row (row 2)"),
    ({"checks": [["A01", "insolvency", "2099-01-01", None, None, None, None]]}, "cannot be in the future"),
])
def test_each_bad_input_is_named_and_nothing_is_imported(runner, tmp_path, kwargs, expected):
    result = runner("import", workbook(tmp_path, **kwargs))
    assert result.exit_code == 1
    assert expected in result.output
    assert "nothing was imported" in result.output
    assert counts() == (0, 0)


def test_every_problem_is_reported_in_one_run(runner, tmp_path):
    checks = [["A01", "nope", "2024-05-01", None, None, None, None], ["A01", "dbs", "yesterday", None, None, "basic", None]]
    result = runner("import", workbook(tmp_path, checks=checks))
    assert result.exit_code == 1
    assert "(B2)" in result.output and "(C3)" in result.output


@pytest.mark.parametrize("content, expected", [
    (b"not a workbook", "not a readable .xlsx workbook"),
    (None, "no such file"),
])
def test_unreadable_files(runner, tmp_path, content, expected):
    path = tmp_path / "broken.xlsx"
    if content is not None:
        path.write_bytes(content)
    result = runner("import", path)
    assert result.exit_code == 1 and expected in result.output


def test_status_as_of_excludes_members_who_start_later(runner, tmp_path):
    later = ["B02", "Bob Later", None, "Chief executive", None, None, None, None, None, datetime(2027, 1, 1), None]
    runner("import", workbook(tmp_path, members=[GOOD_MEMBER, later]))
    data = json.loads(runner("status", "--as-of", "2026-06-30", "--format", "json").output)
    assert [m["member_id"] for m in data["members"]] == ["A01"]
    assert list(data["members"][0]["checks"]) == list(CHECK_CODES)


def test_status_table_and_bad_as_of(runner, tmp_path):
    runner("import", workbook(tmp_path))
    table = runner("status", "--as-of", "2026-06-30")
    assert table.exit_code == 0 and "Alice Example" in table.output and "Action required" in table.output
    bad = runner("status", "--as-of", "30/06/2026")
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_every_imported_change_is_audited(runner, tmp_path):
    from fpp.audit.models import AuditEntry
    runner("import", workbook(tmp_path))
    actions = list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())
    assert actions == ["member.create", "check.create", "import.workbook"]
    assert date.today()  # the import ran without a clock dependency
