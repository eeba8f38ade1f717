"""Planning an import: what each cell creates, questions and their keys, matching, idempotence."""

from datetime import date

import pytest

from fpp.imports.tracker import (Answers, CreateCheckRecord, CreateMember, KnownMember, KnownRecord, Skip,
                         UpdateCheckRecord, UpdateMember, plan_import, propose_mapping, read_tracker,
                         render_preview)

from .conftest import AS_OF, CATALOGUE, HEADERS, applies, apply_plan, member_row


def plan_for(path, members=(), records=(), answers=None):
    tracker = read_tracker(path)
    return plan_import(tracker, propose_mapping(tracker, CATALOGUE), CATALOGUE, members=members,
                       records=records, applies=applies, as_of=AS_OF, answers=Answers(answers))


def created(plan, code):
    return [a for a in plan.actions if isinstance(a, CreateCheckRecord) and a.code == code]


def action_at(plan, cell):
    return next(a for a in plan.actions if getattr(a, "source", None) == cell or getattr(a, "cell", None) == cell)


def test_a_date_is_a_clear_record_with_its_qualifiers(make_xlsx):
    plan = plan_for(make_xlsx([HEADERS, member_row(level="Enhanced w/ barred")]))
    dbs = created(plan, "dbs")[0]
    assert (dbs.completed_on, dbs.outcome, dbs.dbs_level, dbs.source) == (date(2023, 1, 5), "clear", "enhanced_barred", "G2")


def test_not_applicable_for_an_applicable_check_is_dated_the_start_date(make_xlsx):
    plan = plan_for(make_xlsx([HEADERS, member_row(health="N/A")]))
    health = created(plan, "health")[0]
    assert (health.completed_on, health.outcome) == (date(2020, 1, 1), "not_applicable")


def test_not_applicable_for_a_check_that_does_not_apply_creates_nothing(make_xlsx):
    plan = plan_for(make_xlsx([HEADERS, member_row(reg="n/a", appraisal="not applicable", start=date(2025, 1, 1))]))
    assert created(plan, "professional_registration") == [] and created(plan, "appraisal") == []
    assert isinstance(action_at(plan, "J2"), Skip) and "does not apply" in action_at(plan, "K2").reason


@pytest.mark.parametrize("text", ["outstanding", "Awaiting 2nd ref", "not due", "chased 2/5", None])
def test_no_record_wordings_create_nothing(make_xlsx, text):
    plan = plan_for(make_xlsx([HEADERS, member_row(identity=text)]))
    assert created(plan, "identity") == [] and isinstance(action_at(plan, "F2"), Skip)
    assert not plan.questions


@pytest.mark.parametrize("text", ["Apr 2025", "CONCERN - see note", "Yes - 2 recd", "Yes"])
def test_anything_else_is_a_question_at_its_cell(make_xlsx, text):
    plan = plan_for(make_xlsx([HEADERS, member_row(identity=text)]))
    assert [(q.key, q.cell) for q in plan.open_questions] == [("F2", "F2")]
    assert created(plan, "identity") == [] and not plan.is_ready
    assert 'F2 = ?' in render_preview(plan)


@pytest.mark.parametrize("answer, outcome, on", [
    (date(2025, 4, 20), "clear", date(2025, 4, 20)), ("issue 14/04/2025", "issue", date(2025, 4, 14)),
    ("2025-04-02", "clear", date(2025, 4, 2)), ("n/a", "not_applicable", date(2020, 1, 1)),
])
def test_answers_by_cell_reference(make_xlsx, answer, outcome, on):
    plan = plan_for(make_xlsx([HEADERS, member_row(identity="CONCERN - see note")]), answers={"f2": answer})
    record = created(plan, "identity")[0]
    assert (record.outcome, record.completed_on) == (outcome, on)
    assert plan.is_ready and not plan.open_questions


def test_skip_answer_and_a_bad_answer(make_xlsx):
    path = make_xlsx([HEADERS, member_row(identity="Yes", dbs="Yes")])
    plan = plan_for(path, answers={"F2": "skip", "G2": "maybe"})
    assert created(plan, "identity") == [] and [q.key for q in plan.open_questions] == ["G2"]
    assert "not understood" in plan.problems[0].message


def test_dbs_level_question_at_the_level_cell(make_xlsx):
    plan = plan_for(make_xlsx([HEADERS, member_row(level="Enhanced (adult)")]))
    assert [q.key for q in plan.questions] == ["H2"]
    answered = plan_for(make_xlsx([HEADERS, member_row(level="Enhanced (adult)")], name="b.xlsx"),
                        answers={"H2": "enhanced_barred"})
    assert created(answered, "dbs")[0].dbs_level == "enhanced_barred"


def test_future_dates_are_questioned(make_xlsx):
    plan = plan_for(make_xlsx([HEADERS, member_row(identity=date(2052, 3, 14))]))
    assert [q.key for q in plan.questions] == ["F2"]


def test_positions_from_exec_ned_and_job_title(make_xlsx):
    rows = [HEADERS, member_row("A", "1", "NED", "Chair"), member_row("B", "2", "NED", "Non-Executive Director (SID)"),
            member_row("C", "3", "Exec", "Chief Executive"), member_row("D", "4", "Exec", "Medical Director"),
            member_row("E", "5", "NED", "Associate Non-Executive Director"), member_row("F", "6", "Exec", "Chair")]
    plan = plan_for(make_xlsx(rows))
    positions = [a.position for a in plan.actions if isinstance(a, CreateMember)]
    assert positions == ["Chair", "Senior independent director", "Chief executive", "Executive director",
                         "Associate director", None]
    assert [q.key for q in plan.questions] == ["D7"]


def test_duplicate_person_is_a_problem(make_xlsx):
    plan = plan_for(make_xlsx([HEADERS, member_row("Ann Smith", "1001"), member_row("Mrs Ann Smith", None)]))
    assert [p.cell for p in plan.problems] == ["A2", "A3"]
    assert plan.count(CreateMember) == 0 and not plan.is_ready


def test_same_name_with_different_numbers_is_two_people(make_xlsx):
    plan = plan_for(make_xlsx([HEADERS, member_row("Ann Smith", "1001"), member_row("Ann Smith", "1002")]))
    assert not plan.problems and plan.count(CreateMember) == 2


def test_new_member_without_a_number_gets_a_generated_id(make_xlsx):
    members = [KnownMember("TRK-0001", "Someone Else")]
    plan = plan_for(make_xlsx([HEADERS, member_row(esr=None)]), members=members)
    create = plan.actions[0]
    assert (create.member_id, create.id_generated) == ("TRK-0002", True)
    assert "TRK-0002 (generated Member ID)" in render_preview(plan)


def test_name_match_needs_confirmation(make_xlsx):
    members = [KnownMember("E77", "Ann Smith", start_on=date(2020, 1, 1))]
    path = make_xlsx([HEADERS, member_row("Mrs Ann Smith", esr=None)])
    waiting = plan_for(path, members=members)
    assert [q.key for q in waiting.questions] == ["A2"]
    assert waiting.count(CreateCheckRecord) == 0 and waiting.members[0].member_id is None
    confirmed = plan_for(path, members=members, answers={"A2": "yes"})
    assert confirmed.members[0].member_id == "E77" and confirmed.count(CreateMember) == 0
    assert {a.member_id for a in confirmed.actions if isinstance(a, CreateCheckRecord)} == {"E77"}
    assert plan_for(path, members=members, answers={"A2": "new"}).actions[0].member_id == "TRK-0001"


def test_number_match_updates_changed_fields(make_xlsx):
    members = [KnownMember("1001", "Ann Smith", start_on=date(2019, 1, 1), position="Executive director")]
    plan = plan_for(make_xlsx([HEADERS, member_row()]), members=members)
    update = next(a for a in plan.actions if isinstance(a, UpdateMember))
    assert update.changes["start_on"] == date(2020, 1, 1) and update.sources["start_on"] == "E2"
    assert "position" not in update.changes


def test_end_date_before_start_is_a_problem(make_xlsx):
    path = make_xlsx([["Name", "Date appointed", "Date left"], ["Ann", "01/04/2024", "31/03/2024"]])
    plan = plan_for(path)
    assert [p.cell for p in plan.problems] == ["C2"]


def test_changed_reference_updates_the_record(make_xlsx):
    path = make_xlsx([["Name", "ESR no.", "Date appointed", "DBS date", "DBS type", "DBS cert no."],
                      ["Ann", "1", "1/1/2020", "5/1/2023", "Basic", "001234"]])
    members = [KnownMember("1", "Ann", start_on=date(2020, 1, 1))]
    records = [KnownRecord("1", "dbs", date(2023, 1, 5), "clear", "009999", "basic")]
    update = next(a for a in plan_for(path, members, records).actions if isinstance(a, UpdateCheckRecord))
    assert update.changes == {"reference": "001234"}


def test_unused_answers_are_reported(make_xlsx):
    plan = plan_for(make_xlsx([HEADERS, member_row()]), answers={"Z99": "skip"})
    assert any(n.key == "Z99" for n in plan.notices)


def test_heading_rows_are_left_out(make_xlsx):
    rows = [HEADERS, ["Executive directors"], member_row()]
    plan = plan_for(make_xlsx(rows, merge=["A2:K2"]))
    assert [m.name for m in plan.members] == ["Ann Smith"] and not plan.questions


def test_second_run_creates_nothing(make_xlsx):
    rows = [HEADERS, member_row(), member_row("Bob Jones", None, "NED", "Non-Executive Director", health="N/A")]
    path = make_xlsx(rows)
    first = plan_for(path)
    members, records = apply_plan(first, [], [])
    second = plan_for(path, members, records, answers={"A3": "yes"})
    assert second.count(CreateMember) == second.count(CreateCheckRecord) == 0
    assert second.count(UpdateMember) == second.count(UpdateCheckRecord) == 0
    assert second.is_ready
