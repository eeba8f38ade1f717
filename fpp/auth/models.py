"""People who sign in."""
from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, column
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
    __table_args__ = (ONE_ACCOUNT_PER_MEMBER, CheckConstraint(column("role").in_(ROLES), name="ck_users_role"),
                      CheckConstraint("session_version >= 1", name="ck_users_session_version"),
                      CheckConstraint("failed_logins >= 0", name="ck_users_failed_logins"))

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    member_pk: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The second factor: the TOTP secret encrypted at rest (fpp.keys, "totp-secret"), when it was
    # confirmed, and the last time step accepted (a code is never accepted twice).
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Raised to end every session of the account at once (password or role change, disabling, ...).
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    active_until: Mapped[date | None] = mapped_column(Date)  # the last day the account works (auditors)
    invited_at: Mapped[datetime | None] = mapped_column(DateTime)  # an invitation not yet accepted
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)

    member: Mapped[Member | None] = relationship(lazy="joined")

    AUDITED = ("email", "role", "member_pk", "is_enabled", "active_until")

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    def is_member(self, member: Member) -> bool:
        return self.member_pk is not None and self.member_pk == member.id

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret is not None and self.totp_confirmed_at is not None

    def refusal(self, today: date) -> str | None:
        """Why this account may not be used on `today` (None when it may): disabled, an invitation not
        yet accepted, past its last day (`active_until`), or its board member has left (an end date
        before today). Worked out when asked, at sign-in and on every request; nothing flips it."""
        if not self.is_enabled:
            return "This account has been disabled."
        if self.invited_at is not None:
            return "This account's invitation has not been accepted yet: use the link in the invitation email."
        if self.active_until is not None and self.active_until < today:
            return f"This account ended on {_long_date(self.active_until)}."
        member = self.member
        if member is not None and member.end_on is not None and member.end_on < today:
            return f"This account ended when {member.name} left the board on {_long_date(member.end_on)}."
        return None


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


class RecoveryCode(Base):
    """One of an account's single-use recovery codes for the second factor, stored hashed (Argon2)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class EndedSession(Base):
    """A session signed out for good: its id (carried in the signed cookie) is refused until the
    session could have expired anyway, after which the row may be purged."""

    __tablename__ = "ended_sessions"

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    ended_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
