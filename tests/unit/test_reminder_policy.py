"""The reminder policy (checks/reminders.py): which steps are due, latest step only."""
from datetime import date

import pytest

from checks import MemberFacts, Rules, member_status
from checks.reminders import (
    NO_LONGER_DUE, ReminderPolicy, Situation, attestation_request, attestation_request_on, check_reminders,
    declaration_deadline, declaration_reminder, declaration_year, digest_due, digest_items, latest_lead_step,
    overdue_step, prefilter_window, still_due,
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


# ---- A request day or a deadline before April (checks.years.day_in_year) ---------------------------

FEBRUARY = ReminderPolicy(attestation_request_on=(2, 1))


@pytest.mark.parametrize("year, request_on", [(2025, date(2026, 2, 1)), (2024, date(2025, 2, 1))])
def test_a_request_day_before_april_is_in_the_years_second_calendar_year(year, request_on):
    assert attestation_request_on(year, FEBRUARY) == request_on
    assert attestation_request_on(year, POLICY) == date(year, 4, 1)


@pytest.mark.parametrize("attested, as_of, expected", [
    (None, date(2025, 4, 1), None),               # 2025/26 has begun; its request day has not come
    (None, date(2026, 1, 31), None),
    (None, date(2026, 2, 1), date(2026, 2, 1)),   # the 2025/26 request, sent in 2025/26
    (date(2025, 6, 1), date(2026, 2, 1), date(2026, 2, 1)),  # attested before the request day: asked
    (date(2026, 2, 3), date(2026, 2, 10), None),
    (None, date(2026, 3, 31), date(2026, 2, 1)),
    (None, date(2026, 4, 1), None),               # 2026/27: its request is on 1 February 2027
])
def test_attestation_request_on_a_day_before_april(attested, as_of, expected):
    due = attestation_request("m", FACTS, attested, as_of, FEBRUARY)
    assert (due.anchor_on if due else None) == expected


def test_a_deadline_is_its_first_occurrence_after_the_year_ends():
    assert declaration_deadline(2025, POLICY) == date(2026, 6, 30)
    early = ReminderPolicy(declaration_deadline=(1, 31))
    assert declaration_deadline(2025, early) == date(2027, 1, 31)  # 31 January 2026 is inside 2025/26
    assert declaration_year(declaration_deadline(2025, early)) == declaration_year(date(2026, 6, 30)) == 2025


# ---- Still due: the sender asks the pass's rule ---------------------------------------------------

def _situation(records, as_of, facts=FACTS, attested=None, signed=frozenset()):
    return Situation(as_of, facts, member_status(facts, records, as_of, RULES).checks, attested, signed)


EXPIRING = ALL_VALID | {"dbs": [Record(date(2023, 7, 31))]}


def test_every_step_the_pass_queues_is_still_due_that_day():
    for as_of in (date(2026, 6, 1), date(2026, 7, 24), date(2026, 8, 1), date(2026, 9, 30)):
        situation = _situation(EXPIRING, as_of)
        due = check_reminders("m", FACTS, situation.statuses, as_of, POLICY, RULES)
        assert due and all(still_due(d.kind, d.code, d.anchor_on, situation, POLICY, RULES) is None for d in due)


@pytest.mark.parametrize("records, as_of, reason", [
    (EXPIRING, date(2026, 6, 2), None),
    (EXPIRING, date(2026, 8, 3), None),  # delivered late, after the expiry date: still about that expiry
    (EXPIRING | {"dbs": [Record(date(2023, 7, 31)), Record(date(2026, 6, 1))]}, date(2026, 6, 2),
     NO_LONGER_DUE["expiry"]),  # renewed
    (EXPIRING | {"dbs": [Record(date(2023, 7, 31)), Record(date(2026, 6, 1), "not_applicable")]}, date(2026, 6, 2),
     NO_LONGER_DUE["expiry"]),
])
def test_an_expiry_reminder_stays_due_until_the_check_is_renewed(records, as_of, reason):
    assert still_due("expiry", "dbs", date(2026, 7, 31), _situation(records, as_of), POLICY, RULES) == reason


def test_an_overdue_reminder_ends_when_the_check_is_done():
    missing = ALL_VALID | {"qualifications": []}
    assert still_due("overdue", "qualifications", date(2020, 1, 1), _situation(missing, date(2026, 6, 1)),
                     POLICY, RULES) is None
    assert still_due("overdue", "qualifications", date(2020, 1, 1), _situation(ALL_VALID, date(2026, 6, 1)),
                     POLICY, RULES) == NO_LONGER_DUE["overdue"]


@pytest.mark.parametrize("attested, facts, reason", [
    (None, FACTS, None),
    (date(2026, 4, 3), FACTS, NO_LONGER_DUE["attestation"]),
    (None, MemberFacts(date(2020, 1, 1), date(2026, 4, 2)), NO_LONGER_DUE["attestation"]),  # left since
])
def test_an_attestation_request_ends_with_the_attestation(attested, facts, reason):
    situation = _situation(ALL_VALID, date(2026, 4, 5), facts, attested)
    assert still_due("attestation", "self_attestation", date(2026, 4, 1), situation, POLICY, RULES) == reason


@pytest.mark.parametrize("signed, reason", [(frozenset(), None), (frozenset({2025}), NO_LONGER_DUE["declaration"])])
def test_a_declaration_reminder_ends_with_the_signature(signed, reason):
    situation = Situation(date(2026, 6, 20), signed_years=signed)
    assert still_due("declaration", "annual_declaration", date(2026, 6, 30), situation, POLICY) == reason


# ---- The pass's SQL prefilter reads windows built from the same numbers ----------------------------

def test_the_prefilter_window_follows_the_policy_and_rules():
    window = prefilter_window(date(2026, 6, 1), date(2026, 6, 2), POLICY, RULES)
    assert not window.everyone
    assert window.early == date(2026, 4, 26)  # the overdue steps' span (5 x 7 days) and a day before the pass
    assert window.late == date(2026, 8, 1)  # 60 days (the largest expiry lead) ahead
    assert window.left_since == date(2026, 4, 30)  # leaver window (30 days) and the day after the end date
    assert prefilter_window(date(2026, 3, 31), date(2026, 4, 1), POLICY, RULES).everyone
    assert not prefilter_window(date(2026, 3, 31), date(2026, 4, 1), FEBRUARY, RULES).everyone
    assert prefilter_window(date(2026, 1, 30), date(2026, 2, 2), FEBRUARY, RULES).everyone
