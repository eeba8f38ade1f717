"""The status rules of FPPT.md section 4, as pure functions of the records and the as-of date."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from checks.catalogue import (AFTER_FIRST_YEAR, CATALOGUE, EXECUTIVE, LEAVERS, NON_EXECUTIVE, REGISTERED,
                              CheckType)
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


# Why a member is outside the Framework on a date (CONTRACT.md `fpp status`): listed apart, never counted.
STARTS_LATER, SHORT_INTERIM = "starts_later", "short_interim"


@dataclass(frozen=True)
class Rules:
    """The configurable numbers behind the rules (FPPT.md's defaults), and the check catalogue they
    apply: a value, so that an organisation's own checks can join the standard ones (FPPT.md section 3).
    Statuses list the catalogue's codes in its order."""

    warning_window_days: int = 60
    appraisal_after_months: int = 12
    leaver_reference_days: int = 30
    interim_cover_weeks: int = 6
    validity_months: Mapping[str, int | None] = field(default_factory=dict)  # overrides of the catalogue's
    catalogue: tuple[CheckType, ...] = field(default=CATALOGUE, repr=False)
    _by_code: Mapping[str, CheckType] = field(init=False, repr=False, compare=False)
    _by_name: Mapping[str, CheckType] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {c.code: c for c in self.catalogue})
        object.__setattr__(self, "_by_name", {name.casefold(): c for c in self.catalogue
                                              for name in (c.code, c.label, c.description)})

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.catalogue)

    @property
    def regulation_5_codes(self) -> frozenset[str]:
        """The checks that block `fit_and_proper` while missing, expired or a concern (FPPT.md section 6)."""
        return frozenset(c.code for c in self.catalogue if c.is_regulation_5)

    def check(self, code: str) -> CheckType:
        """The catalogue's check type for `code`; KeyError for a code it does not hold."""
        return self._by_code[code]

    def holds(self, code: str) -> bool:
        return code in self._by_code

    def find(self, text: str) -> CheckType | None:
        """The check whose code, name or description is `text` (ignoring case and surrounding spaces)."""
        return self._by_name.get(" ".join(str(text).split()).casefold())

    def label(self, code: str) -> str:
        """What people call check `code`; a code the catalogue no longer holds is a retired check."""
        check = self._by_code.get(code)
        return check.label if check else f"{code} (retired check)"

    def validity(self, code: str) -> int | None:
        """Months a clear record of `code` lasts (None: once): the configured value, else the catalogue's."""
        if code in self.validity_months:
            return self.validity_months[code]
        return self.check(code).validity_months


@dataclass(frozen=True)
class MemberFacts:
    """What the rules need to know about a member."""

    start_on: date
    end_on: date | None = None
    has_registration: bool = False
    is_interim: bool = False
    is_executive: bool = False

    def has_left(self, as_of: date) -> bool:
        return self.end_on is not None and as_of > self.end_on

    def has_started(self, as_of: date) -> bool:
        return self.start_on <= as_of


def is_short_interim(facts: MemberFacts, rules: Rules) -> bool:
    """An interim appointment of at most `rules.interim_cover_weeks` weeks, start and end dates both
    counted (FPPT.md section 1: the Framework covers interim cover of more than that). An interim with
    no end date is in scope: its cover is open-ended, so nothing shows it is short."""
    if not facts.is_interim or facts.end_on is None:
        return False
    return (facts.end_on - facts.start_on).days + 1 <= 7 * rules.interim_cover_weeks


def out_of_scope(facts: MemberFacts, as_of: date, rules: Rules) -> str | None:
    """Why the member is outside the register's board on `as_of` (`SHORT_INTERIM`, `STARTS_LATER`), or
    None when they are on it, serving or left. Out-of-scope members are listed apart, never counted,
    reported or reminded."""
    if is_short_interim(facts, rules):
        return SHORT_INTERIM
    if not facts.has_started(as_of):
        return STARTS_LATER
    return None


def in_scope(facts: MemberFacts, as_of: date, rules: Rules) -> bool:
    """Whether the member is on the board or left by `as_of` and the Framework covers them."""
    return out_of_scope(facts, as_of, rules) is None


@dataclass(frozen=True)
class Record:
    """One completed check. `accepted_on` is the date a decision accepted an issue (it counts as clear from then)."""

    completed_on: date
    outcome: str = CLEAR
    accepted_on: date | None = None
    ref: object = None  # the caller's handle on the stored record, untouched by the rules
    expires_on: date | None = None  # the expiry stated on the document, for a check with per-record expiry

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
    applies_to = rules.check(code).applies_to
    if applies_to == LEAVERS:
        return facts.has_left(as_of)
    if facts.has_left(as_of):
        return False
    if applies_to == REGISTERED:
        return facts.has_registration
    if applies_to == EXECUTIVE:
        return facts.is_executive
    if applies_to == NON_EXECUTIVE:
        return not facts.is_executive
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


def record_expiry(code: str, completed_on: date, stated: date | None, rules: Rules) -> date | None:
    """The last valid day of a clear record: the date its document states, for a check with per-record
    expiry (a record without one, from before the check was per-record, lasts only its own day), else the
    completion date + the check's validity (None: it never expires)."""
    if rules.check(code).expiry_per_record:
        return stated or completed_on
    return expiry_date(code, completed_on, rules)


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
    expires_on = record_expiry(code, latest.completed_on, latest.expires_on, rules)
    if expires_on is None:
        return result(VALID)
    if expires_on < as_of:
        return result(EXPIRED, expires_on)
    if expires_on <= as_of + timedelta(days=rules.warning_window_days):
        return result(DUE_SOON, expires_on)
    return result(VALID, expires_on)


def member_status(facts: MemberFacts, records_by_code: Mapping[str, Iterable[Record]], as_of: date,
                  rules: Rules) -> MemberStatus:
    """Every check's status, for each check of `rules.catalogue` in its order, and the member's overall
    status on `as_of` (first match wins)."""
    checks = {c.code: check_status(c.code, facts, records_by_code.get(c.code, ()), as_of, rules)
              for c in rules.catalogue}
    return MemberStatus(overall_status(facts, checks, as_of), checks)


def overall_status(facts: MemberFacts, checks: Mapping[str, CheckStatus], as_of: date) -> str:
    """`concern`, `action_required`, `due_soon` or `compliant` for a serving member; `left` or
    `action_required` for a leaver; `not_started` before the start date."""
    if not facts.has_started(as_of):
        return NOT_STARTED
    if facts.has_left(as_of):
        reference = checks.get("leaver_reference")
        return LEFT if reference is not None and reference.latest is not None else ACTION_REQUIRED
    statuses = {c.status for c in checks.values()}
    if CONCERN in statuses:
        return CONCERN
    if statuses & {MISSING, EXPIRED}:
        return ACTION_REQUIRED
    if DUE_SOON in statuses:
        return DUE_SOON
    return COMPLIANT
