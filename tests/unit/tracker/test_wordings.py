"""Headers in any common wording: the vocabulary, fuzzy suggestions a person confirms, columns of check
values that block until answered, the register's own checks by label, and the three trackers of
tests/data/trackers read cell by cell (every dated cell imported or asked about)."""
from __future__ import annotations

import pytest

from fpp.imports.tracker import (Answers, CreateCheckRecord, UpdateCheckRecord, plan_import, propose_mapping,
                                 read_tracker)
from fpp.imports.tracker.headers import guess_target, suggest_target
from fpp.imports.tracker.values import parse_date
from tests.data.trackers import make_trackers
from tests.data.trackers.make_trackers import TRACKERS

from .conftest import AS_OF, CATALOGUE, HEADERS, applies, member_row

TRACKER_DIR = make_trackers.HERE


@pytest.mark.parametrize("header, target", [
    ("DBS Check Date", "check.dbs"), ("Enhanced DBS (date)", "check.dbs"), ("Criminal records (DBS)", "check.dbs"),
    ("Barring list", "check.dbs"), ("Disclosure certificate no.", "check.dbs.reference"),
    ("DBS cert number", "check.dbs.reference"), ("Level of DBS", "check.dbs.level"),
    ("Bankruptcy & Insolvency search", "check.insolvency"), ("Insolvency Service", "check.insolvency"),
    ("Disqualified Directors Register", "check.disqualified_directors"),
    ("Companies House check", "check.disqualified_directors"),
    ("Companies House disqualified directors", "check.disqualified_directors"),
    ("Charity Commission removed trustees", "check.removed_trustees"),
    ("Removed trustees register", "check.removed_trustees"),
    ("Employment tribunal judgments", "check.employment_tribunal"), ("ET search", "check.employment_tribunal"),
    ("Google / social media search", "check.social_media"), ("Internet / press search", "check.social_media"),
    ("Qualifications verified", "check.qualifications"), ("Qualification", "check.qualifications"),
    ("Degree certificates seen", "check.qualifications"),
    ("Prof. registration (GMC/NMC) checked", "check.professional_registration"),
    ("Registration checked", "check.professional_registration"),
    ("NMC PIN", "check.professional_registration.registration_number"),
    ("Employment history checked", "check.employment_history"), ("Career history", "check.employment_history"),
    ("Self-declaration signed", "check.self_attestation"), ("Annual FPP declaration", "check.self_attestation"),
    ("Self attestations", "check.self_attestation"), ("Annual appraisal", "check.appraisal"),
    ("Appraisals", "check.appraisal"), ("Board Member Reference received", "check.references"),
    ("Reference", "check.references"), ("Leaver reference", "check.leaver_reference"),
    ("Proof of ID", "check.identity"), ("Right to work", "check.identity"),
    ("Identity and right to work checked", "check.identity"), ("Occupational health", "check.health"),
    ("Health questionnaire", "check.health"), ("Identity and right to work status", "ignore"),
    ("Overall status", "ignore"), ("Name of director", "member.name"), ("Payroll no.", "member.member_id"),
])
def test_common_wordings_map_with_certainty(header, target):
    assert guess_target(header, CATALOGUE) == target


@pytest.mark.parametrize("header", ["Parking permit", "Car registration", "Conflict of interest declaration",
                                    "Gifts and hospitality declaration", "Line manager", "Mandatory training"])
def test_other_columns_are_not_checks(header):
    target = guess_target(header, CATALOGUE)
    assert target is None or not target.startswith("check.")
    assert suggest_target(header, CATALOGUE) is None


@pytest.mark.parametrize("header, suggestion", [
    ("Apraisal", "check.appraisal"), ("Refrences", "check.references"), ("Emplyment history", "check.employment_history"),
    ("Employment history & references", "check.employment_history"),  # two checks: the first named
])
def test_a_fuzzy_or_double_header_is_only_a_suggestion(header, suggestion):
    assert guess_target(header, CATALOGUE) is None
    assert suggest_target(header, CATALOGUE)[0] == suggestion


def _plan(path, answers=None, catalogue=CATALOGUE):
    tracker = read_tracker(path)
    return plan_import(tracker, propose_mapping(tracker, catalogue), catalogue, members=[], records=[],
                       applies=applies, as_of=AS_OF, answers=Answers(answers))


def test_a_suggestion_is_a_blocking_question_until_confirmed(make_xlsx):
    path = make_xlsx([HEADERS + ["Apraisal date"], member_row() + ["01/04/2024"]])
    plan = _plan(path)
    question = next(q for q in plan.questions if q.key == "Apraisal date")
    assert (question.suggestion, question.default, question.is_blocking) == ("check.appraisal", None, True)
    assert not plan.is_ready and plan.mapping["Apraisal date"] == "ignore"
    confirmed = _plan(path, {"Apraisal date": "check.appraisal"})
    assert confirmed.is_ready and [a.completed_on.isoformat() for a in confirmed.actions
                                   if isinstance(a, CreateCheckRecord) and a.code == "appraisal"] == ["2024-04-01"]


@pytest.mark.parametrize("value", ["01/04/2024", "N/A", "outstanding", "Yes", "Received", True])
def test_an_unknown_column_of_check_values_blocks(make_xlsx, value):
    plan = _plan(make_xlsx([HEADERS + ["Board induction"], member_row() + [value]]))
    question = next(q for q in plan.questions if q.key == "Board induction")
    assert question.is_blocking and question.default is None and "L2" in question.message
    assert not plan.is_ready
    ignored = _plan(make_xlsx([HEADERS + ["Board induction"], member_row() + [value]]), {"Board induction": "ignore"})
    assert ignored.is_ready


def test_a_status_column_holding_dates_is_asked_about(make_xlsx):
    tracker = read_tracker(make_xlsx([HEADERS + ["Induction status"], member_row() + ["02/04/2024"]]))
    assert "Induction status" not in propose_mapping(tracker, CATALOGUE).columns
    quiet = read_tracker(make_xlsx([HEADERS + ["DBS status"], member_row() + ["Valid"]], name="b.xlsx"))
    assert propose_mapping(quiet, CATALOGUE).columns["DBS status"] == "ignore"


def test_a_local_check_matches_by_its_label(make_xlsx):
    catalogue = [*CATALOGUE, ("fire_safety", "Fire safety training")]
    tracker = read_tracker(make_xlsx([HEADERS + ["Fire safety training completed", "Fire safty training"],
                                      member_row() + ["01/03/2025", "01/03/2025"]]))
    assert propose_mapping(tracker, catalogue).columns["Fire safety training completed"] == "check.fire_safety"
    assert suggest_target("Fire safty training", catalogue)[0] == "check.fire_safety"
    assert suggest_target("Fire safty training", CATALOGUE) is None  # not a check of this register


def test_the_committed_trackers_are_what_the_script_makes(tmp_path):
    from openpyxl import load_workbook
    for tracker in TRACKERS:
        made = make_trackers.make(tracker, tmp_path)
        committed = TRACKER_DIR / tracker["file"]
        values = [[[c.value for c in row] for row in load_workbook(p).active.iter_rows()] for p in (made, committed)]
        assert values[0] == values[1], tracker["file"]


@pytest.mark.parametrize("tracker", TRACKERS, ids=[t["file"] for t in TRACKERS])
def test_every_dated_cell_is_imported_or_asked_about(tracker):
    path = TRACKER_DIR / tracker["file"]
    parsed = read_tracker(path)
    plan = _plan(path)
    assert plan.problems == []
    member_dates = {c.index for c in parsed.columns
                    if plan.mapping.get(c.key) in ("member.start_on", "member.end_on", "member.date_of_birth")}
    asked_columns = {c.index for c in parsed.columns if any(q.key == c.key and q.is_blocking for q in plan.questions)}
    imported = {a.source for a in plan.actions if isinstance(a, (CreateCheckRecord, UpdateCheckRecord))}
    asked = {q.key for q in plan.questions} | {q.cell for q in plan.questions}
    dated = [(index, cell.ref) for row in parsed.rows for index, cell in row.cells.items() if parse_date(cell.value)]
    assert dated
    dropped = [ref for index, ref in dated
               if index not in member_dates | asked_columns and ref not in imported | asked]
    assert dropped == [], "dated cells neither imported nor asked about"


def test_the_homemade_tracker_asks_about_three_columns_and_ignores_one():
    path = TRACKER_DIR / "homemade-tracker.xlsx"
    plan = _plan(path)
    blocking = {q.key: q.suggestion for q in plan.questions if q.is_blocking}
    assert blocking == {"Employment history & references": "check.employment_history",
                        "Apraisal": "check.appraisal", "Mandatory training": None}
    assert next(q for q in plan.questions if q.key == "Parking permit").default == "ignore"
    answers = {"Employment history & references": "check.employment_history", "Apraisal": "check.appraisal",
               "Mandatory training": "ignore"}
    assert _plan(path, answers).is_ready


@pytest.mark.parametrize("name", ["acute-fppt-tracker.xlsx", "community-board-checks.xlsx"])
def test_the_other_two_trackers_map_every_column_without_a_question(name):
    plan = _plan(TRACKER_DIR / name)
    assert plan.questions == [] and plan.is_ready
    assert "ignore" not in plan.mapping.values()
