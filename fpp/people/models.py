"""Board members."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, String, Text, column
from sqlalchemy.orm import Mapped, mapped_column

from checks import MemberFacts
from checks.people import POSITION_LABELS, POSITIONS
from fpp.extensions import Base
from fpp.timeutil import utcnow


class Member(Base):
    """A board member: the import format's fields plus date of birth and the privacy notice."""

    __tablename__ = "members"
    __table_args__ = (CheckConstraint(column("position").in_([code for code, _ in POSITIONS]),
                                      name="ck_members_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    position: Mapped[str] = mapped_column(String(20))
    role_title: Mapped[str | None] = mapped_column(String(200))
    is_voting: Mapped[bool] = mapped_column(Boolean, default=True)
    is_interim: Mapped[bool] = mapped_column(Boolean, default=False)
    is_executive: Mapped[bool] = mapped_column(Boolean, default=False)
    professional_registration: Mapped[str | None] = mapped_column(String(100))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    privacy_notice_on: Mapped[date | None] = mapped_column(Date)
    privacy_objection: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    AUDITED = ("member_id", "name", "email", "position", "role_title", "is_voting", "is_interim",
               "is_executive", "professional_registration", "start_on", "end_on", "date_of_birth",
               "privacy_notice_on", "privacy_objection")

    @property
    def position_label(self) -> str:
        return POSITION_LABELS.get(self.position, self.position)

    @property
    def facts(self) -> MemberFacts:
        return MemberFacts(self.start_on, self.end_on, bool(self.professional_registration), bool(self.is_interim),
                           bool(self.is_executive))

    def __repr__(self) -> str:
        return f"<Member {self.member_id} {self.name}>"
