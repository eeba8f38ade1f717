"""Reading board members."""
from __future__ import annotations

from sqlalchemy import select

from fpp.extensions import db
from fpp.people.models import Member


def get_member(member_pk: int) -> Member | None:
    """The member with this primary key, or None."""
    return db.session.get(Member, member_pk)


def find_member_by_id(member_id: str) -> Member | None:
    """The member with this Member ID (the key imports use), or None."""
    return db.session.execute(select(Member).where(Member.member_id == member_id)).scalar()


def members_by_name() -> list[Member]:
    """Every member, by name (for choosing one in a form)."""
    return list(db.session.execute(select(Member).order_by(Member.name)).scalars())
