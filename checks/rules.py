"""The status rules of FPPT.md section 4, as pure functions of the records and the as-of date."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from checks.catalogue import AFTER_FIRST_YEAR, CATALOGUE, LEAVERS, REGISTERED, get_check
from checks.dates import add_months

# Check statuses, worst first where it matters.
NOT_REQUIRED, MISSING, CONCERN, EXPIRED, DUE_SOON, VALID = (
    "not_required", "missing", "concern", "expired", "due_soon", "valid")
CHECK_STATUSES = (VALID, DUE_SOON, EXPIRED, MISSING, CONCERN, NOT_REQUIRED)
# Overall statuses of a member.
COMPLIANT, ACTION_REQUIRED, LEFT, NOT_STARTED = "compliant", "action_required", "left", "not_started"
MEMBER_STATUSES = (COMPLIANT, DUE_SOON, ACTION_REQUIRED, CONCERN, LEFT)
# Record outcomes; on the same completion date an issue outranks a clear record, which outranks n/a.
CLEAR, ISSUE, NOT_APPLICABLE = "clear", "issue", "not_applicable"
OUTCOMES = (CLEAR, ISSUE, NOT_APPLICABLE)
_OUTCOME_RANK = {NOT_APPLICABLE: 0, CLEAR: 1, ISSUE: 2}


@dataclass(frozen=True)
class Rules:
    """The configurable numbers behind the rules (FPPT.md's defaults)."""

    warning_window_days: int = 60
    appraisal_after_months: int = 12
    leaver_reference_days: int = 30
    validity_months: Mapping[str, int | None] = field(
        default_factory=lambda: {c.code: c.validity_months for c in CATALOGUE})

    def validity(self, code: str) -> int | None:
        return self.validity_months.get(code, get_check(code).validity_months)


@dataclass(frozen=True)
class MemberFacts:
    """What the rules need to know about a member."""

    start_on: date
    end_on: date | None = None
    has_registration: bool = False

    def has_left(self, as_of: date) -> bool:
        return self.end_on is not None and as_of > self.end_on

    def has_started(self, as_of: date) -> bool:
        return self.start_on <= as_of


@dataclass(frozen=True)
class Record:
    """One completed check. `accepted_on` is the date a decision accepted an issue (it counts as clear from then)."""

    completed_on: date
    outcome: str = CLEAR
    accepted_on: date | None = None
    ref: object = None  # the caller's handle on the stored record, untouched by the rules

    def outcome_on(self, as_of: date) -> str:
        if self.outcome == ISSUE and self.accepted_on is not None and self.accepted_on <= as_of:
            return CLEAR
        return self.outcome


@dataclass(frozen=True)
class CheckStatus:
    """The status of one check for one member on one date."""

    code: str
    status: str
    completed_on: date | None
    expires_on: date | None
    latest: Record | None

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "completed_on": self.completed_on.isoformat() if self.completed_on else None,
            "expires_on": self.expires_on.isoformat() if self.expires_on else None,
        }


@dataclass(frozen=True)
class MemberStatus:
    """A member's overall status and every check's status, in catalogue order."""

    status: str
    checks: dict[str, CheckStatus]

    def count(self, status: str) -> int:
        return sum(1 for c in self.checks.values() if c.status == status)


def latest_record(records: Iterable[Record], as_of: date) -> Record | None:
    """The record with the latest completion date on or before `as_of`; ties go to the worst outcome."""
    best = None
    for record in records:
        if record.completed_on > as_of:
            continue
        if best is None or record.completed_on > best.completed_on or (
                record.completed_on == best.completed_on
                and _OUTCOME_RANK[record.outcome_on(as_of)] > _OUTCOME_RANK[best.outcome_on(as_of)]):
            best = record
    return best


def is_required(code: str, facts: MemberFacts, as_of: date, rules: Rules) -> bool:
    """Whether check `code` applies to the member on `as_of` (FPPT.md section 4, `not_required`)."""
    applies_to = get_check(code).applies_to
    if applies_to == LEAVERS:
        return facts.has_left(as_of)
    if facts.has_left(as_of):
        return False
    if applies_to == REGISTERED:
        return facts.has_registration
    if applies_to == AFTER_FIRST_YEAR:
        return as_of >= appraisal_due_on(facts, rules)
    return True


def appraisal_due_on(facts: MemberFacts, rules: Rules) -> date:
    """The first day the appraisal applies: the start date + the appraisal delay."""
    return add_months(facts.start_on, rules.appraisal_after_months)


def leaver_reference_due_on(facts: MemberFacts, rules: Rules) -> date | None:
    """The last day to complete the leaver reference without it being overdue (None while serving)."""
    if facts.end_on is None:
        return None
    return facts.end_on + timedelta(days=rules.leaver_reference_days)


def expiry_date(code: str, completed_on: date, rules: Rules) -> date | None:
    """The last valid day of a clear record completed on `completed_on` (None: it never expires)."""
    months = rules.validity(code)
    return None if months is None else add_months(completed_on, months)


def check_status(code: str, facts: MemberFacts, records: Iterable[Record], as_of: date,
                 rules: Rules) -> CheckStatus:
    """The status of check `code` for a member on `as_of`, from that check's records."""
    latest = latest_record(records, as_of)
    completed_on = latest.completed_on if latest else None

    def result(status: str, expires_on: date | None = None) -> CheckStatus:
        return CheckStatus(code, status, completed_on, expires_on, latest)

    if not is_required(code, facts, as_of, rules):
        return result(NOT_REQUIRED)
    if latest is None:
        return result(MISSING)
    outcome = latest.outcome_on(as_of)
    if outcome == ISSUE:
        return result(CONCERN)
    if outcome == NOT_APPLICABLE:
        return result(VALID)
    expires_on = expiry_date(code, latest.completed_on, rules)
    if expires_on is None:
        return result(VALID)
    if expires_on < as_of:
        return result(EXPIRED, expires_on)
    if expires_on <= as_of + timedelta(days=rules.warning_window_days):
        return result(DUE_SOON, expires_on)
    return result(VALID, expires_on)


def member_status(facts: MemberFacts, records_by_code: Mapping[str, Iterable[Record]], as_of: date,
                  rules: Rules) -> MemberStatus:
    """Every check's status and the member's overall status on `as_of` (first match wins)."""
    checks = {c.code: check_status(c.code, facts, records_by_code.get(c.code, ()), as_of, rules)
              for c in CATALOGUE}
    return MemberStatus(overall_status(facts, checks, as_of), checks)


def overall_status(facts: MemberFacts, checks: Mapping[str, CheckStatus], as_of: date) -> str:
    """`concern`, `action_required`, `due_soon` or `compliant` for a serving member; `left` or
    `action_required` for a leaver; `not_started` before the start date."""
    if not facts.has_started(as_of):
        return NOT_STARTED
    if facts.has_left(as_of):
        return LEFT if checks["leaver_reference"].latest is not None else ACTION_REQUIRED
    statuses = {c.status for c in checks.values()}
    if CONCERN in statuses:
        return CONCERN
    if statuses & {MISSING, EXPIRED}:
        return ACTION_REQUIRED
    if DUE_SOON in statuses:
        return DUE_SOON
    return COMPLIANT
