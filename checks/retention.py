"""How long the register keeps a leaver's data (FPPT.md section 7), as pure functions of dates.

A leaver is purged on the latest of three days:
- their `leaver_age_years` birthday (75 by default; see `birthday` for 29 February);
- the day their leaver reference falls due (the end date + `[rules] leaver_reference_days`, the rule of
  `checks.rules.leaver_reference_due_on`);
- the deadline of the declaration for the last year that lists them (`checks.reminders.declaration_deadline`:
  the configured MM-DD after that year ends). That year is the later of the year they left in (they served
  in it, so its declaration lists them, signed yet or not) and the last signed declaration naming them.
A member still serving is never due, nor a leaver with no date of birth on file: that cannot be judged, and
the secretary is asked for the date of birth.

Some evidence has a shorter life of its own (`[retention.evidence_years]`): a file on a record of such a
check is kept for that many years after the member left, the end date plus the years being the last day
kept, and is removed from the day after, even while the rest of the member's records are kept.

Pure: no clock, no Flask, no database.
"""
from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from checks.dates import add_months
from checks.reminders import declaration_deadline
from checks.rules import MemberFacts, Rules, leaver_reference_due_on
from checks.years import year_of

# What a member's retention is, on a day.
SERVING, NO_BIRTH_DATE, KEPT, DUE = "serving", "no_birth_date", "kept", "due"
# Which of the three days gave the purge date (the first listed wins a tie).
BIRTHDAY, LEAVER_REFERENCE, DECLARATION = "birthday", "leaver_reference", "declaration"
REASON_LABELS = {
    BIRTHDAY: "birthday",  # completed with the age where it is shown: "75th birthday"
    LEAVER_REFERENCE: "leaver reference due",
    DECLARATION: "declaration deadline",
}


@dataclass(frozen=True)
class RetentionPolicy:
    """The configurable numbers: `[retention] leaver_age_years`, `[retention.evidence_years]` (check code ->
    years after leaving) and the declaration deadline (`[annual] declaration_deadline`, month and day)."""

    leaver_age_years: int = 75
    evidence_years: Mapping[str, int] = field(default_factory=dict)
    # Named as checks.reminders.ReminderPolicy names it, so `declaration_deadline` reads it from this policy
    # too: the deadline rule stays in one place.
    declaration_deadline: tuple[int, int] = (6, 30)


@dataclass(frozen=True)
class Retention:
    """A member's retention on `as_of`: their status, the purge date and the rule that gave it (None while
    serving or with no date of birth), and each of the three candidate days that were known."""

    status: str
    purge_on: date | None = None
    reason: str | None = None
    candidates: Mapping[str, date] = field(default_factory=dict)

    @property
    def is_due(self) -> bool:
        return self.status == DUE

    def reason_label(self, policy: RetentionPolicy) -> str:
        """Why that date, in words: "75th birthday", "leaver reference due", "declaration deadline"."""
        if self.reason == BIRTHDAY:
            return f"{ordinal(policy.leaver_age_years)} birthday"
        return REASON_LABELS.get(self.reason or "", "")


def ordinal(number: int) -> str:
    """75 -> "75th", 21 -> "21st", 12 -> "12th"."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def birthday(date_of_birth: date, age: int) -> date:
    """The day someone born on `date_of_birth` turns `age`. Someone born on 29 February turns it on
    1 March in a year that has no 29 February: the day they have certainly reached the age (the reading
    of English law), so the register never purges a day early."""
    year = date_of_birth.year + age
    if (date_of_birth.month, date_of_birth.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 3, 1)
    return date_of_birth.replace(year=year)


def last_declared_year(end_on: date, declared_years: Iterable[int] = ()) -> int:
    """The last year whose declaration lists the leaver: the year they left in, or a later signed one."""
    return max([year_of(end_on), *declared_years])


def retention(facts: MemberFacts, date_of_birth: date | None, declared_years: Iterable[int], as_of: date,
              rules: Rules, policy: RetentionPolicy) -> Retention:
    """The member's retention on `as_of` (see the module's docstring); due from the purge date itself."""
    if facts.end_on is None or not facts.has_left(as_of):
        return Retention(SERVING)
    if date_of_birth is None:
        return Retention(NO_BIRTH_DATE)
    candidates = {
        BIRTHDAY: birthday(date_of_birth, policy.leaver_age_years),
        LEAVER_REFERENCE: leaver_reference_due_on(facts, rules),
        DECLARATION: declaration_deadline(last_declared_year(facts.end_on, declared_years), policy),
    }
    reason = max(candidates, key=lambda name: candidates[name])  # max keeps the first of equal days
    purge_on = candidates[reason]
    return Retention(DUE if as_of >= purge_on else KEPT, purge_on, reason, candidates)


def evidence_removal_on(code: str, end_on: date | None, policy: RetentionPolicy) -> date | None:
    """The first day an evidence file on a `code` record may no longer be kept, when `[retention.evidence_years]`
    gives that check a life of its own and the member has an end date; otherwise None (the file goes with
    the member's other records)."""
    years = policy.evidence_years.get(code)
    if years is None or end_on is None:
        return None
    return add_months(end_on, 12 * years) + timedelta(days=1)


def evidence_is_due(code: str, facts: MemberFacts, as_of: date, policy: RetentionPolicy) -> bool:
    """Whether an evidence file on a `code` record of this member is past its own retention on `as_of`."""
    removal_on = evidence_removal_on(code, facts.end_on, policy)
    return removal_on is not None and facts.has_left(as_of) and as_of >= removal_on
