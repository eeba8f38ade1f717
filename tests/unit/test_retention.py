"""Retention (checks/retention.py, FPPT.md section 7): when a leaver is purged, and when evidence of a check
with a life of its own goes."""
from datetime import date

import pytest

from checks.retention import (
    BIRTHDAY, DECLARATION, DUE, KEPT, LEAVER_REFERENCE, NO_BIRTH_DATE, SERVING, RetentionPolicy, birthday,
    evidence_is_due, evidence_removal_on, last_declared_year, ordinal, retention,
)
from checks.rules import MemberFacts, Rules

RULES = Rules()
POLICY = RetentionPolicy()
BORN = date(1950, 5, 10)  # 75 on 10 May 2025


def _retention(end_on, as_of, born=BORN, declared=(), rules=RULES, policy=POLICY):
    return retention(MemberFacts(date(2015, 1, 1), end_on), born, declared, as_of, rules, policy)


@pytest.mark.parametrize("born, age, day", [
    (date(1950, 5, 10), 75, date(2025, 5, 10)),
    (date(1952, 2, 29), 75, date(2027, 3, 1)),   # no 29 February in 2027: 1 March, never a day early
    (date(1952, 2, 29), 76, date(2028, 2, 29)),  # a leap year: the day itself
    (date(1952, 2, 28), 75, date(2027, 2, 28)),
    (date(1951, 12, 31), 75, date(2026, 12, 31)),
])
def test_birthday(born, age, day):
    assert birthday(born, age) == day


@pytest.mark.parametrize("end_on, as_of, status, purge_on, reason", [
    # Left long before the 75th birthday: the birthday decides; due on the day itself, not the day before.
    (date(2020, 6, 30), date(2025, 5, 9), KEPT, date(2025, 5, 10), BIRTHDAY),
    (date(2020, 6, 30), date(2025, 5, 10), DUE, date(2025, 5, 10), BIRTHDAY),
    (date(2020, 6, 30), date(2026, 1, 1), DUE, date(2025, 5, 10), BIRTHDAY),
    # Left after the birthday, in 2025/26: its declaration is due by 30 June 2026, later than the reference.
    (date(2025, 9, 30), date(2026, 6, 29), KEPT, date(2026, 6, 30), DECLARATION),
    (date(2025, 9, 30), date(2026, 6, 30), DUE, date(2026, 6, 30), DECLARATION),
    # Left on 31 March 2026 (last day of 2025/26) and on 1 April 2026 (the first of 2026/27).
    (date(2026, 3, 31), date(2026, 6, 30), DUE, date(2026, 6, 30), DECLARATION),
    (date(2026, 4, 1), date(2026, 6, 30), KEPT, date(2027, 6, 30), DECLARATION),
    # Left on 15 June 2026: the reference is due 15 July 2026, the 2026/27 declaration a year later still.
    (date(2026, 6, 15), date(2027, 6, 29), KEPT, date(2027, 6, 30), DECLARATION),
    # Still serving (no end date, or the end date is today or later): never due, whatever the birthday.
    (None, date(2040, 1, 1), SERVING, None, None),
    (date(2030, 1, 31), date(2030, 1, 31), SERVING, None, None),
])
def test_purge_date(end_on, as_of, status, purge_on, reason):
    result = _retention(end_on, as_of)
    assert (result.status, result.purge_on, result.reason) == (status, purge_on, reason)
    assert result.is_due == (status == DUE)


def test_the_leaver_reference_day_decides_when_it_is_the_latest():
    # A declaration deadline of 1 April (the day after the year ends) and a 90-day reference: leaving on
    # 1 March 2026, the reference is due 30 May 2026, after the 2025/26 deadline of 1 April 2026.
    rules = Rules(leaver_reference_days=90)
    policy = RetentionPolicy(declaration_deadline=(4, 1))
    result = _retention(date(2026, 3, 1), date(2026, 5, 29), rules=rules, policy=policy)
    assert (result.status, result.purge_on, result.reason) == (KEPT, date(2026, 5, 30), LEAVER_REFERENCE)
    assert _retention(date(2026, 3, 1), date(2026, 5, 30), rules=rules, policy=policy).is_due


def test_a_later_signed_declaration_naming_the_leaver_moves_the_date():
    assert last_declared_year(date(2025, 9, 30), [2023, 2026]) == 2026
    result = _retention(date(2025, 9, 30), date(2026, 7, 1), declared=[2024, 2026])
    assert (result.status, result.purge_on, result.reason) == (KEPT, date(2027, 6, 30), DECLARATION)


def test_a_configured_age_and_deadline_are_used():
    policy = RetentionPolicy(leaver_age_years=80, declaration_deadline=(7, 31))
    assert _retention(date(2020, 6, 30), date(2030, 5, 10), policy=policy).purge_on == date(2030, 5, 10)
    assert _retention(date(2025, 9, 30), date(2026, 7, 1), born=date(1900, 1, 1),
                      policy=policy).purge_on == date(2026, 7, 31)


def test_a_tie_names_the_birthday():
    # 75 on 30 June 2026, the very deadline of the 2025/26 declaration.
    result = _retention(date(2025, 9, 30), date(2026, 6, 30), born=date(1951, 6, 30))
    assert (result.purge_on, result.reason) == (date(2026, 6, 30), BIRTHDAY)
    assert set(result.candidates) == {BIRTHDAY, LEAVER_REFERENCE, DECLARATION}


def test_no_date_of_birth_cannot_be_judged_and_is_never_due():
    result = _retention(date(2000, 1, 1), date(2090, 1, 1), born=None)
    assert (result.status, result.purge_on, result.is_due) == (NO_BIRTH_DATE, None, False)
    assert _retention(None, date(2090, 1, 1), born=None).status == SERVING


def test_reason_labels():
    assert _retention(date(2020, 6, 30), date(2026, 1, 1)).reason_label(POLICY) == "75th birthday"
    assert _retention(date(2025, 9, 30), date(2026, 1, 1)).reason_label(POLICY) == "declaration deadline"
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 75, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "75th", "101st", "111th"]


EVIDENCE = RetentionPolicy(evidence_years={"identity": 2, "references": 0})


@pytest.mark.parametrize("code, end_on, removal_on", [
    ("identity", date(2024, 6, 30), date(2026, 7, 1)),   # kept to the second anniversary of leaving, inclusive
    ("identity", date(2024, 2, 29), date(2026, 3, 1)),   # 28 February 2026 is the last day kept
    ("references", date(2024, 6, 30), date(2024, 7, 1)),  # 0 years: removed the day after leaving
    ("dbs", date(2024, 6, 30), None),                     # no life of its own: goes with the member
    ("identity", None, None),                             # still serving, no end date
])
def test_evidence_removal_day(code, end_on, removal_on):
    assert evidence_removal_on(code, end_on, EVIDENCE) == removal_on


@pytest.mark.parametrize("as_of, due", [
    (date(2026, 6, 30), False), (date(2026, 7, 1), True), (date(2030, 1, 1), True),
])
def test_evidence_is_due_from_the_removal_day(as_of, due):
    assert evidence_is_due("identity", MemberFacts(date(2015, 1, 1), date(2024, 6, 30)), as_of, EVIDENCE) is due


def test_evidence_of_a_member_still_serving_is_never_due():
    facts = MemberFacts(date(2015, 1, 1), date(2031, 1, 31))
    assert not evidence_is_due("references", facts, date(2031, 1, 31), EVIDENCE)
    assert evidence_is_due("references", facts, date(2031, 2, 1), EVIDENCE)
