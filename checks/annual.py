"""The annual cycle's rules (FPPT.md sections 5, 5a and 6), as pure functions.

No Flask, no database, no clock: the year, the dates and the statuses are parameters.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from checks.catalogue import REGULATION_5_CODES
from checks.frameworks import PACKAGE_FRAMEWORKS, Item
from checks.rules import CONCERN, DUE_SOON, EXPIRED, MISSING, NOT_REQUIRED, VALID, CheckStatus, MemberFacts
from checks.wording import date_phrase, short_date
from checks.years import year_bounds, year_label, year_of

SATISFIED = frozenset({VALID, DUE_SOON, NOT_REQUIRED})
# The outcomes of a member's annual assessment (FPPT.md section 6), not to be confused with the outcomes
# of a check record (checks.rules.OUTCOMES: clear, issue, not applicable).
FIT, MITIGATED, NOT_FIT, UNDER_REVIEW = (
    "fit_and_proper", "fit_and_proper_with_mitigations", "not_fit_and_proper", "under_review")
ASSESSMENT_OUTCOMES = (FIT, MITIGATED, NOT_FIT, UNDER_REVIEW)
ASSESSMENT_OUTCOME_LABELS = {
    FIT: "Fit and proper",
    MITIGATED: "Fit and proper with mitigations",
    NOT_FIT: "Not fit and proper",
    UNDER_REVIEW: "Under review",
}


# ---- The year (which year a day is in, its label and bounds: checks/years.py) -----------------------

def served_in_year(facts: MemberFacts, year: int) -> bool:
    """True if any day of the member's service (start to end, both included) falls in the year."""
    start, end = year_bounds(year)
    return facts.start_on <= end and (facts.end_on is None or facts.end_on >= start)


def year_end_for(facts: MemberFacts, year: int) -> date:
    """The member's "status at the year's end" date: 31 March, or the end date if they left in the year."""
    _, end = year_bounds(year)
    return facts.end_on if facts.end_on is not None and facts.end_on < end else end


def unready_checks(statuses: Mapping[str, str]) -> list[str]:
    """The check codes whose year-end status is not satisfied (`valid`, `due_soon` and not required are)."""
    return [code for code, status in statuses.items() if status not in SATISFIED]


# ---- The self-attestation form (FPPT.md section 5) ------------------------------------------------

# The statements, domains and ratings are data, one file per framework version (checks/frameworks/):
# the year decides which (`framework_for_year`). These names are the Leadership Competency Framework's,
# for callers that ask about that version itself (tests, fixtures); the app asks by year.
LCF = PACKAGE_FRAMEWORKS.by_version("LCF-2024")
ATTESTATION_FORM_VERSION = "2025.1"  # the form's layout; the wording is the framework version's
ATTESTATION_ITEMS: tuple[Item, ...] = LCF.statements
LCF_DOMAINS: tuple[tuple[str, str], ...] = LCF.domains
LCF_RATINGS: tuple[tuple[str, str], ...] = LCF.ratings


@dataclass(frozen=True)
class AttestationSummary:
    """What a set of answers discloses."""

    has_disclosure: bool
    discloses_part1_ground: bool
    problems: tuple[tuple[str, str], ...]  # (item key, message) for answers that are missing or unexplained


def assess_answers(answers: Mapping[str, tuple[str | None, str | None]],
                   items: tuple[Item, ...] = ATTESTATION_ITEMS) -> AttestationSummary:
    """Check each item is answered yes or no, and explained where the answer is not the expected one."""
    problems, disclosed, part1 = [], False, False
    for item in items:
        answer, disclosure = answers.get(item.key, (None, None))
        if answer not in ("yes", "no"):
            problems.append((item.key, "Answer yes or no"))
        elif answer != item.expected:
            disclosed, part1 = True, part1 or item.part1
            if not (disclosure or "").strip():
                problems.append((item.key, "Give the details of what you are disclosing"))
    return AttestationSummary(disclosed, part1, tuple(problems))


# ---- Outcomes and decisions (FPPT.md section 6) --------------------------------------------------

_REFUSALS = {
    "outcome": ("Only the chair, or the senior independent director for the chair, records an outcome.",
                "You cannot record your own outcome: the senior independent director records the chair's.",
                "You cannot record your own outcome: the chair records it.",
                "The senior independent director records only the chair's outcome; the chair records this one."),
    "decision": ("Only the chair, or the senior independent director for the chair's records, decides on a record.",
                 "You cannot decide on your own records: the senior independent director decides on the chair's.",
                 "You cannot decide on your own records: the chair decides on them.",
                 "The senior independent director decides only on the chair's records; the chair decides on this one."),
}


def decider_refusal(actor_role: str, actor_member_pk: int | None, subject_member_pk: int,
                    subject_is_chair: bool, what: str = "outcome") -> str | None:
    """Why this user may not record an outcome (`what="outcome"`) or decide on a record (`"decision"`)
    for this member; None if they may.

    The chair acts for everyone but themselves; the SID only for the chair; nobody for themselves.
    """
    not_allowed, own_chair, own_other, sid_not_chair = _REFUSALS[what]
    if actor_role not in ("chair", "sid"):
        return not_allowed
    if actor_member_pk is not None and actor_member_pk == subject_member_pk:
        return own_chair if actor_role == "chair" else own_other
    if actor_role == "sid" and not subject_is_chair:
        return sid_not_chair
    return None


def outcome_problem(outcome: str, reg5_statuses: Mapping[str, str], discloses_part1_ground: bool,
                    mitigation_note: str | None = None, action_taken: str | None = None,
                    regulator_informed: bool | None = None,
                    regulation_5_codes: Collection[str] = REGULATION_5_CODES) -> tuple[str, str] | None:
    """(field, message) if this outcome may not be recorded as given; None if it may. The Regulation 5
    checks are the standard ones unless the caller's catalogue says more (`Rules.regulation_5_codes`).

    `reg5_statuses` are the Regulation 5 checks' statuses on the day of the decision.
    """
    if outcome not in ASSESSMENT_OUTCOMES:
        return "outcome", "Choose an outcome"
    if outcome == MITIGATED and not (mitigation_note or "").strip():
        return "mitigation_note", "Describe the mitigations"
    if outcome == NOT_FIT:
        if not (action_taken or "").strip():
            return "action_taken", "Describe the action taken"
        if regulator_informed is None:
            return "regulator_informed", "Say whether the professional regulator was told"
    if outcome == FIT:
        blocking = sorted(code for code, status in reg5_statuses.items()
                          if code in regulation_5_codes and status in (MISSING, EXPIRED, CONCERN))
        if blocking:
            listed = ", ".join(f"{code.replace('_', ' ')} ({reg5_statuses[code]})" for code in blocking)
            return "outcome", f"Fit and proper cannot be recorded while a Regulation 5 check is not valid: {listed}"
        if discloses_part1_ground:
            return "outcome", ("Fit and proper cannot be recorded: the member's latest self-attestation "
                               "discloses a Schedule 4 part 1 ground")
    return None


# A decision on an issue record: accepted with a mitigation (the record counts as clear from the decision
# date), or not accepted with a reason (the check stays a concern). Both are final for that record.
ACCEPTED, NOT_ACCEPTED = "accepted", "not_accepted"
DECISION_OUTCOMES = (ACCEPTED, NOT_ACCEPTED)


def decision_problem(decision: str | None, note: str | None) -> tuple[str, str] | None:
    """(field, message) if this decision may not be recorded as given; None if it may."""
    if decision not in DECISION_OUTCOMES:
        return "decision", "Choose whether the issue is accepted"
    if not (note or "").strip():
        if decision == ACCEPTED:
            return "decision_note", "Write the mitigation note: why the issue is accepted"
        return "not_accepted_reason", "Write the reason the issue is not accepted"
    return None


def judged_on_phrase(judged_on: date, today: date) -> str:
    """Against which date a member's readiness is judged (their `year_end_for`): "31/03/2026 (year end)"
    or "30/09/2025 (last day in post)", with ", forecast" while that day is still to come."""
    kind = "year end" if judged_on == year_bounds(year_of(judged_on))[1] else "last day in post"
    return f"{short_date(judged_on)} ({kind}{', forecast' if judged_on > today else ''})"


def fit_refusal_explanation(year_end_on: date, year_end_unready: Collection[str],
                            statuses_now: Mapping[str, CheckStatus], judged_now_on: date, today: date,
                            discloses_part1_ground: bool, labels: Mapping[str, str],
                            regulation_5_codes: Collection[str] = REGULATION_5_CODES) -> str | None:
    """Why `fit_and_proper` is refused on `judged_now_on` (today, or a leaver's last day), said against the
    year-end readiness it may differ from; None when it may be recorded. `statuses_now` are the checks'
    statuses on `judged_now_on` (named in their order: the catalogue's), `year_end_unready` the checks not
    satisfied at the year end."""
    blocking = [code for code in statuses_now if code in regulation_5_codes
                and statuses_now[code].status in (MISSING, EXPIRED, CONCERN)]
    if not blocking and not discloses_part1_ground:
        return None
    when = "today" if judged_now_on == today else f"on {short_date(judged_now_on)}, the last day in post,"
    readiness = ("Ready" if not year_end_unready else "Not ready") + f" at {short_date(year_end_on)}"
    if not blocking:
        return (f"{readiness}; {when} the latest self-attestation discloses a Schedule 4 part 1 ground: "
                "fit and proper cannot be recorded")
    reasons = [f"{labels.get(code, code)} {_blocking_words(statuses_now[code])}" for code in blocking]
    if discloses_part1_ground:
        reasons.append("the latest self-attestation discloses a Schedule 4 part 1 ground")
    if len(blocking) == 1 and not discloses_part1_ground:
        until = {MISSING: "it is recorded", EXPIRED: "it is renewed",
                 CONCERN: "the issue is accepted or a clear check is recorded"}[statuses_now[blocking[0]].status]
    else:
        until = "each is put right"
    tail = "" if discloses_part1_ground else ", or record with mitigations"
    return f"{readiness}; {when} {_and(reasons)}: fit and proper cannot be recorded until {until}{tail}"


def _blocking_words(status: CheckStatus) -> str:
    if status.status == EXPIRED:
        return date_phrase(EXPIRED, status.expires_on) or "expired"
    return "missing" if status.status == MISSING else "a concern"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ---- Signing the declaration: what it needs first (FPPT.md section 6) -----------------------------

YEAR_NOT_ENDED, NOBODY_SERVED, OUTCOMES_MISSING, DECISIONS_OUTSTANDING, UNCHANGED = (
    "year_not_ended", "nobody_served", "outcomes_missing", "decisions_outstanding", "unchanged")


@dataclass(frozen=True)
class SigningMember:
    """One member of the year's board as signing sees them."""

    member_pk: int
    member_id: str
    name: str
    year_end_on: date
    has_outcome: bool
    concern_codes: frozenset[str] = frozenset()  # the checks that are a concern at the member's year end


@dataclass(frozen=True)
class OpenIssue:
    """A live issue record with no decision yet."""

    record_id: int
    member_pk: int
    code: str
    label: str
    completed_on: date


@dataclass(frozen=True)
class SigningFacts:
    year: int
    today: date
    members: tuple[SigningMember, ...]
    open_issues: tuple[OpenIssue, ...]
    signed_version: int | None  # the latest signed version, None if unsigned
    changed_since: bool  # the content differs from that version's


@dataclass(frozen=True)
class Unmet:
    """One precondition signing does not meet yet, with the members or issues it is about."""

    key: str
    message: str
    members: tuple[SigningMember, ...] = ()
    issues: tuple[tuple[OpenIssue, SigningMember], ...] = ()


@dataclass(frozen=True)
class SigningReadiness:
    unmet: tuple[Unmet, ...]
    opens_on: date  # the first day signing is possible (1 April after the year)
    members: int  # how many members are declared
    with_outcome: int

    @property
    def can_sign(self) -> bool:
        return not self.unmet

    @property
    def message(self) -> str:
        return " ".join(u.message for u in self.unmet)

    def is_met(self, key: str) -> bool:
        return all(u.key != key for u in self.unmet)


def signing_preconditions(facts: SigningFacts) -> SigningReadiness:
    """Everything signing the year's declaration needs, in the order the chair meets them: the year has
    ended (signing opens on 1 April after it), somebody served, every member has an outcome, no issue that
    makes a check a concern at a member's year end waits for a decision, and there is something new to sign
    (unsigned, or changed since the latest version)."""
    _, end = year_bounds(facts.year)
    opens_on = date(end.year, 4, 1)
    unmet = []
    if facts.today < opens_on:
        unmet.append(Unmet(YEAR_NOT_ENDED, f"The year {year_label(facts.year)} ends on {short_date(end)}: "
                                           f"signing opens on {short_date(opens_on)}."))
    if not facts.members:
        unmet.append(Unmet(NOBODY_SERVED, f"Nobody served in {year_label(facts.year)}: there is nothing to declare."))
    missing = tuple(m for m in facts.members if not m.has_outcome)
    if missing:
        unmet.append(Unmet(OUTCOMES_MISSING, "Record an outcome for every member first. Missing: "
                                             f"{', '.join(m.name for m in missing)}.", members=missing))
    by_pk = {m.member_pk: m for m in facts.members}
    outstanding = tuple((issue, by_pk[issue.member_pk]) for issue in facts.open_issues
                        if issue.member_pk in by_pk and issue.code in by_pk[issue.member_pk].concern_codes
                        and issue.completed_on <= by_pk[issue.member_pk].year_end_on)
    if outstanding:
        listed = ", ".join(f"{issue.label} of {member.name} ({short_date(issue.completed_on)})"
                           for issue, member in outstanding)
        unmet.append(Unmet(DECISIONS_OUTSTANDING, "Decide on every open issue first (accept it or not). "
                                                  f"Waiting: {listed}.", issues=outstanding))
    if facts.signed_version is not None and not facts.changed_since:
        unmet.append(Unmet(UNCHANGED, f"Version {facts.signed_version} is already signed and nothing has "
                                      "changed since."))
    return SigningReadiness(tuple(unmet), opens_on, len(facts.members),
                            sum(1 for m in facts.members if m.has_outcome))


# ---- The Board Member Reference (FPPT.md section 5a) ---------------------------------------------

BMR_REQUIRED: tuple[tuple[str, str], ...] = (
    ("organisation", "Enter the organisation giving the reference"),
    ("roles_and_dates", "Enter the member's board roles and dates"),
    ("reason_for_leaving", "Enter the reason for leaving"),
    ("disciplinary_findings", "Say whether there were upheld disciplinary or misconduct findings (write None if none)"),
    ("open_investigations", "Say whether any investigations are still open (write None if none)"),
    ("discontinued_matters", "Say whether any complaints or disciplinary matters were discontinued "
                             "(write None if none)"),
    ("conduct_concerns", "Say whether concerns were raised about the member's conduct (write None if none)"),
    ("settlement_agreement", "Say whether there is a settlement agreement (write None if none)"),
    ("regulator_referrals", "Say whether the member was referred to a professional regulator (write None if none)"),
    ("is_fit_and_proper", "Say whether the organisation considers the member fit and proper"),
    ("fit_and_proper_reasons", "Give the reasons for that view"),
    ("completed_by_name", "Enter the name of the person completing the reference"),
    ("completed_by_role", "Enter their role"),
    ("completed_on", "Enter the date the reference was completed"),
)


def bmr_problems(fields: Mapping[str, Any], today: date) -> list[tuple[str, str]]:
    """(field, message) for every required BMR field that is blank, and for a completion date in the future."""
    problems = []
    for name, message in BMR_REQUIRED:
        value = fields.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append((name, message))
    completed_on = fields.get("completed_on")
    if isinstance(completed_on, date) and completed_on > today:
        problems.append(("completed_on", "The completion date cannot be in the future"))
    return problems


# ---- The declaration's canonical form ------------------------------------------------------------

def canonical_json(content: Any) -> str:
    """One byte-exact JSON text for `content`: sorted keys, no whitespace, dates in ISO form."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_iso)


def content_hash(content: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of `content`."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def _iso(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not part of a declaration")


_DERIVED = ("members", "counts", "new_appointments", "leavers")  # follow from the members' own entries


def diff_content(signed: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    """What changed between the signed content and the content now, one sentence per change."""
    changes = [f"{_label(key)} changed from {_show(signed.get(key))} to {_show(now.get(key))}"
               for key in sorted(set(signed) | set(now)) if key not in _DERIVED and signed.get(key) != now.get(key)]
    before = {m["member_id"]: m for m in signed.get("members", [])}
    after = {m["member_id"]: m for m in now.get("members", [])}
    for member_id in sorted(set(before) | set(after)):
        if member_id not in after:
            changes.append(f"Member {member_id}: no longer in the year's board")
        elif member_id not in before:
            changes.append(f"Member {member_id}: added to the year's board")
        else:
            changes.extend(f"Member {member_id}: {text}" for text in _diff_flat(before[member_id], after[member_id]))
    return changes


def _diff_flat(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    flat_old, flat_new = _flatten(old), _flatten(new)
    texts = []
    for path in sorted(set(flat_old) | set(flat_new)):
        a, b = flat_old.get(path), flat_new.get(path)
        if a != b:
            texts.append(f"{_path_label(path)} changed from {_show(a)} to {_show(b)}")
    return texts


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: value}


def _path_label(path: str) -> str:
    parts = path.split(".")
    if parts[0] == "checks" and len(parts) == 2:
        return f"{parts[1]} status at year end"
    return " ".join(_label(p) for p in parts)


def _label(key: str) -> str:
    return key.replace("_", " ")


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, dict)):
        return canonical_json(value)
    return str(value)
