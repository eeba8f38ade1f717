"""Check records and their evidence."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, column, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from checks import OUTCOMES, Record
from checks.annual import ACCEPTED, DECISION_OUTCOMES
from checks.records import DBS_LEVELS  # defined once, in checks
from fpp.extensions import Base
from fpp.people.models import Member
from fpp.timeutil import utcnow

LIVE = text("deleted_at IS NULL")
# A live record's identity is unique; deleted rows stay as history. Python refuses a copy with a message
# first; this makes the rule hold when two requests race.
LIVE_IDENTITY = Index("uq_check_records_live_identity", "member_pk", "code", "completed_on", "outcome", unique=True,
                      sqlite_where=LIVE, postgresql_where=LIVE)
# A file once per record among the files not withdrawn, so that a withdrawn file can be uploaded again.
NOT_WITHDRAWN = text("withdrawn_at IS NULL")
EVIDENCE_ONCE = Index("uq_evidence_record_sha256", "record_id", "sha256", unique=True,
                      sqlite_where=NOT_WITHDRAWN, postgresql_where=NOT_WITHDRAWN)


class CheckRecord(Base):
    """One completed check. Deleting keeps the row (with who, when and why) for the audit."""

    __tablename__ = "check_records"
    __table_args__ = (
        Index("ix_check_records_member_code_date", "member_pk", "code", "completed_on"),
        LIVE_IDENTITY,
        # No CHECK on `code`: local checks extend the catalogue.
        CheckConstraint(column("outcome").in_(OUTCOMES), name="ck_check_records_outcome"),
        CheckConstraint(column("dbs_level").is_(None) | column("dbs_level").in_(DBS_LEVELS),
                        name="ck_check_records_dbs_level"),
        CheckConstraint(column("decision_outcome").is_(None) | column("decision_outcome").in_(DECISION_OUTCOMES),
                        name="ck_check_records_decision_outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_pk: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    completed_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(20), default="clear")
    reference: Mapped[str | None] = mapped_column(String(100))
    dbs_level: Mapped[str | None] = mapped_column(String(20))
    is_update_service: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    searched_name: Mapped[str | None] = mapped_column(String(200))
    searched_dob: Mapped[date | None] = mapped_column(Date)
    searched_by: Mapped[str | None] = mapped_column(String(200))  # who searched the register (a name)
    expires_on: Mapped[date | None] = mapped_column(Date)  # stated on the document (per-record expiry checks)
    decision_on: Mapped[date | None] = mapped_column(Date)
    decision_note: Mapped[str | None] = mapped_column(Text)
    decision_outcome: Mapped[str | None] = mapped_column(String(20))  # accepted or not_accepted (checks.annual)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deletion_reason: Mapped[str | None] = mapped_column(Text)

    member: Mapped[Member] = relationship(lazy="raise")
    evidence: Mapped[list["Evidence"]] = relationship(back_populates="record", lazy="raise",
                                                      order_by="Evidence.id")

    AUDITED = ("member_pk", "code", "completed_on", "outcome", "reference", "dbs_level",
               "is_update_service", "notes", "searched_name", "searched_dob", "searched_by", "expires_on", "decision_on",
               "decision_outcome", "decision_note", "decided_by_id", "deleted_at", "deletion_reason")

    def as_rule_record(self) -> Record:
        accepted_on = self.decision_on if self.decision_outcome == ACCEPTED else None  # not accepted: a concern
        return Record(self.completed_on, self.outcome, accepted_on, ref=self, expires_on=self.expires_on)


class Evidence(Base):
    """An evidence file, stored in the data folder under a random name. Never a DBS certificate.
    Withdrawing keeps the row and the file (until its retention date) but takes it off the pages and pack."""

    __tablename__ = "evidence"
    __table_args__ = (EVIDENCE_ONCE,)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("check_records.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    record: Mapped[CheckRecord] = relationship(back_populates="evidence", lazy="raise")

    AUDITED = ("record_id", "original_name", "size", "content_type", "sha256")
