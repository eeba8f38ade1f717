"""The reminder policy (issue 5; FPPT.md sections 4 and 6), as pure functions of statuses and dates.

Given what the rules say about a member on the as-of date, these functions say which reminder
steps are due. Each step has a key (member, check, anchor date, step); the app stores the key under a
unique constraint, so a step is sent at most once. Only the *latest* step that has fallen due is
returned: when nothing ran for a while, one reminder goes out, never a backlog (FPPT.md section 6).

Whether a reminder is due is one rule, `due_anchor`: the daily pass asks it (through `check_reminders`,
`attestation_request` and `declaration_reminder`) and so does the sender before it delivers a queued
message (`still_due`). The pass's SQL prefilter only narrows who is looked at (`prefilter_window`).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from checks.catalogue import AFTER_FIRST_YEAR
from checks.rules import (
    DUE_SOON, EXPIRED, MISSING, VALID, CheckStatus, MemberFacts, Rules, appraisal_due_on,
    leaver_reference_due_on,
)
from checks.years import day_in_year, year_of

# Kinds of reminder.
EXPIRY, OVERDUE, LEAVER, ATTESTATION, DECLARATION, DIGEST = (
    "expiry", "overdue", "leaver", "attestation", "declaration", "digest")
KINDS = (EXPIRY, OVERDUE, LEAVER, ATTESTATION, DECLARATION, DIGEST)
DECLARATION_CODE, DIGEST_CODE = "annual_declaration", "digest"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class ReminderPolicy:
    """The configurable numbers of the policy (the issue's defaults)."""

    expiry_lead_days: tuple[int, ...] = (60, 30, 7)
    overdue_repeat_days: int = 7
    overdue_max_reminders: int = 6
    declaration_lead_days: tuple[int, ...] = (30, 14, 7)
    declaration_deadline: tuple[int, int] = (6, 30)  # month, day: its first occurrence after the year ends
    attestation_request_on: tuple[int, int] = (4, 1)  # month, day: inside the year (checks.years.day_in_year)
    digest_weekday: int = 0  # Monday
    digest_horizon_days: int = 60

    @property
    def overdue_span_days(self) -> int:
        """Days from the first overdue reminder to the last one."""
        return self.overdue_repeat_days * max(self.overdue_max_reminders - 1, 0)


@dataclass(frozen=True)
class Due:
    """One reminder step that is due. `member` is the caller's handle (None for board-wide reminders)."""

    kind: str
    code: str
    anchor_on: date  # the expiry date, the date the check became overdue, or the deadline
    step: str
    due_on: date  # the day this step fell due
    member: object = None

    def key(self, member_key: object = None) -> str:
        """The exactly-once key: member, check, anchor date, step."""
        who = "-" if member_key is None else str(member_key)
        return f"{self.kind}|{who}|{self.code}|{self.anchor_on.isoformat()}|{self.step}"


def latest_lead_step(anchor: date, leads: Iterable[int], as_of: date) -> int | None:
    """The smallest lead (days before `anchor`) whose day has come by `as_of`; None before the first
    or after `anchor`."""
    if as_of > anchor:
        return None
    reached = [lead for lead in leads if anchor - timedelta(days=lead) <= as_of]
    return min(reached) if reached else None


def overdue_step(anchor: date, as_of: date, policy: ReminderPolicy) -> int | None:
    """The latest weekly overdue step (1-based, capped at the maximum) due by `as_of`; None before `anchor`."""
    if as_of < anchor or policy.overdue_max_reminders < 1:
        return None
    repeat = max(policy.overdue_repeat_days, 1)
    return min((as_of - anchor).days // repeat, policy.overdue_max_reminders - 1) + 1


def applies_from(code: str, facts: MemberFacts, rules: Rules) -> date:
    """The day a check started to apply to a member (the anchor of a `missing` check)."""
    if rules.check(code).applies_to == AFTER_FIRST_YEAR:
        return appraisal_due_on(facts, rules)
    return facts.start_on


# ---- When a reminder is due: the one rule the pass and the sender both ask -------------------------

@dataclass(frozen=True)
class Situation:
    """What the policy reads on `as_of`: a member's facts, check statuses and latest self-attestation on
    or before `as_of` (no member for the board-wide reminders), and the years whose declaration is signed."""

    as_of: date
    facts: MemberFacts | None = None
    statuses: Mapping[str, CheckStatus] = field(default_factory=dict)
    last_attested_on: date | None = None
    signed_years: frozenset[int] = frozenset()


def due_anchor(kind: str, code: str, situation: Situation, policy: ReminderPolicy,
               rules: Rules = Rules()) -> date | None:
    """The anchor date of the `kind` reminder about `code` that applies in `situation`; None if none does.

    The anchor is the expiry date (expiry), the day a check became missing or expired (overdue), the
    leaver-reference deadline (leaver), the year's request day (attestation) or last year's declaration
    deadline (declaration). The pass turns it into the latest step due (`reminder_due`); the sender keeps
    a queued message only while its reminder's anchor is still this one (`still_due`).
    """
    if kind == DIGEST:
        return digest_due(situation.as_of, policy).anchor_on
    if kind == DECLARATION:
        year = year_of(situation.as_of) - 1
        return None if year in situation.signed_years else declaration_deadline(year, policy)
    facts, status = situation.facts, situation.statuses.get(code)
    if facts is None or not facts.has_started(situation.as_of):
        return None
    if kind == ATTESTATION:
        return _attestation_anchor(facts, situation, policy)
    if status is None or (kind == LEAVER) != (code == "leaver_reference"):
        return None
    if kind == EXPIRY and status.status in (VALID, DUE_SOON, EXPIRED):
        return status.expires_on
    if kind == OVERDUE and status.status == EXPIRED and status.expires_on is not None:
        return status.expires_on + timedelta(days=1)
    if kind == OVERDUE and status.status == MISSING:
        return applies_from(code, facts, rules)
    if kind == LEAVER and status.status == MISSING and facts.has_left(situation.as_of):
        return leaver_reference_due_on(facts, rules)
    return None


def _attestation_anchor(facts: MemberFacts, situation: Situation, policy: ReminderPolicy) -> date | None:
    as_of, attested = situation.as_of, situation.last_attested_on
    request_on = attestation_request_on(year_of(as_of), policy)
    if facts.has_left(as_of) or as_of < request_on or (attested is not None and attested >= request_on):
        return None
    return request_on


def reminder_due(kind: str, code: str, situation: Situation, policy: ReminderPolicy, rules: Rules = Rules(),
                 member: object = None) -> Due | None:
    """The latest step of the `kind` reminder about `code` due in `situation`, or None."""
    anchor = due_anchor(kind, code, situation, policy, rules)
    step = None if anchor is None else _latest_step(kind, code, anchor, situation, policy)
    return None if step is None else Due(kind, code, anchor, step[0], step[1], member)


def _latest_step(kind: str, code: str, anchor: date, situation: Situation,
                 policy: ReminderPolicy) -> tuple[str, date] | None:
    """(step, the day it fell due) of the latest step of a reminder anchored on `anchor`."""
    as_of = situation.as_of
    if kind in (EXPIRY, DECLARATION):
        leads = policy.expiry_lead_days if kind == EXPIRY else policy.declaration_lead_days
        lead = latest_lead_step(anchor, leads, as_of)
        return None if lead is None else (f"before_{lead}", anchor - timedelta(days=lead))
    if kind == OVERDUE:
        step = overdue_step(anchor, as_of, policy)
        if step is None:
            return None
        due_on = anchor + timedelta(days=(step - 1) * policy.overdue_repeat_days)
        return f"{situation.statuses[code].status}_{step}", due_on
    if kind == LEAVER:  # 'left' the day after the end date, 'overdue' the day after the deadline
        return ("overdue", anchor + timedelta(days=1)) if as_of > anchor else \
            ("left", situation.facts.end_on + timedelta(days=1))
    if kind == ATTESTATION:
        return "request", max(anchor, situation.facts.start_on)
    return "weekly", anchor


NO_LONGER_DUE = {
    EXPIRY: "the check has been renewed or no longer applies",
    OVERDUE: "the check has been completed or no longer applies",
    LEAVER: "the check has been completed or no longer applies",
    ATTESTATION: "the self-attestation has been completed or is no longer asked for",
    DECLARATION: "the declaration has been signed",
    DIGEST: "a newer weekly digest replaces it",
}


def still_due(kind: str, code: str, anchor_on: date, situation: Situation, policy: ReminderPolicy,
              rules: Rules = Rules()) -> str | None:
    """None while a queued reminder (kind, code, anchor) still applies in `situation`; otherwise why not.

    The same rule as the pass (`due_anchor`): a renewed check moves the anchor, a completed or no longer
    required one removes it, a signed declaration or a completed attestation ends the request. A step
    that fell due stays due until then, even when the message is delivered a few days late.
    """
    if due_anchor(kind, code, situation, policy, rules) == anchor_on:
        return None
    return NO_LONGER_DUE[kind]


def check_reminders(member: object, facts: MemberFacts, statuses: Mapping[str, CheckStatus], as_of: date,
                    policy: ReminderPolicy, rules: Rules) -> list[Due]:
    """Expiry, overdue and leaver-reference steps due for one member on `as_of` (one per check at most)."""
    situation = Situation(as_of, facts, statuses)
    due = []
    for code in statuses:
        kinds = (LEAVER,) if code == "leaver_reference" else (EXPIRY, OVERDUE)
        found = (reminder_due(kind, code, situation, policy, rules, member) for kind in kinds)
        due += [d for d in found if d is not None][:1]
    return due


def attestation_request_on(year: int, policy: ReminderPolicy) -> date:
    """The day the attestation request for financial year `year` is sent: the configured MM-DD inside
    that year (a request day before April falls in the calendar year `year + 1`; checks.years.day_in_year)."""
    return day_in_year(year, policy.attestation_request_on)


def attestation_request(member: object, facts: MemberFacts, last_attested_on: date | None, as_of: date,
                        policy: ReminderPolicy) -> Due | None:
    """The year's attestation request, due from the year's request day to a serving member who has not
    attested since then."""
    situation = Situation(as_of, facts, last_attested_on=last_attested_on)
    return reminder_due(ATTESTATION, "self_attestation", situation, policy, member=member)


def declaration_deadline(year: int, policy: ReminderPolicy) -> date:
    """The deadline of the declaration for financial year `year`: the configured MM-DD in the year after."""
    return day_in_year(year + 1, policy.declaration_deadline)


def declaration_year(deadline: date) -> int:
    """The financial year whose declaration is due by `deadline` (the inverse of `declaration_deadline`)."""
    return year_of(deadline) - 1


def declaration_reminder(signed_years: Iterable[int], as_of: date, policy: ReminderPolicy) -> Due | None:
    """The reminder to the chair and the secretaries before the deadline of last year's declaration,
    while it is unsigned."""
    situation = Situation(as_of, signed_years=frozenset(signed_years))
    return reminder_due(DECLARATION, DECLARATION_CODE, situation, policy)


@dataclass(frozen=True)
class PrefilterWindow:
    """Members to look at: anyone (`everyone`, on the request day), else those with a record expiring in
    [early, late], a check or the appraisal starting to apply in [early, as_of], or an end date in
    [left_since, as_of]."""

    everyone: bool
    early: date
    late: date
    left_since: date


def prefilter_window(since: date, as_of: date, policy: ReminderPolicy, rules: Rules) -> PrefilterWindow:
    """The date ranges the pass's indexed SQL prefilter reads, from the same numbers as `due_anchor`.

    A superset filter: every member with a step falling due between `since` (the last pass) and `as_of`
    has a date in one of these ranges, so only they are looked at; `due_anchor` then decides.
    """
    request_on = attestation_request_on(year_of(as_of), policy)
    return PrefilterWindow(
        everyone=since < request_on <= as_of,
        early=since - timedelta(days=policy.overdue_span_days + 1),
        late=as_of + timedelta(days=max(policy.expiry_lead_days, default=0)),
        left_since=since - timedelta(days=rules.leaver_reference_days + 2),
    )


def digest_due(as_of: date, policy: ReminderPolicy) -> Due:
    """This week's digest to the secretaries, anchored on the latest digest weekday on or before `as_of`."""
    anchor = as_of - timedelta(days=(as_of.weekday() - policy.digest_weekday) % 7)
    return Due(DIGEST, DIGEST_CODE, anchor, "weekly", anchor)


@dataclass(frozen=True)
class DigestItem:
    """One line of the digest: a check due within the horizon or overdue."""

    member: object
    code: str
    status: str
    on: date | None  # the expiry date, the date it became overdue, or the leaver-reference deadline


def digest_items(member: object, facts: MemberFacts, statuses: Mapping[str, CheckStatus], as_of: date,
                 policy: ReminderPolicy, rules: Rules) -> list[DigestItem]:
    """What the digest lists for one member: expiries within the horizon and everything overdue."""
    if not facts.has_started(as_of):
        return []
    horizon = as_of + timedelta(days=policy.digest_horizon_days)
    items = []
    for status in statuses.values():
        if status.code == "leaver_reference":
            if status.status == MISSING:
                items.append(DigestItem(member, status.code, MISSING, leaver_reference_due_on(facts, rules)))
        elif status.status in (VALID, DUE_SOON) and status.expires_on and status.expires_on <= horizon:
            items.append(DigestItem(member, status.code, DUE_SOON, status.expires_on))
        elif status.status == EXPIRED:
            items.append(DigestItem(member, status.code, EXPIRED, status.expires_on + timedelta(days=1)))
        elif status.status == MISSING:
            items.append(DigestItem(member, status.code, MISSING, applies_from(status.code, facts, rules)))
    return items
