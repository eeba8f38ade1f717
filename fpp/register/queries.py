"""Reading the register: members with their statuses, in a fixed number of queries."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from checks import MemberStatus, Record, Rules, member_status
from fpp.extensions import db
from fpp.people.models import Member
from fpp.register.models import CheckRecord

RecordsByCode = dict[str, list[Record]]


@dataclass(frozen=True)
class MemberRow:
    """A member and their status on the as-of date."""

    member: Member
    status: MemberStatus


def load_rule_records(member_pks: list[int] | None = None) -> dict[int, RecordsByCode]:
    """Every live record as a rules Record, grouped by member and check, in one query."""
    query = select(CheckRecord.member_pk, CheckRecord.code, CheckRecord.completed_on, CheckRecord.outcome,
                   CheckRecord.decision_on, CheckRecord.id).where(CheckRecord.deleted_at.is_(None))
    if member_pks is not None:
        query = query.where(CheckRecord.member_pk.in_(member_pks))
    grouped: dict[int, RecordsByCode] = defaultdict(lambda: defaultdict(list))
    # Core rows, not ORM entities: this runs over every record of the register.
    for member_pk, code, completed_on, outcome, decision_on, record_id in db.session.connection().execute(query).all():
        grouped[member_pk][code].append(Record(completed_on, outcome, decision_on, ref=record_id))
    return grouped


def board(as_of: date, rules: Rules) -> tuple[list[MemberRow], list[Member]]:
    """The members on the board or left by `as_of` with their statuses (Member ID order), and those who
    start later, apart. Two queries whatever the board's size."""
    members = db.session.execute(select(Member).order_by(Member.member_id)).scalars().all()
    records = load_rule_records()
    rows, future = [], []
    for member in members:
        if member.start_on > as_of:
            future.append(member)
            continue
        rows.append(MemberRow(member, member_status(member.facts, records.get(member.id, {}), as_of, rules)))
    return rows, future


def member_row(member: Member, as_of: date, rules: Rules) -> MemberRow:
    """One member's status on `as_of`."""
    records = load_rule_records([member.id]).get(member.id, {})
    return MemberRow(member, member_status(member.facts, records, as_of, rules))


def member_history(member: Member) -> list[CheckRecord]:
    """All of a member's records, deleted ones included, newest first, with their evidence."""
    query = (select(CheckRecord).where(CheckRecord.member_pk == member.id)
             .options(selectinload(CheckRecord.evidence))
             .order_by(CheckRecord.completed_on.desc(), CheckRecord.id.desc()))
    return list(db.session.execute(query).scalars())
