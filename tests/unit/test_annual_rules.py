"""The annual cycle's pure rules: readiness, outcomes, the BMR and the declaration's hash (the year: test_years.py)."""
import copy
from datetime import date

import pytest

from checks import REGULATION_5_CODES, MemberFacts
from checks.annual import (ATTESTATION_ITEMS, BMR_REQUIRED, OpenIssue, SigningFacts, SigningMember, assess_answers,
                           bmr_problems, canonical_json, content_hash, decider_refusal, decision_problem,
                           diff_content, fit_refusal_explanation, judged_on_phrase, outcome_problem, served_in_year,
                           signing_preconditions, unready_checks, year_end_for)
from checks.rules import CheckStatus

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


# ---- Decisions, readiness's date, fit and proper refused today, signing's preconditions (issue 13) ----

@pytest.mark.parametrize("decision, note, field", [
    ("accepted", "Explained", None), ("not_accepted", "Recent", None),
    (None, "Explained", "decision"), ("maybe", "Explained", "decision"),
    ("accepted", None, "decision_note"), ("accepted", "  ", "decision_note"),
    ("not_accepted", "", "not_accepted_reason"), ("not_accepted", "\n", "not_accepted_reason"),
])
def test_a_decision_needs_a_choice_and_its_note(decision, note, field):
    problem = decision_problem(decision, note)
    assert (problem[0] if problem else None) == field


@pytest.mark.parametrize("judged_on, today, phrase", [
    (date(2026, 3, 31), date(2026, 4, 20), "31/03/2026 (year end)"),
    (date(2026, 3, 31), date(2026, 3, 10), "31/03/2026 (year end, forecast)"),
    (date(2025, 9, 30), date(2026, 3, 10), "30/09/2025 (last day in post)"),
    (date(2026, 3, 20), date(2026, 3, 10), "20/03/2026 (last day in post, forecast)"),
])
def test_readiness_names_the_date_it_was_judged_against(judged_on, today, phrase):
    assert judged_on_phrase(judged_on, today) == phrase


LABELS = {"dbs": "DBS check", "insolvency": "Insolvency search", "social_media": "Social media and press search"}
YEAR_END, LATER = date(2026, 3, 31), date(2026, 4, 20)


def _now(**statuses) -> dict:
    checks = {code: CheckStatus(code, "valid", date(2025, 6, 1), None, None) for code in sorted(REGULATION_5_CODES)}
    for code, (status, expires_on) in statuses.items():
        checks[code] = CheckStatus(code, status, None, expires_on, None)
    return checks


def test_fit_and_proper_refused_today_is_explained_against_the_year_end():
    assert fit_refusal_explanation(YEAR_END, [], _now(dbs=("expired", date(2026, 4, 1))), LATER, LATER, False,
                                   LABELS) == (
        "Ready at 31/03/2026; today DBS check expired since 02/04/2026: fit and proper cannot be recorded until it "
        "is renewed, or record with mitigations")


@pytest.mark.parametrize("unready, statuses, part1, judged_on, expected", [
    ([], {}, False, LATER, None),
    ([], {"social_media": ("concern", None)}, False, LATER, None),  # not a Regulation 5 check
    (["insolvency"], {"insolvency": ("missing", None)}, False, LATER,
     "Not ready at 31/03/2026; today Insolvency search missing: fit and proper cannot be recorded until it is "
     "recorded, or record with mitigations"),
    ([], {"dbs": ("concern", None)}, False, LATER,
     "Ready at 31/03/2026; today DBS check a concern: fit and proper cannot be recorded until the issue is "
     "accepted or a clear check is recorded, or record with mitigations"),
    ([], {"dbs": ("missing", None), "insolvency": ("expired", date(2026, 4, 1))}, False, LATER,
     "Ready at 31/03/2026; today DBS check missing and Insolvency search expired since 02/04/2026: fit and proper "
     "cannot be recorded until each is put right, or record with mitigations"),
    ([], {}, True, LATER, "Ready at 31/03/2026; today the latest self-attestation discloses a Schedule 4 part 1 "
                          "ground: fit and proper cannot be recorded"),
    ([], {"dbs": ("missing", None)}, True, LATER, "Ready at 31/03/2026; today DBS check missing and the latest "
     "self-attestation discloses a Schedule 4 part 1 ground: fit and proper cannot be recorded until each is put right"),
    ([], {"dbs": ("expired", date(2026, 4, 1))}, False, date(2026, 4, 10),
     "Ready at 31/03/2026; on 10/04/2026, the last day in post, DBS check expired since 02/04/2026: fit and proper "
     "cannot be recorded until it is renewed, or record with mitigations"),
])
def test_fit_refusal_explanations(unready, statuses, part1, judged_on, expected):
    assert fit_refusal_explanation(YEAR_END, unready, _now(**statuses), judged_on, LATER, part1, LABELS) == expected


def _member(pk: int, name: str, has_outcome: bool = True, concern: frozenset = frozenset(),
            year_end_on: date = YEAR_END) -> SigningMember:
    return SigningMember(pk, f"N0{pk}", name, year_end_on, has_outcome, concern)


def _facts(members=(), issues=(), today=LATER, signed=None, changed=False) -> SigningFacts:
    return SigningFacts(2025, today, tuple(members), tuple(issues), signed, changed)


def _keys(readiness) -> list[str]:
    return [u.key for u in readiness.unmet]


def test_signing_can_succeed_when_everything_is_met():
    readiness = signing_preconditions(_facts([_member(1, "Nina"), _member(2, "Sam")]))
    assert readiness.can_sign and readiness.message == "" and readiness.opens_on == date(2026, 4, 1)
    assert (readiness.members, readiness.with_outcome) == (2, 2)
    assert signing_preconditions(_facts([_member(1, "Nina")], signed=1, changed=True)).can_sign  # stale: sign again


@pytest.mark.parametrize("today, met", [(date(2026, 3, 31), False), (date(2026, 4, 1), True)])
def test_signing_opens_on_1_april_after_the_year(today, met):
    readiness = signing_preconditions(_facts([_member(1, "Nina")], today=today))
    assert readiness.can_sign is met
    if not met:
        assert readiness.message == "The year 2025/26 ends on 31/03/2026: signing opens on 01/04/2026."


def test_every_unmet_precondition_is_listed_with_who_and_what():
    issue = OpenIssue(7, 1, "dbs", "DBS check", date(2026, 1, 5))
    members = [_member(1, "Nina", concern=frozenset({"dbs"})), _member(2, "Sam", has_outcome=False)]
    readiness = signing_preconditions(_facts(members, [issue], today=date(2026, 3, 10)))
    assert _keys(readiness) == ["year_not_ended", "outcomes_missing", "decisions_outstanding"]
    assert [m.name for m in readiness.unmet[1].members] == ["Sam"] and readiness.with_outcome == 1
    assert readiness.unmet[2].issues == ((issue, members[0]),)
    assert "Missing: Sam." in readiness.message and "Waiting: DBS check of Nina (05/01/2026)." in readiness.message
    assert not readiness.is_met("outcomes_missing") and readiness.is_met("unchanged")


def test_nobody_served_and_nothing_changed_are_refused():
    assert _keys(signing_preconditions(_facts())) == ["nobody_served"]
    unchanged = signing_preconditions(_facts([_member(1, "Nina")], signed=2))
    assert unchanged.message == "Version 2 is already signed and nothing has changed since."


@pytest.mark.parametrize("code, completed_on, member_pk, outstanding", [
    ("dbs", date(2026, 1, 5), 1, True),
    ("dbs", date(2026, 3, 31), 1, True),  # on the last day
    ("dbs", date(2026, 4, 2), 1, False),  # after the year: not what was declared
    ("insolvency", date(2026, 1, 5), 1, False),  # its check is not a concern at the year end (a clear record since)
    ("dbs", date(2026, 1, 5), 9, False),  # not on the year's board
])
def test_only_an_undecided_issue_behind_a_year_end_concern_holds_signing_up(code, completed_on, member_pk, outstanding):
    facts = _facts([_member(1, "Nina", concern=frozenset({"dbs"}))],
                   [OpenIssue(7, member_pk, code, LABELS[code], completed_on)])
    assert ("decisions_outstanding" in _keys(signing_preconditions(facts))) is outstanding


def test_a_leavers_issues_are_judged_at_their_last_day():
    leaver = _member(1, "Lee", concern=frozenset({"dbs"}), year_end_on=date(2025, 9, 30))
    late = OpenIssue(7, 1, "dbs", "DBS check", date(2025, 10, 1))
    assert signing_preconditions(_facts([leaver], [late])).can_sign
