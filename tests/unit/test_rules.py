"""The status rules of FPPT.md section 4, row by row."""
import json
from datetime import date
from types import SimpleNamespace

import pytest

from checks import (CATALOGUE, CHECK_CODES, SHORT_INTERIM, STARTS_LATER, CheckType, MemberFacts, Record, Rules,
                    add_months, check_status, get_check, in_scope, is_short_interim, member_status, out_of_scope)
from checks.catalogue import ALL

RULES = Rules()
SERVING = MemberFacts(start_on=date(2020, 1, 1))
D = date(2026, 6, 30)


def status(code, records, as_of=D, facts=SERVING, rules=RULES):
    return check_status(code, facts, records, as_of, rules)


@pytest.mark.parametrize("code, facts, records, expected", [
    # not_required
    ("professional_registration", SERVING, [], "not_required"),
    ("professional_registration", MemberFacts(date(2020, 1, 1), has_registration=True), [], "missing"),
    ("leaver_reference", SERVING, [], "not_required"),
    ("appraisal", MemberFacts(date(2025, 7, 1)), [], "not_required"),
    ("appraisal", MemberFacts(date(2025, 6, 30)), [], "missing"),  # start + 12 months, that day included
    ("dbs", MemberFacts(date(2020, 1, 1), date(2026, 6, 29)), [], "not_required"),
    # missing
    ("identity", SERVING, [], "missing"),
    ("identity", SERVING, [Record(date(2026, 7, 1))], "missing"),  # dated after the as-of date
    # concern
    ("insolvency", SERVING, [Record(date(2026, 5, 1), "issue")], "concern"),
    # expired / due soon / valid
    ("insolvency", SERVING, [Record(date(2025, 6, 29))], "expired"),
    ("insolvency", SERVING, [Record(date(2025, 6, 30))], "due_soon"),  # expires on D: still valid that day
    ("insolvency", SERVING, [Record(date(2025, 8, 29))], "due_soon"),  # expires D + 60: window end included
    ("insolvency", SERVING, [Record(date(2025, 8, 30))], "valid"),     # expires D + 61
    ("identity", SERVING, [Record(date(2001, 1, 1))], "valid"),        # once: never expires
    ("dbs", SERVING, [Record(date(2026, 1, 1), "not_applicable")], "valid"),
    # a later clear record replaces an earlier issue
    ("insolvency", SERVING, [Record(date(2026, 1, 1), "issue"), Record(date(2026, 2, 1))], "valid"),
    # the same date: issue outranks clear, which outranks not_applicable
    ("insolvency", SERVING, [Record(date(2026, 2, 1)), Record(date(2026, 2, 1), "issue")], "concern"),
    ("insolvency", SERVING, [Record(date(2026, 2, 1), "not_applicable"), Record(date(2026, 2, 1))], "valid"),
    # records before the start date count
    ("identity", MemberFacts(date(2026, 1, 1)), [Record(date(2025, 12, 1))], "valid"),
    # leaver reference
    ("leaver_reference", MemberFacts(date(2020, 1, 1), date(2026, 5, 1)), [], "missing"),
    ("leaver_reference", MemberFacts(date(2020, 1, 1), date(2026, 5, 1)), [Record(date(2026, 5, 20))], "valid"),
    ("leaver_reference", MemberFacts(date(2020, 1, 1), date(2026, 5, 1)),
     [Record(date(2026, 5, 20), "issue")], "concern"),
    ("leaver_reference", MemberFacts(date(2020, 1, 1), date(2026, 6, 30)), [], "not_required"),  # last day
])
def test_check_status_table(code, facts, records, expected):
    assert status(code, records, facts=facts).status == expected


def test_an_accepted_issue_counts_as_clear_from_the_decision_date():
    record = Record(date(2026, 1, 10), "issue", accepted_on=date(2026, 3, 1))
    assert status("insolvency", [record], as_of=date(2026, 2, 28)).status == "concern"
    accepted = status("insolvency", [record], as_of=date(2026, 3, 1))
    assert (accepted.status, accepted.expires_on) == ("valid", date(2027, 1, 10))


@pytest.mark.parametrize("start, months, expected", [
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2023, 8, 31), 36, date(2026, 8, 31)),
    (date(2025, 3, 31), -1, date(2025, 2, 28)),
    (date(2025, 12, 15), 1, date(2026, 1, 15)),
])
def test_add_months_keeps_the_day_or_takes_the_months_last(start, months, expected):
    assert add_months(start, months) == expected


def test_expiry_is_the_last_valid_day():
    latest = [Record(date(2024, 2, 29))]
    assert status("insolvency", latest, as_of=date(2025, 2, 28)).status == "due_soon"
    assert status("insolvency", latest, as_of=date(2025, 3, 1)).status == "expired"
    assert status("insolvency", latest, as_of=date(2025, 3, 1)).expires_on == date(2025, 2, 28)


def test_warning_window_and_validity_come_from_rules():
    rules = Rules(warning_window_days=10, validity_months={"insolvency": 6})
    result = check_status("insolvency", SERVING, [Record(date(2026, 1, 5))], D, rules)
    assert (result.status, result.expires_on) == ("due_soon", date(2026, 7, 5))


def _all_valid(start=date(2020, 1, 1)):
    return {c.code: [Record(date(2026, 5, 1))] for c in CATALOGUE if c.code != "leaver_reference"}


@pytest.mark.parametrize("change, expected", [
    ({}, "compliant"),
    ({"social_media": [Record(date(2026, 5, 1), "issue")], "dbs": []}, "concern"),
    ({"dbs": []}, "action_required"),
    ({"insolvency": [Record(date(2025, 6, 1))]}, "action_required"),
    ({"insolvency": [Record(date(2025, 7, 15))]}, "due_soon"),
])
def test_overall_status_first_match_wins(change, expected):
    assert member_status(SERVING, _all_valid() | change, D, RULES).status == expected


def test_a_leaver_is_left_once_the_reference_is_done_whatever_its_outcome():
    leaver = MemberFacts(date(2020, 1, 1), date(2026, 3, 31))
    assert member_status(leaver, {}, D, RULES).status == "action_required"
    done = {"leaver_reference": [Record(date(2026, 4, 20), "issue")]}
    assert member_status(leaver, done, D, RULES).status == "left"


def test_a_member_who_has_not_started_is_not_started():
    assert member_status(MemberFacts(date(2026, 7, 1)), {}, D, RULES).status == "not_started"


def test_completed_on_is_the_latest_record_even_when_not_required():
    leaver = MemberFacts(date(2020, 1, 1), date(2026, 3, 31))
    result = check_status("dbs", leaver, [Record(date(2024, 3, 1))], D, RULES)
    assert (result.status, result.completed_on, result.expires_on) == ("not_required", date(2024, 3, 1), None)


# ---- Who the Framework covers (FPPT.md section 1) --------------------------------------------------

def _interim(start, end):
    return MemberFacts(start, end, is_interim=True)


@pytest.mark.parametrize("facts, weeks, expected", [
    (_interim(date(2026, 1, 5), date(2026, 2, 15)), 6, True),    # 42 days, both dates counted: 6 weeks
    (_interim(date(2026, 1, 5), date(2026, 2, 16)), 6, False),   # 43 days: more than 6 weeks
    (_interim(date(2026, 1, 5), date(2026, 1, 5)), 6, True),     # one day
    (_interim(date(2026, 1, 5), None), 6, False),                # open-ended: in scope
    (MemberFacts(date(2026, 1, 5), date(2026, 1, 20)), 6, False),  # not interim: a short permanent stay counts
    (_interim(date(2026, 1, 5), date(2026, 1, 20)), 0, False),   # 0 weeks: every interim is in scope
    (_interim(date(2026, 1, 5), date(2026, 2, 16)), 7, True),
])
def test_short_interim_table(facts, weeks, expected):
    assert is_short_interim(facts, Rules(interim_cover_weeks=weeks)) is expected


@pytest.mark.parametrize("facts, expected", [
    (SERVING, None),
    (MemberFacts(date(2020, 1, 1), date(2026, 3, 31)), None),      # a leaver stays on the board
    (MemberFacts(date(2026, 7, 1)), STARTS_LATER),
    (_interim(date(2026, 5, 1), date(2026, 6, 5)), SHORT_INTERIM),
    (_interim(date(2026, 7, 1), date(2026, 7, 20)), SHORT_INTERIM),  # never covered, whenever it starts
    (_interim(date(2026, 4, 1), date(2026, 6, 1)), None),
])
def test_out_of_scope_says_why(facts, expected):
    assert out_of_scope(facts, D, RULES) == expected
    assert in_scope(facts, D, RULES) is (expected is None)


# ---- The catalogue is a value of the rules ---------------------------------------------------------

LOCAL = CheckType("directorships", "Other directorships", ALL, 12, "Local", False, "Yearly review of directorships")


def test_statuses_follow_the_rules_catalogue_in_its_order():
    rules = Rules(catalogue=CATALOGUE + (LOCAL,))
    records = _all_valid() | {"directorships": [Record(date(2025, 1, 1))]}
    result = member_status(SERVING, records, D, rules)
    assert list(result.checks) == list(CHECK_CODES) + ["directorships"]
    assert (result.checks["directorships"].status, result.status) == ("expired", "action_required")
    assert list(member_status(SERVING, records, D, RULES).checks) == list(CHECK_CODES)


def test_a_smaller_catalogue_lists_only_its_checks():
    rules = Rules(catalogue=(LOCAL, get_check("dbs")))
    assert list(member_status(SERVING, {}, D, rules).checks) == ["directorships", "dbs"]
    assert rules.validity("directorships") == 12 and Rules(catalogue=(LOCAL,), validity_months={
        "directorships": None}).validity("directorships") is None


def test_the_status_json_lists_the_catalogues_codes_in_its_order():
    from fpp.register.status_output import status_json
    rules = Rules(catalogue=CATALOGUE + (LOCAL,))
    row = SimpleNamespace(member=SimpleNamespace(member_id="A01", name="Ann"),
                          status=member_status(SERVING, _all_valid(), D, rules))
    document = json.loads(json.dumps(status_json([row], D)))
    assert list(document["members"][0]["checks"]) == list(CHECK_CODES) + ["directorships"]
    assert document["members"][0]["checks"]["directorships"] == {
        "status": "missing", "completed_on": None, "expires_on": None}
