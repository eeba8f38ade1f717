"""Evidence packs asked for on the web, built by the scheduler (issue 11): one row per request.

A job is queued by a request, claimed by `fpp.reports.tasks.run_pack_jobs` (one UPDATE ... WHERE
state = 'queued'), then ready with its file in the data folder's exports/ or failed with the reason.
At most one job per year is queued or running (a partial unique index), so a second request for the
same year gets the first job rather than a second build.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, column, text
from sqlalchemy.orm import Mapped, mapped_column

from fpp.extensions import Base
from fpp.timeutil import utcnow

QUEUED, RUNNING, READY, FAILED = "queued", "running", "ready", "failed"
PACK_STATES = (QUEUED, RUNNING, READY, FAILED)
ACTIVE = text("state IN ('queued', 'running')")


class PackJob(Base):
    """A request for the year's evidence pack, its progress and, once built, its file."""

    __tablename__ = "pack_jobs"
    __table_args__ = (
        CheckConstraint(column("state").in_(PACK_STATES), name="ck_pack_jobs_state"),
        Index("uq_pack_jobs_active_year", "year", unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_by: Mapped[str] = mapped_column(String(320))  # as the audit trail names the actor
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    done: Mapped[int] = mapped_column(Integer, default=0)  # evidence files written so far
    total: Mapped[int] = mapped_column(Integer, default=0)  # evidence files in the pack (0 until known)
    worker: Mapped[str | None] = mapped_column(String(100))  # the process building it
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)  # the build's last sign of life
    file_name: Mapped[str | None] = mapped_column(String(100))  # in the data folder's exports/
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
