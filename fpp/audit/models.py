"""The audit trail: append-only, each entry chained to the previous one by SHA-256 and keyed by a MAC
(recipes in exports/trail.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fpp.extensions import Base
from fpp.timeutil import utcnow


class AuditEntry(Base):
    """Who did what to which entity, with the values before and after (JSON text)."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entity", "entity_type", "entity_id"),
        # A linear chain: no two entries follow the same one. The first entry's prev_hash is the genesis
        # value (never NULL), so there is only one first entry too.
        Index("uq_audit_entries_prev_hash", "prev_hash", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    member_pk: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the content, kept apart from it so that a redacted entry still verifies; NULL on entries
    # written before 0800, whose hash covers the content directly (recipe 1).
    content_hash: Mapped[str | None] = mapped_column(String(64))
    mac: Mapped[str | None] = mapped_column(String(64))  # HMAC-SHA256 under fpp.audit.keys.mac_key
    batch_id: Mapped[str | None] = mapped_column(String(64), index=True)  # one import or bulk operation
    redacted_at: Mapped[datetime | None] = mapped_column(DateTime)
