"""The annual cycle (FPPT.md sections 5, 5a and 6): attestations, outcomes, declarations, leaver references."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, column, text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from checks.annual import ASSESSMENT_OUTCOMES as OUTCOMES  # defined once, in checks
from fpp.extensions import Base
from fpp.people.models import Member
from fpp.timeutil import utcnow

DIRECTIONS = ("given", "received")  # a BMR this organisation gave for a leaver, or one received on appointment
GIVEN = text("direction = 'given'")
# The organisation gives one reference per leaver; it may receive any number.
ONE_GIVEN_REFERENCE = Index("uq_leaver_references_given", "member_pk", unique=True,
                            sqlite_where=GIVEN, postgresql_where=GIVEN)


class AttestationRequest(Base):
    """The secretary asked a member for the year's self-attestation."""

    __tablename__ = "attestation_requests"
    __table_args__ = (UniqueConstraint("member_pk", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_pk: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer, index=True)
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Attestation(Base):
    """A submitted self-attestation, with the exact wording answered (never edited after submission)."""

    __tablename__ = "attestations"
    __table_args__ = (UniqueConstraint("member_pk", "year", name="uq_attestations_member_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_pk: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    form_version: Mapped[str] = mapped_column(String(20))
    framework_version: Mapped[str] = mapped_column(String(40))  # the competency framework answered (checks.frameworks)
    answers: Mapped[str] = mapped_column(Text)  # JSON: [{key, text, answer, disclosure}]
    self_assessment: Mapped[str] = mapped_column(Text)  # JSON: [{domain, rating, comment}]
    has_disclosure: Mapped[bool] = mapped_column(Boolean, default=False)
    discloses_part1_ground: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_on: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    check_record_id: Mapped[int | None] = mapped_column(ForeignKey("check_records.id"))

    member: Mapped[Member] = relationship(lazy="raise")

    AUDITED = ("member_pk", "year", "form_version", "framework_version", "has_disclosure", "discloses_part1_ground",
               "submitted_on", "check_record_id")


class Assessment(Base):
    """The chair's (or, for the chair, the SID's) outcome for a member and a year."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("member_pk", "year"),
                      CheckConstraint(column("outcome").in_(OUTCOMES), name="ck_assessments_outcome"))

    id: Mapped[int] = mapped_column(primary_key=True)
    member_pk: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer, index=True)
    outcome: Mapped[str] = mapped_column(String(40))
    mitigation_note: Mapped[str | None] = mapped_column(Text)
    action_taken: Mapped[str | None] = mapped_column(Text)
    regulator_informed: Mapped[bool | None] = mapped_column(Boolean)
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    member: Mapped[Member] = relationship(lazy="raise")

    AUDITED = ("member_pk", "year", "outcome", "mitigation_note", "action_taken", "regulator_informed",
               "decided_on", "decided_by_id")


class Declaration(Base):
    """A signed annual declaration; signing again makes a new version and keeps the old one."""

    __tablename__ = "declarations"
    __table_args__ = (UniqueConstraint("year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    statement: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)  # the canonical JSON that was signed
    content_hash: Mapped[str] = mapped_column(String(64))
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_by_name: Mapped[str] = mapped_column(String(200))
    signed_on: Mapped[date] = mapped_column(Date)
    signed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The audit trail's head just after signing (entries, last hash): beside the content hash, not in it.
    trail_count: Mapped[int | None] = mapped_column(Integer)
    trail_head: Mapped[str | None] = mapped_column(String(64))


class LeaverReference(Base):
    """A Board Member Reference (FPPT.md section 5a), given for a leaver or received on appointment."""

    __tablename__ = "leaver_references"
    __table_args__ = (ONE_GIVEN_REFERENCE,
                      CheckConstraint(column("direction").in_(DIRECTIONS), name="ck_leaver_references_direction"))

    id: Mapped[int] = mapped_column(primary_key=True)
    member_pk: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(10), default="given")
    organisation: Mapped[str] = mapped_column(String(200))
    roles_and_dates: Mapped[str] = mapped_column(Text)
    reason_for_leaving: Mapped[str] = mapped_column(Text)
    disciplinary_findings: Mapped[str] = mapped_column(Text)
    open_investigations: Mapped[str] = mapped_column(Text)
    discontinued_matters: Mapped[str | None] = mapped_column(Text)  # None: recorded before the register asked
    conduct_concerns: Mapped[str] = mapped_column(Text)
    settlement_agreement: Mapped[str] = mapped_column(Text)
    regulator_referrals: Mapped[str] = mapped_column(Text)
    is_fit_and_proper: Mapped[bool] = mapped_column(Boolean)
    fit_and_proper_reasons: Mapped[str] = mapped_column(Text)
    completed_by_name: Mapped[str] = mapped_column(String(200))
    completed_by_role: Mapped[str] = mapped_column(String(200))
    completed_on: Mapped[date] = mapped_column(Date)
    sent_to: Mapped[str | None] = mapped_column(String(300))
    sent_on: Mapped[date | None] = mapped_column(Date)
    check_record_id: Mapped[int | None] = mapped_column(ForeignKey("check_records.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    member: Mapped[Member] = relationship(lazy="raise")

    AUDITED = ("member_pk", "direction", "organisation", "roles_and_dates", "reason_for_leaving",
               "disciplinary_findings", "open_investigations", "discontinued_matters", "conduct_concerns",
               "settlement_agreement", "regulator_referrals", "is_fit_and_proper", "fit_and_proper_reasons",
               "completed_by_name", "completed_by_role", "completed_on", "sent_to", "sent_on", "check_record_id")
