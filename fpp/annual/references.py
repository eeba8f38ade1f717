"""Verbs for Board Member References (FPPT.md section 5a): given for a leaver, received on appointment.

They validate, flush and audit; the caller commits.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError

from checks.annual import BMR_REQUIRED, bmr_problems
from fpp.annual import queries
from fpp.annual.models import ONE_GIVEN_REFERENCE, LeaverReference
from fpp.audit import operations as audit
from fpp.errors import DomainError, violates
from fpp.extensions import db
from fpp.people.models import Member
from fpp.register.operations import record_check
from fpp.timeutil import today

BMR_FIELDS = tuple(name for name, _ in BMR_REQUIRED)


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(BMR_FIELDS)
    if unknown:
        raise TypeError(f"unknown reference fields: {sorted(unknown)}")
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    problems = bmr_problems(cleaned, today())
    if problems:
        raise DomainError(problems[0][1], problems[0][0])
    return cleaned


def complete_leaver_reference(member: Member, recorded_by_id: int | None, **fields: Any) -> LeaverReference:
    """The organisation's BMR for a member who has left, and the `leaver_reference` check it completes
    (an issue when the organisation does not consider the member fit and proper). One per leaver."""
    if member.end_on is None:
        raise DomainError(f"{member.name} is still serving: end the appointment first.")
    _refuse_second_given(member)
    cleaned = _clean(fields)
    record = record_check(member, recorded_by_id, code="leaver_reference", completed_on=cleaned["completed_on"],
                          outcome="clear" if cleaned["is_fit_and_proper"] else "issue",
                          notes=f"Board Member Reference completed by {cleaned['completed_by_name']}")
    try:
        return _add(member, "given", recorded_by_id, record.id, cleaned)
    except IntegrityError as error:  # another request completed it since the check above
        if not violates(error, ONE_GIVEN_REFERENCE):
            raise
        _refuse_second_given(member)
        raise DomainError(f"The leaver reference for {member.name} was already completed.") from None


def _refuse_second_given(member: Member) -> None:
    existing = queries.given_reference(member.id)
    if existing is not None:
        raise DomainError(f"The leaver reference for {member.name} was already completed on "
                          f"{existing.completed_on:%d/%m/%Y}.")


def record_received_reference(member: Member, recorded_by_id: int | None, **fields: Any) -> LeaverReference:
    """A BMR received from a previous employer on appointment, linked to the `references` check it
    records (an issue when that employer did not consider the member fit and proper)."""
    cleaned = _clean(fields)
    record = record_check(member, recorded_by_id, code="references", completed_on=cleaned["completed_on"],
                          outcome="clear" if cleaned["is_fit_and_proper"] else "issue",
                          notes=f"Board Member Reference received from {cleaned['organisation']}")
    return _add(member, "received", recorded_by_id, record.id, cleaned)


def _add(member: Member, direction: str, recorded_by_id: int | None, record_id: int,
         cleaned: dict[str, Any]) -> LeaverReference:
    reference = LeaverReference(member_pk=member.id, direction=direction, check_record_id=record_id,
                                recorded_by_id=recorded_by_id, **cleaned)
    with db.session.begin_nested():  # a SAVEPOINT: a refused insert leaves the caller's transaction usable
        db.session.add(reference)
        db.session.flush()
    audit.record(f"reference.{direction}", "leaver_references", reference.id, after=audit.snapshot(reference),
                 member_pk=member.id)
    return reference


def record_sent(reference: LeaverReference, sent_to: str | None, sent_on: date | None) -> LeaverReference:
    """Record to whom and when the organisation sent its BMR; a later sending replaces it, audited."""
    if reference.direction != "given":
        raise DomainError("Only a reference this organisation gave can be sent.")
    sent_to = (sent_to or "").strip()
    if not sent_to:
        raise DomainError("Enter who the reference was sent to", "sent_to")
    if sent_on is None:
        raise DomainError("Enter the date it was sent", "sent_on")
    if sent_on > today():
        raise DomainError("The date sent cannot be in the future", "sent_on")
    if sent_on < reference.completed_on:
        raise DomainError("The date sent cannot be before the reference was completed", "sent_on")
    if reference.sent_to == sent_to and reference.sent_on == sent_on:
        raise DomainError(f"This sending is already recorded: {sent_to} on {sent_on:%d/%m/%Y}.", "sent_to")
    before = audit.snapshot(reference)
    reference.sent_to, reference.sent_on = sent_to, sent_on
    audit.record_change("reference.sent", reference, before, member_pk=reference.member_pk)
    return reference
