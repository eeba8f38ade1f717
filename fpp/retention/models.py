"""The purge log: what the retention purge removed, without the personal data itself."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Index, Integer, String, Text, column
from sqlalchemy.orm import Mapped, mapped_column

from fpp.extensions import Base
from fpp.timeutil import utcnow

MEMBER, EVIDENCE = "member", "evidence"  # a whole member purged; evidence files past their own retention
PURGE_KINDS = (MEMBER, EVIDENCE)


class RetentionPurge(Base):
    """One member purged, or one member's evidence files removed, by one run. It holds the Member ID (the
    member row itself is gone), the dates, counts of what went and the SHA-256 of each file, and never a
    name, a date of birth or an e-mail address."""

    __tablename__ = "retention_purges"
    __table_args__ = (CheckConstraint(column("kind").in_(PURGE_KINDS), name="ck_retention_purges_kind"),
                      Index("ix_retention_purges_member_id", "member_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    member_id: Mapped[str] = mapped_column(String(64))
    pseudonym: Mapped[str | None] = mapped_column(String(60))  # how the audit trail now names them
    left_on: Mapped[date | None] = mapped_column(Date)
    purge_on: Mapped[date | None] = mapped_column(Date)  # the day it fell due
    reason: Mapped[str | None] = mapped_column(String(40))  # the rule that gave that day
    as_of: Mapped[date] = mapped_column(Date)
    counts: Mapped[str] = mapped_column(Text)  # JSON: table -> rows removed or redacted
    files: Mapped[str] = mapped_column(Text)  # JSON: [{check, sha256, size}] of the evidence files removed
    files_left: Mapped[int] = mapped_column(Integer, default=0)  # files that could not be deleted from disk
    run_by: Mapped[str] = mapped_column(String(320))  # as the audit trail names the actor: "cli", "scheduler"
    run_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
