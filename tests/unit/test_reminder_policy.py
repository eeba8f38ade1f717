"""The reminder policy (checks/reminders.py): which steps are due, latest step only."""
from datetime import date

import pytest

from checks import MemberFacts, Rules, member_status
from checks.reminders import (
    ReminderPolicy, attestation_request, check_reminders, declaration_reminder, digest_due, digest_items,
    latest_lead_step, overdue_step,
)
from checks.rules import Record

POLICY, RULES = ReminderPolicy(), Rules()
EXPIRY = date(2026, 7, 31)


@pytest.mark.parametrize("as_of, step", [
    (date(2026, 5, 31), None),        # 61 days before: nothing yet
    (date(2026, 6, 1), 60),
    (date(2026, 6, 30), 60),
    (date(2026, 7, 1), 30),
    (date(2026, 7, 24), 7),           # the scheduler was down from the 60-day step: only the 7-day one
    (date(2026, 7, 31), 7),           # the last valid day
    (date(2026, 8, 1), None),         # expired: the overdue steps take over
])
def test_expiry_steps(as_of, step):
    assert latest_lead_step(EXPIRY, POLICY.expiry_lead_days, as_of) == step


@pytest.mark.parametrize("days_after, step", [
    (-1, None), (0, 1), (6, 1), (7, 2), (13, 2), (35, 6), (36, 6), (400, 6),
])
def test_overdue_steps_weekly_at_most_six(days_after, step):
    anchor = date(2026, 8, 1)
    assert overdue_step(anchor, date.fromordinal(anchor.toordinal() + days_after), POLICY) == step


def test_overdue_steps_configurable():
    policy = ReminderPolicy(overdue_repeat_days=3, overdue_max_reminders=2)
    assert [overdue_step(date(2026, 1, 1), date(2026, 1, d), policy) for d in (1, 3, 4, 30)] == [1, 1, 2, 2]
    assert overdue_step(date(2026, 1, 1), date(2026, 1, 9), ReminderPolicy(overdue_max_reminders=0)) is None


def _due(facts, records, as_of, policy=POLICY):
    statuses = member_status(facts, records, as_of, RULES).checks
    return {(d.kind, d.code, d.anchor_on, d.step) for d in check_reminders("m", facts, statuses, as_of, policy, RULES)}


FACTS = MemberFacts(date(2020, 1, 1))
ALL_VALID = {code: [Record(date(2026, 1, 15))] for code in (
    "identity", "employment_history", "references", "qualifications", "health", "dbs", "insolvency",
    "disqualified_directors", "removed_trustees", "employment_tribunal", "social_media", "self_attestation",
    "appraisal")}


@pytest.mark.parametrize("changes, as_of, expected", [
    ({}, date(2026, 6, 1), set()),
    ({"dbs": [Record(date(2023, 7, 31))]}, date(2026, 6, 1), {("expiry", "dbs", date(2026, 7, 31), "before_60")}),
    ({"insolvency": [Record(date(2025, 5, 20))]}, date(2026, 6, 1),
     {("overdue", "insolvency", date(2026, 5, 21), "expired_2")}),
    ({"qualifications": []}, date(2026, 6, 1), {("overdue", "qualifications", date(2020, 1, 1), "missing_6")}),
    ({"dbs": [Record(date(2023, 7, 31), "issue")]}, date(2026, 6, 1), set()),  # a concern is the chair's
    ({"social_media": [Record(date(2026, 1, 15), "not_applicable")]}, date(2026, 6, 1), set()),
])
def test_check_reminders(changes, as_of, expected):
    assert _due(FACTS, ALL_VALID | changes, as_of) == expected


def test_appraisal_missing_counts_from_twelve_months_after_start():
    facts = MemberFacts(date(2025, 5, 1))
    records = {k: v for k, v in ALL_VALID.items() if k != "appraisal"}
    assert _due(facts, records, date(2026, 4, 30)) == set()
    assert _due(facts, records, date(2026, 5, 1)) == {("overdue", "appraisal", date(2026, 5, 1), "missing_1")}


@pytest.mark.parametrize("as_of, step", [
    (date(2026, 5, 15), None),       # still serving on the end date
    (date(2026, 5, 16), "left"),
    (date(2026, 6, 14), "left"),     # the last day of the 30-day window
    (date(2026, 6, 15), "overdue"),
    (date(2027, 6, 15), "overdue"),
])
def test_leaver_reference(as_of, step):
    facts = MemberFacts(date(2020, 1, 1), date(2026, 5, 15))
    due = _due(facts, ALL_VALID, as_of)
    assert due == (set() if step is None else {("leaver", "leaver_reference", date(2026, 6, 14), step)})
    completed = ALL_VALID | {"leaver_reference": [Record(date(2026, 5, 16))]}
    assert _due(facts, completed, as_of) == set()


def test_nothing_before_the_start_date():
    assert _due(MemberFacts(date(2026, 7, 1)), {}, date(2026, 6, 1)) == set()


@pytest.mark.parametrize("attested, as_of, expected", [
    (None, date(2026, 4, 1), date(2026, 4, 1)),
    (date(2026, 3, 30), date(2026, 4, 1), date(2026, 4, 1)),
    (date(2026, 4, 1), date(2026, 4, 2), None),
    (date(2026, 3, 30), date(2026, 3, 31), None),   # the new year's request starts on 1 April
    (None, date(2027, 2, 1), date(2026, 4, 1)),     # a late start (or a fresh install) is asked once
])
def test_attestation_request(attested, as_of, expected):
    due = attestation_request("m", FACTS, attested, as_of, POLICY)
    assert (due.anchor_on if due else None) == expected
    if due:
        assert due.step == "request"


def test_no_attestation_request_for_leavers():
    assert attestation_request("m", MemberFacts(date(2020, 1, 1), date(2026, 3, 1)), None, date(2026, 4, 1),
                               POLICY) is None


@pytest.mark.parametrize("as_of, signed, step", [
    (date(2026, 5, 30), set(), None),
    (date(2026, 5, 31), set(), "before_30"),
    (date(2026, 6, 16), set(), "before_14"),
    (date(2026, 6, 23), set(), "before_7"),
    (date(2026, 6, 30), set(), "before_7"),
    (date(2026, 7, 1), set(), None),
    (date(2026, 6, 23), {2025}, None),
])
def test_declaration_reminders(as_of, signed, step):
    due = declaration_reminder(signed, as_of, POLICY)
    assert (due.step if due else None) == step
    if due:
        assert due.anchor_on == date(2026, 6, 30)


def test_declaration_deadline_configurable():
    due = declaration_reminder(set(), date(2026, 7, 25), ReminderPolicy(declaration_deadline=(7, 31)))
    assert due.anchor_on == date(2026, 7, 31) and due.step == "before_7"


@pytest.mark.parametrize("as_of, anchor", [
    (date(2026, 6, 1), date(2026, 6, 1)), (date(2026, 6, 3), date(2026, 6, 1)), (date(2026, 6, 7), date(2026, 6, 1)),
    (date(2026, 6, 8), date(2026, 6, 8)),
])
def test_weekly_digest_anchor(as_of, anchor):
    assert digest_due(as_of, POLICY).anchor_on == anchor


def test_digest_lists_due_soon_and_overdue():
    records = ALL_VALID | {"dbs": [Record(date(2023, 7, 31))], "insolvency": [Record(date(2025, 5, 20))],
                           "qualifications": []}
    statuses = member_status(FACTS, records, date(2026, 6, 1), RULES).checks
    items = {(i.code, i.status, i.on) for i in digest_items("m", FACTS, statuses, date(2026, 6, 1), POLICY, RULES)}
    assert items == {("dbs", "due_soon", date(2026, 7, 31)), ("insolvency", "expired", date(2026, 5, 21)),
                     ("qualifications", "missing", date(2020, 1, 1))}


def test_keys_name_member_check_anchor_and_step():
    due = next(iter(check_reminders("m", FACTS, member_status(FACTS, ALL_VALID | {"dbs": [Record(date(2023, 7, 31))]},
                                                               date(2026, 6, 1), RULES).checks,
                                    date(2026, 6, 1), POLICY, RULES)))
    assert due.key(42) == "expiry|42|dbs|2026-07-31|before_60"
