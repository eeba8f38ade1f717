"""The contract workbook becomes the same import plan as a tracker (one applier writes both)."""
from datetime import date

from fpp.imports.tracker import CreateCheckRecord, CreateMember, KnownMember, KnownRecord, UpdateCheckRecord, UpdateMember
from fpp.imports.workbook import ParsedWorkbook, Row, plan_workbook
from fpp.imports.workbook import Problem as ReadProblem

MEMBER = Row(2, {"member_id": "A01", "name": "Alice Example", "position": "ned", "start_on": date(2024, 1, 1),
                 "date_of_birth": date(1970, 5, 1)},
             {"member_id": "A2", "name": "B2", "position": "D2", "start_on": "J2", "date_of_birth": "I2"})
CHECK = Row(2, {"member_id": "A01", "code": "dbs", "completed_on": date(2024, 5, 1), "outcome": "clear",
                "reference": "001234567890", "dbs_level": "basic"},
            {"member_id": "A2", "code": "B2", "completed_on": "C2", "reference": "E2", "dbs_level": "F2"})


def test_a_new_member_and_record_are_created_with_the_contract_defaults():
    plan = plan_workbook(ParsedWorkbook([MEMBER], [CHECK], []), "book.xlsx", [], [])
    create, record = plan.actions
    assert isinstance(create, CreateMember) and create.voting is True and create.executive is False
    assert create.date_of_birth == date(1970, 5, 1) and create.source == "sheet Members, row 2, column Member ID (A2)"
    assert isinstance(record, CreateCheckRecord) and record.dbs_level == "basic"
    assert plan.is_ready


def test_the_same_rows_again_plan_nothing_and_changed_cells_plan_an_update():
    known = KnownMember("A01", "Alice Example", start_on=date(2024, 1, 1), position="Non-executive director",
                        date_of_birth=date(1970, 5, 1))
    held = KnownRecord("A01", "dbs", date(2024, 5, 1), "clear", reference="001234567890", dbs_level="basic")
    assert plan_workbook(ParsedWorkbook([MEMBER], [CHECK], []), "b", [known], [held]).actions == []
    renamed = Row(2, {**MEMBER.values, "name": "Alice Changed"}, MEMBER.cells)
    noted = Row(2, {**CHECK.values, "notes": "seen"}, {**CHECK.cells, "notes": "G2"})
    update, correct = plan_workbook(ParsedWorkbook([renamed], [noted], []), "b", [known], [held]).actions
    assert isinstance(update, UpdateMember) and update.changes == {"name": "Alice Changed"}
    assert update.sources == {"name": "sheet Members, row 2, column Name (B2)"}
    assert isinstance(correct, UpdateCheckRecord) and correct.changes == {"notes": "seen"}


def test_a_record_for_an_unknown_member_and_reading_problems_block_the_plan():
    plan = plan_workbook(ParsedWorkbook([], [CHECK], []), "b", [], [])
    assert not plan.is_ready and "'A01' is not in the Members sheet or the register" in plan.problems[0].message
    problem = ReadProblem("Checks", 3, "Completed on (C3)", "is required")
    blocked = plan_workbook(ParsedWorkbook([MEMBER], [CHECK], [problem]), "b", [], [])
    assert blocked.actions == [] and blocked.problems[0].cell == "sheet Checks, row 3, column Completed on (C3)"
