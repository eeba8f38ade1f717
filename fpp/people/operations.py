"""Verbs that change board members. They validate, flush and audit; the caller commits."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from checks.people import POSITION_LABELS, default_is_executive
from fpp.audit import operations as audit
from fpp.errors import DomainError
from fpp.extensions import db
from fpp.people.models import Member
from fpp.timeutil import today

EDITABLE = ("member_id", "name", "email", "position", "role_title", "is_voting", "is_interim",
            "is_executive", "professional_registration", "start_on", "end_on", "date_of_birth")


def _validate(member: Member) -> None:
    if not (member.member_id or "").strip():
        raise DomainError("Enter the Member ID", "member_id")
    if not (member.name or "").strip():
        raise DomainError("Enter the member's name", "name")
    if member.position not in POSITION_LABELS:
        raise DomainError("Choose a position", "position")
    if member.start_on is None:
        raise DomainError("Enter the start date", "start_on")
    if member.date_of_birth is not None and member.date_of_birth >= today():
        raise DomainError("The date of birth must be in the past", "date_of_birth")
    if member.end_on is not None and member.end_on < member.start_on:
        raise DomainError("The end date must be on or after the start date", "end_on")
    clash = db.session.execute(select(Member.id).where(
        Member.member_id == member.member_id, Member.id != (member.id or 0))).first()
    if clash:
        raise DomainError(f"Member ID {member.member_id} is already used by another member", "member_id")


def _new_member(fields: dict[str, Any]) -> Member:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown member fields: {sorted(unknown)}")
    if fields.get("is_executive") is None:
        fields["is_executive"] = default_is_executive(fields.get("position") or "")
    fields.setdefault("is_voting", True)
    fields.setdefault("is_interim", False)
    return Member(**fields)


def create_member(**fields: Any) -> Member:
    """Add a board member; `is_executive` defaults from the position."""
    members, errors = create_members([fields])
    if errors:
        raise errors[0][1]
    return members[0]


def create_members(rows: list[dict[str, Any]]) -> tuple[list[Member], list[tuple[int, DomainError]]]:
    """Add several members with `create_member`'s rules and one audit entry each, in one flush.

    Returns the members and the (index, error) of every row refused; when any is refused nothing
    is added. For bulk imports, where one flush and one audit append per member is too slow.
    """
    members, errors, seen = [], [], set()
    for index, fields in enumerate(rows):
        member = _new_member(dict(fields))
        try:
            _validate(member)
            if member.member_id in seen:
                raise DomainError(f"Member ID {member.member_id} is already used by another member", "member_id")
        except DomainError as error:
            errors.append((index, error))
        seen.add(member.member_id)
        members.append(member)
    if errors:
        return [], errors
    db.session.add_all(members)
    db.session.flush()
    audit.record_many([{"action": "member.create", "entity_type": "members", "entity_id": m.id,
                        "after": audit.snapshot(m), "member_pk": m.id} for m in members])
    return members, []


def update_member(member: Member, **fields: Any) -> bool:
    """Change a member's details; True if anything changed (and was audited)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown member fields: {sorted(unknown)}")
    if "is_executive" in fields and fields["is_executive"] is None:
        fields["is_executive"] = default_is_executive(fields.get("position", member.position))
    before = audit.snapshot(member)
    for name, value in fields.items():
        setattr(member, name, value)
    _validate(member)
    return audit.record_change("member.update", member, before, member_pk=member.id) is not None


def end_appointment(member: Member, end_on: date) -> Member:
    """Record the member's last day in post; from the next day the leaver reference is due."""
    if member.end_on is not None:
        raise DomainError(f"This appointment already ended on {member.end_on:%d/%m/%Y}", "end_on")
    before = audit.snapshot(member)
    member.end_on = end_on
    _validate(member)
    audit.record_change("member.end_appointment", member, before, member_pk=member.id)
    return member


def record_privacy_notice(member: Member, given_on: date | None, objection: str | None) -> bool:
    """Record when the privacy notice was given and any objection the member raised; True if anything changed."""
    if given_on is not None and given_on > today():
        raise DomainError("The date the privacy notice was given cannot be in the future", "privacy_notice_on")
    before = audit.snapshot(member)
    member.privacy_notice_on = given_on
    member.privacy_objection = (objection or "").strip() or None
    return audit.record_change("member.privacy_notice", member, before, member_pk=member.id) is not None
