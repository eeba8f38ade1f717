"""`fpp import`: a single-line cell with a control character is a problem naming its cell; notes keep
their line breaks but nothing else."""
import pytest
from sqlalchemy import select

from fpp.extensions import db
from fpp.register.models import CheckRecord

from .test_import_workbook import CHECKS_HEADER, GOOD_CHECK, GOOD_MEMBER, MEMBERS_HEADER, counts, workbook

ONE_LINE = "must be on one line, without control characters"


def with_member(column: str, value) -> dict:
    row = list(GOOD_MEMBER)
    row[MEMBERS_HEADER.index(column)] = value
    return {"members": [row]}


def with_check(column: str, value) -> dict:
    row = list(GOOD_CHECK)
    row[CHECKS_HEADER.index(column)] = value
    return {"checks": [row]}


@pytest.mark.parametrize("kwargs, expected", [
    (with_member("Name", "Alice\r\nBcc: x@example.com"),
     f"sheet Members, row 2, column Name (B2): {ONE_LINE} (found U+000D)"),
    (with_member("Name", "Alice\u2028Example"), f"column Name (B2): {ONE_LINE} (found U+2028)"),
    (with_member("Email", "alice@example.nhs.uk\nBcc: x@example.com"), f"column Email (C2): {ONE_LINE} (found U+000A)"),
    (with_member("Position", "Chair\tperson"), f"column Position (D2): {ONE_LINE} (found U+0009)"),
    (with_member("Role title", "Director\x85of Finance"), f"column Role title (E2): {ONE_LINE} (found U+0085)"),
    (with_member("Voting", "Y\nes"), f"column Voting (F2): {ONE_LINE} (found U+000A)"),
    (with_member("Professional registration", "GMC\u20291234567"),
     f"column Professional registration (I2): {ONE_LINE} (found U+2029)"),
    (with_member("Start date", "2024-01\n-01"), f"column Start date (J2): {ONE_LINE} (found U+000A)"),
    ({"members": [["A\x7f01", *GOOD_MEMBER[1:]]], "checks": []}, f"column Member ID (A2): {ONE_LINE} (found U+007F)"),
    (with_check("Member ID", "A0\n1"), f"sheet Checks, row 2, column Member ID (A2): {ONE_LINE} (found U+000A)"),
    (with_check("Check", "d\nbs"), f"column Check (B2): {ONE_LINE} (found U+000A)"),
    (with_check("Reference", "0012\r34567890"), f"column Reference (E2): {ONE_LINE} (found U+000D)"),
    (with_check("DBS level", "ba\tsic"), f"column DBS level (F2): {ONE_LINE} (found U+0009)"),
    (with_check("Notes", "seen\x7fby the chair"),
     "column Notes (G2): must not contain control characters other than line breaks (found U+007F)"),
])
def test_a_control_character_is_named_with_its_cell_and_nothing_is_imported(runner, tmp_path, kwargs, expected):
    result = runner("import", workbook(tmp_path, **kwargs))
    assert result.exit_code == 1
    assert expected in result.output and "nothing was imported" in result.output
    assert "\r" not in result.output and "Bcc: x@example.com" not in result.output
    assert counts() == (0, 0)


def test_notes_keep_their_line_breaks_and_values_are_trimmed(runner, tmp_path):
    checks = [[*GOOD_CHECK[:6], "Seen by the chair.\r\nCopy on file."]]
    members = [["A01", "Alice Example\n", *GOOD_MEMBER[2:]]]
    result = runner("import", workbook(tmp_path, members=members, checks=checks))
    assert result.exit_code == 0, result.output
    assert db.session.execute(select(CheckRecord.notes)).scalar() == "Seen by the chair.\r\nCopy on file."
