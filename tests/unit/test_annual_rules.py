"""The annual cycle's pure rules: readiness, outcomes, the BMR and the declaration's hash (the year: test_years.py)."""
import copy
from datetime import date

import pytest

from checks import REGULATION_5_CODES, MemberFacts
from checks.annual import (ATTESTATION_ITEMS, BMR_REQUIRED, assess_answers, bmr_problems, canonical_json,
                           content_hash, decider_refusal, diff_content, outcome_problem, served_in_year,
                           unready_checks, year_end_for)

VALID_REG5 = {code: "valid" for code in REGULATION_5_CODES}


@pytest.mark.parametrize("start, end, served", [
    (date(2020, 1, 1), None, True), (date(2026, 3, 31), None, True), (date(2026, 4, 1), None, False),
    (date(2020, 1, 1), date(2025, 4, 1), True), (date(2020, 1, 1), date(2025, 3, 31), False),
])
def test_served_in_year(start, end, served):
    assert served_in_year(MemberFacts(start, end), 2025) is served


@pytest.mark.parametrize("end, year_end", [(None, date(2026, 3, 31)), (date(2025, 9, 30), date(2025, 9, 30)),
                                           (date(2026, 3, 31), date(2026, 3, 31)), (date(2027, 1, 1), date(2026, 3, 31))])
def test_year_end_for(end, year_end):
    assert year_end_for(MemberFacts(date(2020, 1, 1), end), 2025) == year_end


def test_readiness_counts_valid_and_due_soon_as_satisfied():
    statuses = {"identity": "valid", "dbs": "due_soon", "appraisal": "not_required", "insolvency": "expired",
                "health": "missing", "social_media": "concern"}
    assert unready_checks(statuses) == ["insolvency", "health", "social_media"]


@pytest.mark.parametrize("role, actor, subject, is_chair, allowed", [
    ("chair", 1, 2, False, True), ("chair", 1, 1, True, False), ("sid", 3, 1, True, True),
    ("sid", 3, 2, False, False), ("sid", 3, 3, False, False), ("secretary", None, 2, False, False),
    ("member", 2, 2, False, False), ("auditor", None, 1, True, False),
])
def test_who_records_an_outcome(role, actor, subject, is_chair, allowed):
    assert (decider_refusal(role, actor, subject, is_chair) is None) is allowed
    assert (decider_refusal(role, actor, subject, is_chair, "decision") is None) is allowed


@pytest.mark.parametrize("outcome, statuses, part1, extra, field", [
    ("fit_and_proper", VALID_REG5, False, {}, None),
    ("fit_and_proper", VALID_REG5 | {"dbs": "due_soon"}, False, {}, None),
    ("fit_and_proper", VALID_REG5 | {"dbs": "missing"}, False, {}, "outcome"),
    ("fit_and_proper", VALID_REG5 | {"identity": "expired"}, False, {}, "outcome"),
    ("fit_and_proper", VALID_REG5 | {"insolvency": "concern"}, False, {}, "outcome"),
    ("fit_and_proper", VALID_REG5 | {"social_media": "concern"}, False, {}, None),  # not Regulation 5
    ("fit_and_proper", VALID_REG5, True, {}, "outcome"),
    ("fit_and_proper_with_mitigations", VALID_REG5 | {"dbs": "concern"}, True, {"mitigation_note": "Plan"}, None),
    ("fit_and_proper_with_mitigations", VALID_REG5, False, {"mitigation_note": " "}, "mitigation_note"),
    ("not_fit_and_proper", VALID_REG5, False, {"regulator_informed": False}, "action_taken"),
    ("not_fit_and_proper", VALID_REG5, False, {"action_taken": "Removed"}, "regulator_informed"),
    ("not_fit_and_proper", VALID_REG5, False, {"action_taken": "Removed", "regulator_informed": False}, None),
    ("under_review", {"dbs": "missing"}, True, {}, None),
    ("brilliant", VALID_REG5, False, {}, "outcome"),
])
def test_outcome_rules(outcome, statuses, part1, extra, field):
    problem = outcome_problem(outcome, statuses, part1, **extra)
    assert (problem[0] if problem else None) == field


def test_answers_need_details_for_every_disclosure_and_flag_part_1_grounds():
    expected = {i.key: (i.expected, "") for i in ATTESTATION_ITEMS}
    assert assess_answers(expected).has_disclosure is False
    disclosed = assess_answers(expected | {"convictions": ("yes", "Speeding")})
    assert disclosed.has_disclosure and not disclosed.discloses_part1_ground and not disclosed.problems
    part1 = assess_answers(expected | {"barred_list": ("yes", "")})
    assert part1.discloses_part1_ground and part1.problems == (("barred_list", "Give the details of what you are disclosing"),)
    assert assess_answers({}).problems[0] == (ATTESTATION_ITEMS[0].key, "Answer yes or no")


GOOD_BMR = {name: "None" for name, _ in BMR_REQUIRED} | {"is_fit_and_proper": False, "completed_on": date(2026, 1, 1)}


def test_a_complete_bmr_has_no_problems():
    assert bmr_problems(GOOD_BMR, date(2026, 1, 1)) == []


@pytest.mark.parametrize("field", [name for name, _ in BMR_REQUIRED])
@pytest.mark.parametrize("blank", [None, "", "   "])
def test_every_bmr_field_is_required(field, blank):
    if field in ("is_fit_and_proper", "completed_on") and blank is not None:
        return
    assert [f for f, _ in bmr_problems(GOOD_BMR | {field: blank}, date(2026, 1, 1))] == [field]


def test_a_bmr_completed_in_the_future_is_refused():
    assert bmr_problems(GOOD_BMR, date(2025, 12, 31)) == [("completed_on", "The completion date cannot be in the future")]


CONTENT = {"year": 2025, "statement": "I confirm.", "members": [
    {"member_id": "E1005", "name": "Eve", "outcome": "fit_and_proper", "checks": {"dbs": "valid", "identity": "valid"},
     "attestation": {"submitted_on": "2026-01-02", "has_disclosure": False}}], "counts": {"fit_and_proper": 1}}


def test_the_hash_is_stable_for_the_same_data_whatever_the_key_order():
    reordered = {"members": [dict(reversed(list(CONTENT["members"][0].items())))], "counts": {"fit_and_proper": 1},
                 "statement": "I confirm.", "year": 2025}
    assert content_hash(CONTENT) == content_hash(reordered) == content_hash(copy.deepcopy(CONTENT))
    assert canonical_json({"b": date(2026, 3, 31), "a": 1}) == '{"a":1,"b":"2026-03-31"}'


@pytest.mark.parametrize("path, value", [
    (("statement",), "I confirm!"), (("year",), 2024), (("members", 0, "outcome"), "under_review"),
    (("members", 0, "checks", "dbs"), "concern"), (("members", 0, "attestation", "has_disclosure"), True),
    (("members", 0, "name"), "Eve Smith"),
])
def test_any_change_changes_the_hash_and_is_listed(path, value):
    changed = copy.deepcopy(CONTENT)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert content_hash(changed) != content_hash(CONTENT)
    assert len(diff_content(CONTENT, changed)) == 1


def test_the_diff_reads_like_a_sentence():
    changed = copy.deepcopy(CONTENT)
    changed["members"][0]["checks"]["dbs"] = "concern"
    changed["members"][0]["outcome"] = "under_review"
    changed["members"].append({"member_id": "X1"})
    assert diff_content(CONTENT, changed) == [
        "Member E1005: dbs status at year end changed from valid to concern",
        "Member E1005: outcome changed from fit_and_proper to under_review",
        "Member X1: added to the year's board"]
