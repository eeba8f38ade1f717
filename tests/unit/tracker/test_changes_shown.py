"""Every change shown before it happens: before -> after for members and records, "is this the same
person?" for a changed name or date of birth, and the checks applying runs, run by the preview."""
from __future__ import annotations

from datetime import date

from fpp.imports.tracker import (Answers, CreateCheckRecord, KnownMember, KnownRecord, Skip, UpdateCheckRecord,
                                 UpdateMember, describe, plan_import, propose_mapping, read_tracker, render_preview)
from fpp.imports.tracker.model import RENAME_PREFIX

from .conftest import AS_OF, CATALOGUE, HEADERS, applies, member_row

KEY = RENAME_PREFIX + "1001"


def plan_for(path, members=(), records=(), answers=None, accept_renames=False):
    tracker = read_tracker(path)
    return plan_import(tracker, propose_mapping(tracker, CATALOGUE), CATALOGUE, members=members, records=records,
                       applies=applies, as_of=AS_OF, answers=Answers(answers), accept_renames=accept_renames)


def known(**fields):
    return KnownMember("1001", fields.pop("name", "Ann Smith"), start_on=date(2019, 1, 1), **fields)


def test_a_member_update_shows_each_field_before_and_after(make_xlsx):
    plan = plan_for(make_xlsx([HEADERS, member_row()]), members=[known(role_title="Deputy Director of Finance")])
    update = next(a for a in plan.actions if isinstance(a, UpdateMember))
    assert update.before == {"start_on": date(2019, 1, 1), "role_title": "Deputy Director of Finance",
                             "position": None, "executive": None}
    line = describe(update)
    assert "start on 01/01/2019 \u2192 01/01/2020 (E2)" in line
    assert "role title 'Deputy Director of Finance' \u2192 'Director of Finance' (D2)" in line
    assert plan.is_ready  # not a rename: no question


def test_a_record_update_shows_before_and_after(make_xlsx):
    path = make_xlsx([["Name", "ESR no.", "Date appointed", "DBS date", "DBS type", "DBS cert no."],
                      ["Ann Smith", "1001", "1/1/2019", "5/1/2023", "Basic", "001234567890"]])
    records = [KnownRecord("1001", "dbs", date(2023, 1, 5), "clear", "009999999999", "basic")]
    update = next(a for a in plan_for(path, [known()], records).actions if isinstance(a, UpdateCheckRecord))
    assert update.before == {"reference": "009999999999"}
    assert describe(update) == "D2: update dbs 05/01/2023: reference '009999999999' \u2192 '001234567890'"


def test_a_new_name_for_a_number_asks_is_this_the_same_person(make_xlsx):
    path = make_xlsx([HEADERS, member_row(name="Ann Jones")])
    plan = plan_for(path, members=[known()])
    question = next(q for q in plan.questions if q.key == KEY)
    assert question.is_blocking and question.message.startswith("Is this the same person?")
    assert "name 'Ann Smith' \u2192 'Ann Jones'" in question.message
    assert not plan.is_ready
    update = next(a for a in plan.actions if isinstance(a, UpdateMember))  # still shown, field by field
    assert update.renames and update.before["name"] == "Ann Smith"
    assert f'"{KEY}" = ?' in render_preview(plan) and "--accept-renames" in render_preview(plan)
    for ready in (plan_for(path, [known()], answers={KEY: "yes"}), plan_for(path, [known()], accept_renames=True)):
        assert ready.is_ready
        assert next(a for a in ready.actions if isinstance(a, UpdateMember)).changes["name"] == "Ann Jones"
    skipped = plan_for(path, [known()], answers={KEY: "skip"})
    assert skipped.is_ready and all(isinstance(a, Skip) for a in skipped.actions)


def test_a_changed_date_of_birth_asks_but_a_first_one_does_not(make_xlsx):
    rows = [HEADERS + ["DOB"], member_row() + ["02/03/1970"]]
    assert not plan_for(make_xlsx(rows), members=[known(date_of_birth=date(1971, 3, 2))]).is_ready
    first = plan_for(make_xlsx(rows, name="b.xlsx"), members=[known()])
    assert first.is_ready and not any(q.key == KEY for q in first.questions)


def test_a_future_date_typed_as_an_answer_is_refused_in_the_preview(make_xlsx):
    path = make_xlsx([HEADERS, member_row(identity="Yes")])
    plan = plan_for(path, answers={"F2": "clear 01/01/2030"})
    assert [p.cell for p in plan.problems] == ["F2"] and "after today" in plan.problems[0].message
    assert not plan.is_ready and not any(getattr(a, "code", None) == "identity" for a in plan.actions
                                         if isinstance(a, CreateCheckRecord))


def test_a_dbs_date_without_a_level_column_asks_for_the_level(make_xlsx):
    path = make_xlsx([["Name", "ESR no.", "Date appointed", "DBS date"], ["Ann Smith", "1001", "1/1/2019", "5/1/2023"]])
    plan = plan_for(path)
    assert [q.key for q in plan.questions if q.is_blocking] == ["D2 level"]
    answered = plan_for(path, answers={"D2 level": "enhanced"})
    assert answered.is_ready
    assert next(a for a in answered.actions if isinstance(a, CreateCheckRecord)).dbs_level == "enhanced"


def test_the_preview_names_the_required_facts_a_record_lacks(make_xlsx):
    plan = plan_for(make_xlsx([HEADERS + ["Insolvency search"], member_row() + ["02/04/2024"]]))
    dbs = next(a for a in plan.actions if isinstance(a, CreateCheckRecord) and a.code == "dbs")
    assert describe(dbs).endswith("; not recorded: certificate number")
    insolvency = next(a for a in plan.actions if isinstance(a, CreateCheckRecord) and a.code == "insolvency")
    assert "not recorded: name searched on, date of birth searched on, who searched" in describe(insolvency)
    assert plan.is_ready and "2 new record(s) lack facts" in render_preview(plan)
