"""A tracker cell holding a control character is a problem naming sheet, row, column and cell: member
fields and qualifiers allow none; check cells, comments and notes keep their line breaks only."""

from datetime import date

import pytest

from fpp.imports.tracker import Answers, plan_import, propose_mapping, read_tracker, render_preview

from .conftest import AS_OF, CATALOGUE, HEADERS, applies, member_row

ONE_LINE = "must be on one line, without control characters"
NOTES = "must not contain control characters other than line breaks"


def plan_for(tracker):
    return plan_import(tracker, propose_mapping(tracker, CATALOGUE), CATALOGUE, members=(), records=(),
                       applies=applies, as_of=AS_OF, answers=Answers({}))


def problems(plan) -> list[tuple[str, str]]:
    return [(p.cell, p.message) for p in plan.problems]


@pytest.mark.parametrize("field, value, cell, column, found", [
    ("name", "Ann Smith\r\nBcc: x@example.com", "A2", "Name", "U+000D"),
    ("name", "Ann\u2028Smith", "A2", "Name", "U+2028"),
    ("esr", "10\t01", "B2", "ESR no.", "U+0009"),
    ("kind", "Ex\nec", "C2", "Exec / NED", "U+000A"),
    ("title", "Director\x85of Finance", "D2", "Job title", "U+0085"),
    ("level", "Enhanced\nwith barred lists", "H2", "DBS type", "U+000A"),
    ("start", "01/01/\n2020", "E2", "Date appointed", "U+000A"),
])
def test_a_single_line_cell_with_a_control_character_is_a_problem(make_xlsx, field, value, cell, column, found):
    plan = plan_for(read_tracker(make_xlsx([HEADERS, member_row(**{field: value})])))
    assert (cell, f"sheet 'Tracker', row 2, column {column!r} ({cell}) {ONE_LINE} (found {found})") in problems(plan)
    assert not plan.is_ready
    preview = render_preview(plan)
    assert f"{cell}: sheet 'Tracker', row 2, column {column!r} ({cell}) {ONE_LINE}" in preview
    assert "\r" not in preview and "\n Bcc" not in preview


def test_email_reference_and_registration_cells_are_single_line(make_xlsx):
    headers = HEADERS + ["Email", "DBS certificate number", "Registration body", "Registration number"]
    row = member_row(reg=date(2024, 1, 1)) + ["ann@example.nhs.uk\nBcc: x@example.com", "0012\r345", "G\tMC",
                                              "12\x7f34"]
    plan = plan_for(read_tracker(make_xlsx([headers, row])))
    found = {cell: message.rpartition(" (found ")[2] for cell, message in problems(plan)}
    assert found == {"L2": "U+000A)", "M2": "U+000D)", "N2": "U+0009)", "O2": "U+007F)"}


def test_a_trailing_line_break_is_trimmed_like_spaces(make_xlsx):
    row = member_row(name="Ann Smith\n", title=" Director of Finance\r\n")
    plan = plan_for(read_tracker(make_xlsx([HEADERS, row])))
    assert plan.problems == [] and plan.members[0].name == "Ann Smith"


def test_notes_and_check_cells_keep_line_breaks(make_xlsx):
    headers = HEADERS + ["Notes"]
    row = member_row(identity="N/A\nagreed with the chair") + ["Chased twice.\r\nSee file."]
    plan = plan_for(read_tracker(make_xlsx([headers, row], comments={"G2": "Seen by\nthe chair"})))
    assert plan.problems == []
    assert "Chased twice." in plan.members[0].notes


def test_other_control_characters_in_notes_check_cells_and_comments_are_problems(make_xlsx):
    headers = HEADERS + ["Notes"]
    row = member_row(identity="N/A\x7f") + ["Chased\x85twice"]
    plan = plan_for(read_tracker(make_xlsx([headers, row], comments={"G2": "Seen\u2028by the chair"})))
    assert sorted(problems(plan)) == [
        ("F2", f"sheet 'Tracker', row 2, column 'ID & RTW' (F2) {NOTES} (found U+007F)"),
        ("G2", f"sheet 'Tracker', row 2, column 'DBS date' (G2): its comment {NOTES} (found U+2028)"),
        ("L2", f"sheet 'Tracker', row 2, column 'Notes' (L2) {NOTES} (found U+0085)"),
    ]


def test_a_csv_tracker_names_row_column_and_cell(tmp_path):
    path = tmp_path / "tracker.csv"
    path.write_bytes(b"Name,Date appointed,Notes\nAnn\x01 Smith,01/01/2020,seen\x0bby the chair\n"
                     b"Bob Jones,01/01/2021,ok\n")
    plan = plan_for(read_tracker(path))
    assert problems(plan) == [("A2", f"row 2, column 'Name' (A2) {ONE_LINE} (found U+0001)"),
                              ("C2", f"row 2, column 'Notes' (C2) {NOTES} (found U+000B)")]


def test_a_merged_cell_is_reported_once(make_xlsx):
    rows = [HEADERS, member_row(title="Director\tof Finance"), member_row(name="Bob Jones", esr="1002", title=None)]
    plan = plan_for(read_tracker(make_xlsx(rows, merge=["D2:D3"])))
    assert [cell for cell, _ in problems(plan)] == ["D2"]
