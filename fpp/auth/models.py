"""People who sign in."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, String, column
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fpp.extensions import Base
from fpp.people.models import Member
from fpp.timeutil import utcnow

ROLES = ("secretary", "chair", "sid", "member", "auditor")
ROLE_LABELS = {"secretary": "Company secretary", "chair": "Chair", "sid": "Senior independent director",
               "member": "Board member", "auditor": "Auditor"}
MEMBER_ROLES = frozenset({"chair", "sid", "member"})  # accounts that name the board member they are
# One account per board member (NULLs, the accounts of no member, are distinct in both databases).
ONE_ACCOUNT_PER_MEMBER = Index("uq_users_member_pk", "member_pk", unique=True)


class User(UserMixin, Base):
    """A sign-in account with one role; chair, SID and member accounts are linked to their member."""

    __tablename__ = "users"
    __table_args__ = (ONE_ACCOUNT_PER_MEMBER, CheckConstraint(column("role").in_(ROLES), name="ck_users_role"))

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    member_pk: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    member: Mapped[Member | None] = relationship(lazy="joined")

    AUDITED = ("email", "role", "member_pk", "is_enabled")

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    def is_member(self, member: Member) -> bool:
        return self.member_pk is not None and self.member_pk == member.id
