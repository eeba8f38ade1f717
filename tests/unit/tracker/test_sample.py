"""The real sample tracker: what a careful human would expect it to produce."""

from datetime import date

from fpp.imports.tracker import (Answers, CreateCheckRecord, CreateMember, Skip, plan_import, propose_mapping,
                         read_tracker)

from .conftest import AS_OF, CATALOGUE, SAMPLE, applies, apply_plan

ANSWERS = {"I5": "skip", "J5": "skip", "R9": "clear 20/04/2025", "P11": "skip"}


def sample_plan(members=(), records=(), answers=None):
    tracker = read_tracker(SAMPLE)
    return plan_import(tracker, propose_mapping(tracker, CATALOGUE), CATALOGUE, members=members,
                       records=records, applies=applies, as_of=AS_OF, answers=Answers(answers))


def test_header_found_under_the_title_rows():
    tracker = read_tracker(SAMPLE)
    assert (tracker.sheet, tracker.header_row, len(tracker.rows)) == ("FPPT 2025-26", 4, 9)


def test_every_column_is_mapped_automatically():
    plan = sample_plan()
    assert "ignore" not in plan.mapping.values()
    assert plan.mapping["Prof. reg (body/no.)"] == "member.professional_registration"
    assert plan.mapping["Reg check"] == "check.professional_registration"
    assert plan.mapping["DBS type"] == "check.dbs.level" and plan.mapping["Notes"] == "notes"


def test_the_questions_point_at_their_cells():
    plan = sample_plan()
    assert [(q.key, q.message.split(" says ")[1]) for q in plan.questions] == [
        ("I5", "'Yes - 2 recd', which is not a date."), ("J5", "'Yes', which is not a date."),
        ("R9", "'CONCERN - see note', which is not a date."), ("P11", "'Apr 2025', which is not a date.")]
    assert plan.questions[2].context.startswith("Companies House: match on name")
    assert not plan.problems


def test_members_positions_and_ids():
    members = [a for a in sample_plan().actions if isinstance(a, CreateMember)]
    assert [(m.member_id, m.position) for m in members] == [
        ("30145566", "Chair"), ("30221874", "Chief executive"), ("30198720", "Executive director"),
        ("30254411", "Executive director"), ("30301234", "Executive director"),
        ("30110099", "Non-executive director"), ("30177700", "Senior independent director"),
        ("30330001", "Non-executive director"), ("TRK-0001", "Executive director")]
    baker = members[-1]
    assert (baker.name, baker.interim, baker.id_generated) == ("Mr Tom Baker", True, True)
    assert members[5].end_on == date(2025, 3, 31)
    assert members[2].professional_registration == "GMC 6123456"


def test_records_a_careful_human_expects():
    plan = sample_plan()
    # 9 members x 14 check columns = 126 cells; 14 create nothing: 4 questions (I5 J5 R9 P11),
    # 6 blank "Reg check" cells of members without a registration (P5 P6 P9 P10 P12 P13),
    # V7 outstanding, I12 awaiting,
    # W12 not due, W13 N/A for an appraisal not yet due.
    assert plan.count(CreateCheckRecord) == 112
    by_cell = {a.source: a for a in plan.actions if isinstance(a, CreateCheckRecord)}
    assert by_cell["L7"].completed_on == date(2023, 3, 14) and by_cell["L7"].dbs_level == "enhanced_barred"
    assert by_cell["L11"].completed_on == date(2022, 11, 3)
    assert by_cell["P7"].reference == "GMC 6123456" and by_cell["L5"].reference == "001765432109"
    assert by_cell["W7"].notes == "chased 2/5"
    assert [(c, by_cell[c].completed_on) for c in ("K5", "K10", "K11", "K12")] == [
        ("K5", date(2019, 11, 1)), ("K10", date(2018, 6, 1)), ("K11", date(2020, 10, 1)), ("K12", date(2025, 2, 1))]
    assert all(by_cell[c].outcome == "not_applicable" for c in ("K5", "K10", "K11", "K12"))
    skipped = {a.cell: a.reason for a in plan.actions if isinstance(a, Skip)}
    assert skipped["V7"] == "outstanding" and skipped["I12"] == "Awaiting 2nd ref" and skipped["W12"] == "Not due"
    assert "does not apply" in skipped["W13"]


def test_answered_sample_is_ready_and_idempotent():
    plan = sample_plan(answers=ANSWERS)
    assert plan.is_ready and plan.count(CreateCheckRecord) == 113
    assert [a for a in plan.actions if getattr(a, "source", "") == "R9"][0].completed_on == date(2025, 4, 20)
    members, records = apply_plan(plan, [], [])
    again = sample_plan(members, records, {**ANSWERS, "A13": "yes"})
    assert again.count(CreateMember) == again.count(CreateCheckRecord) == 0
    assert again.is_ready and len(again.actions) == len([a for a in again.actions if isinstance(a, Skip)])
