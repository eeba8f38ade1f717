"""Reading the register: members with their records and statuses, in a fixed number of queries.

`members_with_statuses` is the one query behind the board, `fpp status`, the year view, the calendar feed
and the reminder pass. Who is on the board (and who is listed apart) is the rules' decision
(`checks.rules.out_of_scope`), not this module's.
"""
from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from checks import MemberFacts, MemberStatus, Record, Rules, member_status, out_of_scope
from fpp.extensions import db
from fpp.people.models import Member
from fpp.register.models import CheckRecord

RecordsByCode = dict[str, list[Record]]


@dataclass(frozen=True)
class MemberRow:
    """A member, their live records (as rules Records, by check) and their status on the as-of date.
    `out_of_scope` says why a member listed apart is not on the board (None for those who are)."""

    member: Member
    records: RecordsByCode
    status: MemberStatus
    out_of_scope: str | None = None


class Board(NamedTuple):
    """The members on the board or left by the as-of date (Member ID order), and those listed apart:
    later starters and short interim appointments (`checks.rules.out_of_scope`)."""

    rows: list[MemberRow]
    apart: list[MemberRow]


def members_with_statuses(as_of: date, rules: Rules, member_pks: Collection[int] | None = None, *,
                          members: Sequence[Member] | None = None,
                          status_on: Callable[[MemberFacts], date] | None = None) -> Board:
    """Every member (or those in `member_pks`, or the given `members`), in Member ID order, with their
    live records completed on or before `as_of` and their status on `as_of` (or on `status_on(facts)`,
    which must not be later), split into the board and those listed apart. Two queries (one when
    `members` are given) whatever the board's size."""
    everyone = member_pks is None and members is None
    members = _members(member_pks) if members is None else members
    board = Board([], [])
    with collector_paused():
        records = load_rule_records(None if everyone else [m.id for m in members], as_of)
        for member in members:
            facts = member.facts
            by_code = records.get(member.id, {})
            status = member_status(facts, by_code, as_of if status_on is None else status_on(facts), rules)
            reason = out_of_scope(facts, as_of, rules)
            (board.rows if reason is None else board.apart).append(MemberRow(member, by_code, status, reason))
    return board


def board(as_of: date, rules: Rules) -> Board:
    """The whole board on `as_of` (`members_with_statuses` over every member)."""
    return members_with_statuses(as_of, rules)


def member_row(member: Member, as_of: date, rules: Rules) -> MemberRow:
    """One member's records and status on `as_of`, whether or not they are on the board that day."""
    found = members_with_statuses(as_of, rules, members=[member])
    return (found.rows or found.apart)[0]


def _members(member_pks: Collection[int] | None) -> list[Member]:
    query = select(Member).order_by(Member.member_id)
    if member_pks is not None:
        query = query.where(Member.id.in_(sorted(member_pks)))
    return list(db.session.execute(query).scalars())


def load_rule_records(member_pks: Collection[int] | None = None,
                      as_of: date | None = None) -> dict[int, RecordsByCode]:
    """Every live record (completed on or before `as_of`, when given) as a rules Record, grouped by member
    and check, in one query. Which record counts stays the rules' choice (`checks.rules.latest_record`)."""
    query = select(CheckRecord.member_pk, CheckRecord.code, CheckRecord.completed_on, CheckRecord.outcome,
                   CheckRecord.decision_on, CheckRecord.expires_on).where(CheckRecord.deleted_at.is_(None))
    # Only an accepted decision makes an issue count as clear; a not-accepted one leaves it a concern.
    query = query.add_columns(CheckRecord.decision_outcome == "accepted")
    if member_pks is not None:
        query = query.where(CheckRecord.member_pk.in_(sorted(member_pks)))
    if as_of is not None:
        query = query.where(CheckRecord.completed_on <= as_of)
    grouped: dict[int, RecordsByCode] = {}
    day = _day_reader()
    with collector_paused():
        for member_pk, code, completed_on, outcome, decision_on, expires_on, accepted in _driver_rows(query):
            by_code = grouped.get(member_pk)
            if by_code is None:
                by_code = grouped[member_pk] = {}
            record = Record(day(completed_on), outcome, day(decision_on) if decision_on and accepted else None,
                            expires_on=day(expires_on) if expires_on else None)
            if code in by_code:
                by_code[code].append(record)
            else:
                by_code[code] = [record]
    return grouped


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (where it was on) while the register's records become
    objects: 150,000 new objects set off hundreds of collections that rescan them (and every module) for
    cycles they cannot form, which doubled the time of `fpp status`. Reference counting still frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _driver_rows(query) -> list[tuple]:
    """The query's rows as the database driver returns them: plain tuples, without SQLAlchemy's Row
    objects or result processing (3x faster over the whole register; SQLite dates arrive as text)."""
    result = db.session.connection().execute(query)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _day_reader() -> Callable[[object], date]:
    """Turns a driver's date (a `date`, or ISO text from SQLite) into a date, parsing each text once."""
    parsed: dict[object, date] = {}

    def day(value) -> date:
        found = parsed.get(value)
        if found is None:
            found = parsed[value] = value if isinstance(value, date) else date.fromisoformat(value)
        return found
    return day


def member_history(member: Member) -> list[CheckRecord]:
    """All of a member's records, deleted ones included, newest first, with their evidence."""
    query = (select(CheckRecord).where(CheckRecord.member_pk == member.id)
             .options(selectinload(CheckRecord.evidence))
             .order_by(CheckRecord.completed_on.desc(), CheckRecord.id.desc()))
    return list(db.session.execute(query).scalars())
