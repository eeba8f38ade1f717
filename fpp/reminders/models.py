"""Reminders sent (one row per key, unique), the outbox, the scheduler lease and calendar feeds."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean, CheckConstraint, Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text,
    UniqueConstraint, column, false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from checks.reminders import KINDS
from fpp.extensions import Base
from fpp.people.models import Member
from fpp.register.models import CheckRecord
from fpp.timeutil import utcnow

QUEUED, SENDING, SENT, FAILED, CANCELLED = "queued", "sending", "sent", "failed", "cancelled"
MESSAGE_STATUSES = (QUEUED, SENDING, SENT, FAILED, CANCELLED)

# Indexes for the queries the daily pass runs on the register's own tables (see queries.candidate_members).
Index("ix_check_records_code_completed", CheckRecord.code, CheckRecord.completed_on)
Index("ix_check_records_recorded_at", CheckRecord.recorded_at)
Index("ix_members_start_on", Member.start_on)
Index("ix_members_end_on", Member.end_on)
Index("ix_members_updated_at", Member.updated_at)


class Reminder(Base):
    """A reminder step that was queued. The unique key (kind, member, check, anchor date, step) is what
    makes every step go out once, whoever runs the pass and however often."""

    __tablename__ = "reminders"
    __table_args__ = (CheckConstraint(column("kind").in_(KINDS), name="ck_reminders_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    member_pk: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    anchor_on: Mapped[date] = mapped_column(Date)
    step: Mapped[str] = mapped_column(String(30))
    due_on: Mapped[date] = mapped_column(Date)
    as_of: Mapped[date] = mapped_column(Date)
    queued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    member: Mapped[Member | None] = relationship(lazy="raise")


# Which reminders one message tells its recipient about: a pass writes one message per recipient, listing
# every reminder step it queued for them (migration 0860).
outbox_message_reminders = Table(
    "outbox_message_reminders", Base.metadata,
    Column("message_id", ForeignKey("outbox_messages.id", ondelete="CASCADE"), primary_key=True),
    Column("reminder_id", ForeignKey("reminders.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class OutboxMessage(Base):
    """One e-mail to one recipient, written in the same transaction as the reminders it lists and delivered
    later. `reminder_id` is the first of them when the message is about one member (their own message and
    its copies), so it goes with that member; a message to the staff about many members has none."""

    __tablename__ = "outbox_messages"
    __table_args__ = (UniqueConstraint("reminder_id", "recipient"),
                      Index("ix_outbox_status_next", "status", "next_attempt_at"),
                      CheckConstraint(column("status").in_(MESSAGE_STATUSES), name="ck_outbox_messages_status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    stored_as: Mapped[str | None] = mapped_column(String(300))  # the .eml file (file backend)
    # Carries a single-use link (an invitation, a password reset): the outbox pages never show its body.
    is_confidential: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    reminder: Mapped[Reminder | None] = relationship(lazy="raise")
    reminders: Mapped[list[Reminder]] = relationship(secondary=outbox_message_reminders, lazy="raise")


class ReminderPass(Base):
    """One completed run of the reminder policy; the next pass looks only at what changed since."""

    __tablename__ = "reminder_passes"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(Date, index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    candidates: Mapped[int] = mapped_column(Integer, default=0)
    queued: Mapped[int] = mapped_column(Integer, default=0)


class SchedulerLease(Base):
    """Who runs the scheduler's jobs, until when, and when it last showed signs of life."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    acquired_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime)


class CalendarFeed(Base):
    """A user's secret calendar feed. Only the SHA-256 of the token is kept; revoking ends it for good."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
