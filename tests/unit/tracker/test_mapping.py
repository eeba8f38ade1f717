"""Proposing a column mapping and keeping it as a preset."""

import pytest

from fpp.imports.tracker import Answers, ColumnMapping, TrackerError, plan_import, propose_mapping, read_tracker

from .conftest import AS_OF, CATALOGUE, CODES, HEADERS, applies, member_row


@pytest.mark.parametrize("header, target", [
    ("Companies House disq.", "check.disqualified_directors"), ("ET judgments", "check.employment_tribunal"),
    ("OH clearance", "check.health"), ("ID & RTW", "check.identity"), ("Staff number", "member.member_id"),
    ("Email address", "member.email"), ("DOB", "member.date_of_birth"), ("Voting member?", "member.voting"),
    ("Leaver BMR", "check.leaver_reference"), ("BMR received", "check.references"),
    ("DBS certificate number", "check.dbs.reference"), ("Registration body", "check.professional_registration.registration_body"),
    ("Disqualified directors", "check.disqualified_directors"), ("Position", "member.position"),
])
def test_usual_wordings(make_xlsx, header, target):
    tracker = read_tracker(make_xlsx([["Name", "Date appointed", header], ["Ann", "1/1/2020", "x"]]))
    assert propose_mapping(tracker, CATALOGUE).target_for(header) == target


def test_registration_header_decided_by_its_cells(make_xlsx):
    dates = read_tracker(make_xlsx([["Name", "Professional registration"], ["Ann", "1/4/2025"]], name="a.xlsx"))
    numbers = read_tracker(make_xlsx([["Name", "Professional registration"], ["Ann", "GMC 123"]], name="b.xlsx"))
    assert propose_mapping(dates, CATALOGUE).columns["Professional registration"] == "check.professional_registration"
    assert propose_mapping(numbers, CATALOGUE).columns["Professional registration"] == "member.professional_registration"


def _plan(tracker, mapping, answers=None):
    return plan_import(tracker, mapping, CATALOGUE, members=[], records=[], applies=applies, as_of=AS_OF,
                       answers=Answers(answers))


def test_unknown_column_is_ignored_and_reported(make_xlsx):
    tracker = read_tracker(make_xlsx([HEADERS + ["Parking permit"], member_row() + ["Bay 4"]]))
    mapping = propose_mapping(tracker, CATALOGUE)
    assert "Parking permit" not in mapping.columns
    plan = _plan(tracker, mapping)
    question = next(q for q in plan.questions if q.key == "Parking permit")
    assert (question.cell, question.default) == ("L1", "ignore")
    assert plan.mapping["Parking permit"] == "ignore"
    assert plan.is_ready


def test_column_answer_maps_an_unknown_column(make_xlsx):
    tracker = read_tracker(make_xlsx([HEADERS + ["Web trawl"], member_row() + ["2/4/2025"]]))
    plan = _plan(tracker, propose_mapping(tracker, CATALOGUE), {"web trawl": "check.social_media"})
    assert plan.mapping["Web trawl"] == "check.social_media"
    assert any(getattr(a, "code", None) == "social_media" for a in plan.actions)


def test_preset_wins_over_wordings(make_xlsx):
    tracker = read_tracker(make_xlsx([HEADERS, member_row()]))
    preset = ColumnMapping({"OH clearance": "ignore"})
    assert propose_mapping(tracker, CATALOGUE, preset).columns["OH clearance"] == "ignore"


def test_round_trip_through_dict_and_toml(make_xlsx):
    mapping = propose_mapping(read_tracker(make_xlsx([HEADERS, member_row()])), CATALOGUE)
    assert ColumnMapping.from_dict(mapping.to_dict(), CODES) == mapping
    assert ColumnMapping.from_toml(mapping.to_toml(), CODES) == mapping


@pytest.mark.parametrize("data, words", [
    ({"columns": {"DBS": "check.dbs.colour"}}, "column 'DBS'"),
    ({"columns": {"X": "member.shoe_size"}}, "not a column target"),
    ({"columns": {"X": "check.appraisal.level"}}, "not a column target"),
    ({"colums": {}}, "unknown key 'colums'"),
    ({"header_row": 0, "columns": {}}, "header_row"),
])
def test_bad_presets_name_the_problem(data, words):
    with pytest.raises(TrackerError, match=words):
        ColumnMapping.from_dict(data, CODES, source="preset.toml")


def test_bad_toml_names_the_file():
    with pytest.raises(TrackerError, match="board.toml: is not valid TOML"):
        ColumnMapping.from_toml("columns = [", CODES, source="board.toml")
