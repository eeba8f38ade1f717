"""The reminder policy (issue 5; FPPT.md sections 4 and 6), as pure functions of statuses and dates.

Given what the rules say about a member on the as-of date, these functions say which reminder
steps are due. Each step has a key (member, check, anchor date, step); the app stores the key under a
unique constraint, so a step is sent at most once. Only the *latest* step that has fallen due is
returned: when nothing ran for a while, one reminder goes out, never a backlog (FPPT.md section 6).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from checks.catalogue import AFTER_FIRST_YEAR, get_check
from checks.rules import (
    DUE_SOON, EXPIRED, MISSING, VALID, CheckStatus, MemberFacts, Rules, appraisal_due_on,
    leaver_reference_due_on,
)

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
    declaration_deadline: tuple[int, int] = (6, 30)  # month, day, in the year after the financial year
    attestation_request_on: tuple[int, int] = (4, 1)
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
    if get_check(code).applies_to == AFTER_FIRST_YEAR:
        return appraisal_due_on(facts, rules)
    return facts.start_on


def check_reminders(member: object, facts: MemberFacts, statuses: Mapping[str, CheckStatus], as_of: date,
                    policy: ReminderPolicy, rules: Rules) -> list[Due]:
    """Expiry, overdue and leaver-reference steps due for one member on `as_of`."""
    if not facts.has_started(as_of):
        return []
    due = [d for d in (_one_check(member, facts, s, as_of, policy, rules) for s in statuses.values()) if d]
    return due


def _one_check(member, facts, status: CheckStatus, as_of, policy, rules) -> Due | None:
    if status.code == "leaver_reference":
        return leaver_step(member, facts, status, as_of, rules)
    if status.status in (VALID, DUE_SOON) and status.expires_on is not None:
        lead = latest_lead_step(status.expires_on, policy.expiry_lead_days, as_of)
        if lead is None:
            return None
        return Due(EXPIRY, status.code, status.expires_on, f"before_{lead}",
                   status.expires_on - timedelta(days=lead), member)
    if status.status in (MISSING, EXPIRED):
        anchor = (status.expires_on + timedelta(days=1) if status.status == EXPIRED
                  else applies_from(status.code, facts, rules))
        step = overdue_step(anchor, as_of, policy)
        if step is None:
            return None
        due_on = anchor + timedelta(days=(step - 1) * policy.overdue_repeat_days)
        return Due(OVERDUE, status.code, anchor, f"{status.status}_{step}", due_on, member)
    return None


def leaver_step(member: object, facts: MemberFacts, status: CheckStatus, as_of: date, rules: Rules) -> Due | None:
    """'left' the day after the end date, 'overdue' the day after the 30-day window, while not completed."""
    if status.status != MISSING or not facts.has_left(as_of):
        return None
    deadline = leaver_reference_due_on(facts, rules)
    if as_of > deadline:
        return Due(LEAVER, "leaver_reference", deadline, "overdue", deadline + timedelta(days=1), member)
    return Due(LEAVER, "leaver_reference", deadline, "left", facts.end_on + timedelta(days=1), member)


def financial_year(day: date) -> int:
    """The first calendar year of the NHS financial year containing `day`."""
    return day.year if (day.month, day.day) >= (4, 1) else day.year - 1


def attestation_request(member: object, facts: MemberFacts, last_attested_on: date | None, as_of: date,
                        policy: ReminderPolicy) -> Due | None:
    """The year's attestation request, due from the request day (1 April) to a serving member who has not
    attested since then."""
    if not facts.has_started(as_of) or facts.has_left(as_of):
        return None
    year = financial_year(as_of)
    request_on = date(year, *policy.attestation_request_on)
    if as_of < request_on or (last_attested_on is not None and last_attested_on >= request_on):
        return None
    return Due(ATTESTATION, "self_attestation", request_on, "request", max(request_on, facts.start_on), member)


def declaration_deadline(year: int, policy: ReminderPolicy) -> date:
    """The deadline of the declaration for the financial year starting 1 April `year`."""
    return date(year + 1, *policy.declaration_deadline)


def declaration_reminder(signed_years: Iterable[int], as_of: date, policy: ReminderPolicy) -> Due | None:
    """The reminder to the chair and the secretaries before the deadline of last year's declaration,
    while it is unsigned."""
    year = financial_year(as_of) - 1
    if year in set(signed_years):
        return None
    deadline = declaration_deadline(year, policy)
    lead = latest_lead_step(deadline, policy.declaration_lead_days, as_of)
    if lead is None:
        return None
    return Due(DECLARATION, DECLARATION_CODE, deadline, f"before_{lead}", deadline - timedelta(days=lead))


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
