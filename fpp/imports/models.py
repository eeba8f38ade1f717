"""Saved column mappings ("presets"), so next year's tracker maps itself."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fpp.extensions import Base
from fpp.timeutil import utcnow


class TrackerPreset(Base):
    """A named, confirmed column mapping (``ColumnMapping.to_dict()`` as JSON text)."""

    __tablename__ = "tracker_presets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    mapping: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    AUDITED = ("name", "mapping")
