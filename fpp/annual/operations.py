"""Verbs of the annual cycle: requests, attestations, outcomes, decisions, the signed declaration.

They validate, flush and audit; the caller commits.
"""
from __future__ import annotations

import json
from collections.abc import Mapping

from checks import Rules
from checks.annual import (ACCEPTED, ATTESTATION_FORM_VERSION, MITIGATED, NOT_ACCEPTED, NOT_FIT, assess_answers,
                           canonical_json, content_hash, decider_refusal, decision_problem, outcome_problem,
                           served_in_year)
from checks.frameworks import Framework
from checks.years import year_bounds, year_label, year_of
from fpp.annual import frameworks, queries
from fpp.annual.models import Assessment, Attestation, AttestationRequest, Declaration
from fpp.audit import operations as audit
from fpp.auth.models import User
from fpp.auth.operations import confirm_password
from fpp.errors import DomainError
from fpp.extensions import db, settings
from fpp.people.models import Member
from fpp.register.models import CheckRecord
from fpp.register.operations import record_check
from fpp.register.queries import member_row
from fpp.timeutil import today


def request_attestations(year: int, requested_by_id: int | None) -> list[Member]:
    """Ask every member serving in the current year who has not been asked yet; returns those asked now."""
    if year != year_of(today()):
        raise DomainError(f"Attestations can be requested only for the current year, "
                          f"{year_label(year_of(today()))}", "year")
    asked = []
    for member in queries.members_in_year(year):
        if not member.facts.has_started(today()) or member.facts.has_left(today()) \
                or queries.find_request(member.id, year) is not None:
            continue
        request = AttestationRequest(member_pk=member.id, year=year, requested_by_id=requested_by_id)
        db.session.add(request)
        db.session.flush()
        audit.record("attestation.request", "attestation_requests", request.id,
                     after={"member_pk": member.id, "year": year}, member_pk=member.id)
        asked.append(member)
    return asked


def submit_attestation(member: Member, user: User, password: str,
                       answers: Mapping[str, tuple[str | None, str | None]],
                       ratings: Mapping[str, tuple[str | None, str | None]]) -> Attestation:
    """Record the member's own attestation for the current year with the exact wording answered (that of
    the framework version in force in the year, which it names), and the `self_attestation` check (an
    issue when anything is disclosed). One per member and year."""
    if not user.is_member(member):
        raise DomainError("You can submit only your own attestation.")
    day = today()
    year = year_of(day)
    existing = queries.find_attestation(member.id, year)
    if existing is not None:
        raise DomainError(f"You already submitted your {year_label(year)} attestation on "
                          f"{existing.submitted_on:%d/%m/%Y}. A submitted attestation cannot be changed: "
                          "tell the chair of any change.")
    if not member.facts.has_started(day) or member.facts.has_left(day):
        raise DomainError("Only a serving board member completes the attestation.")
    framework = frameworks.for_year(year)
    summary = assess_answers(answers, framework.statements)
    if summary.problems:
        key, message = summary.problems[0]
        raise DomainError(message, f"answer_{key}" if message == "Answer yes or no" else f"disclosure_{key}")
    _check_ratings(framework, ratings)
    confirm_password(user, password)
    record = record_check(member, user.id, code="self_attestation", completed_on=day,
                          outcome="issue" if summary.has_disclosure else "clear",
                          notes=f"Self-attestation {year_label(year)}" + (": disclosure made, see the attestation"
                                                                          if summary.has_disclosure else ""))
    attestation = Attestation(
        member_pk=member.id, year=year, form_version=ATTESTATION_FORM_VERSION, framework_version=framework.version,
        answers=json.dumps(_answer_rows(framework, answers)),
        self_assessment=json.dumps(_rating_rows(framework, ratings)),
        has_disclosure=summary.has_disclosure, discloses_part1_ground=summary.discloses_part1_ground,
        submitted_on=day, submitted_by_id=user.id, check_record_id=record.id)
    db.session.add(attestation)
    db.session.flush()
    audit.record("attestation.submit", "attestations", attestation.id, after=audit.snapshot(attestation),
                 member_pk=member.id)
    return attestation


def _check_ratings(framework: Framework, ratings: Mapping[str, tuple[str | None, str | None]]) -> None:
    valid = {value for value, _ in framework.ratings}
    for key, text in framework.domains:
        if ratings.get(key, (None, None))[0] not in valid:
            raise DomainError(f"Rate yourself against “{text}”", f"rating_{key}")


def _answer_rows(framework: Framework, answers) -> list[dict]:
    rows = []
    for item in framework.statements:
        answer, disclosure = answers[item.key]
        rows.append({"key": item.key, "text": item.text, "expected": item.expected, "answer": answer,
                     "disclosure": (disclosure or "").strip() if answer != item.expected else "",
                     "part1": item.part1})
    return rows


def _rating_rows(framework: Framework, ratings) -> list[dict]:
    labels = dict(framework.ratings)
    return [{"domain": key, "text": text, "rating": ratings[key][0], "rating_text": labels[ratings[key][0]],
             "comment": (ratings[key][1] or "").strip()} for key, text in framework.domains]


def record_outcome(member: Member, year: int, user: User, rules: Rules, outcome: str,
                   mitigation_note: str | None = None, action_taken: str | None = None,
                   regulator_informed: bool | None = None) -> Assessment:
    """Record (or change) the chair's outcome for a member and a year, dated today. Refuses the rules of
    FPPT.md section 6: nobody their own, the SID only the chair's, `fit_and_proper` only with every
    Regulation 5 check valid today and no Schedule 4 part 1 ground in the latest self-attestation."""
    refusal = decider_refusal(user.role, user.member_pk, member.id, queries.is_chair_member(member))
    if refusal:
        raise DomainError(refusal, "outcome")
    day = today()
    if year_bounds(year)[0] > day:
        raise DomainError(f"The year {year_label(year)} has not started yet", "outcome")
    if not served_in_year(member.facts, year):
        raise DomainError(f"{member.name} did not serve in {year_label(year)}", "outcome")
    # A leaver's checks stop applying after their last day: judge them as they stood then.
    as_of = min(day, member.end_on) if member.end_on else day
    statuses = {c: s.status for c, s in member_row(member, as_of, rules).status.checks.items()
                if c in rules.regulation_5_codes}  # the standard ones and any local `regulation5` check
    latest = queries.latest_attestation(member.id, day)
    problem = outcome_problem(outcome, statuses, bool(latest and latest.discloses_part1_ground),
                              mitigation_note, action_taken, regulator_informed, rules.regulation_5_codes)
    if problem:
        raise DomainError(problem[1], problem[0])
    values = {"outcome": outcome,
              "mitigation_note": (mitigation_note or "").strip() or None if outcome == MITIGATED else None,
              "action_taken": (action_taken or "").strip() or None if outcome == NOT_FIT else None,
              "regulator_informed": regulator_informed if outcome == NOT_FIT else None}
    return _save_assessment(member, year, user, values)


def _save_assessment(member: Member, year: int, user: User, values: dict) -> Assessment:
    assessment = queries.find_assessment(member.id, year)
    if assessment is not None and all(getattr(assessment, k) == v for k, v in values.items()):
        raise DomainError(f"This outcome is already recorded for {member.name} "
                          f"(on {assessment.decided_on:%d/%m/%Y}); nothing was changed.", "outcome")
    if assessment is None:
        assessment = Assessment(member_pk=member.id, year=year, decided_on=today(), decided_by_id=user.id,
                                **values)
        db.session.add(assessment)
        db.session.flush()
        audit.record("assessment.create", "assessments", assessment.id, after=audit.snapshot(assessment),
                     member_pk=member.id)
        return assessment
    before = audit.snapshot(assessment)
    for name, value in (values | {"decided_on": today(), "decided_by_id": user.id}).items():
        setattr(assessment, name, value)
    audit.record_change("assessment.update", assessment, before, member_pk=member.id)
    return assessment


def decide_on_record(record: CheckRecord, user: User, note: str | None, decision: str | None = ACCEPTED) -> CheckRecord:
    """Decide on an issue record, from today: accepted with a mitigation note (it then counts as clear), or
    not accepted with a reason (it stays a concern). The chair decides on others' records, the SID on the
    chair's; nobody on their own. A record is decided once."""
    member = db.session.get(Member, record.member_pk)
    refusal = decider_refusal(user.role, user.member_pk, member.id, queries.is_chair_member(member), "decision")
    if refusal:
        raise DomainError(refusal, "decision")
    if record.deleted_at is not None:
        raise DomainError("This record was deleted; there is nothing to decide.", "decision")
    if record.outcome != "issue":
        raise DomainError("Only a record that found an issue needs a decision.", "decision")
    if record.decision_on is not None:
        done = "not accepted" if record.decision_outcome == NOT_ACCEPTED else "accepted"
        raise DomainError(f"This issue was already {done} on {record.decision_on:%d/%m/%Y}.", "decision")
    problem = decision_problem(decision, note)
    if problem:
        raise DomainError(problem[1], problem[0])
    before = audit.snapshot(record)
    record.decision_on, record.decision_outcome = today(), decision
    record.decision_note, record.decided_by_id = note.strip(), user.id
    audit.record_change("check.decide", record, before, member_pk=record.member_pk)
    return record


def sign_declaration(year: int, user: User, password: str) -> Declaration:
    """Sign the year's declaration as the chair: a new version binding the SHA-256 of the canonical
    content. Refused unless every precondition holds (`fpp.annual.declaration.signing_readiness`: the year
    has ended, every member has an outcome, no issue waits for a decision, something new to sign)."""
    from fpp.annual.declaration import declaration_state, signing_readiness
    if user.role != "chair":
        raise DomainError("Only the chair signs the annual declaration.", "password")
    rows = queries.year_rows(year, settings().rules)
    state = declaration_state(year, rows)
    readiness = signing_readiness(year, rows, state)
    if not readiness.can_sign:
        raise DomainError(readiness.message, "password")
    confirm_password(user, password)
    declaration = Declaration(
        year=year, version=(state.latest.version + 1) if state.latest else 1, statement=state.content["statement"],
        content=canonical_json(state.content), content_hash=content_hash(state.content), signed_by_id=user.id,
        signed_by_name=queries.user_label(user.id) or user.email, signed_on=today())
    db.session.add(declaration)
    db.session.flush()
    audit.record("declaration.sign", "declarations", declaration.id,
                 after={"year": year, "version": declaration.version, "content_hash": declaration.content_hash})
    from fpp.audit.checkpoints import checkpoint_on_commit
    # The trail's head with the signature in it, beside the content hash (not in it); signed once committed.
    declaration.trail_count, declaration.trail_head, _ = checkpoint_on_commit(f"declaration {year_label(year)} "
                                                                              f"version {declaration.version} signed")
    db.session.flush()
    return declaration
