"""Reading and verifying the audit trail."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, select

from fpp.audit.models import AuditEntry
from fpp.audit.operations import GENESIS, entry_hash
from fpp.extensions import db


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of checking the hash chain: `broken_id` is the first entry that does not verify."""

    checked: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain() -> VerifyResult:
    """Recompute every entry's hash in order; report the first edited, inserted or deleted entry."""
    previous = GENESIS
    count = 0
    rows = db.session.execute(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000))
    for entry in rows.scalars():
        count += 1
        if entry.prev_hash != previous:
            return VerifyResult(count, entry.id, "its link to the previous entry is broken "
                                                 "(an entry before it was deleted or altered)")
        if entry_hash(entry) != entry.hash:
            return VerifyResult(count, entry.id, "its content does not match its hash (it was edited)")
        previous = entry.hash
    return VerifyResult(count)


def filtered(action: str | None = None, entity_type: str | None = None, actor: str | None = None,
             member_pk: int | None = None, since: date | None = None, until: date | None = None) -> Select:
    """A select of audit entries, newest first, narrowed by the given filters."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if actor:
        query = query.where(func.lower(AuditEntry.actor).contains(actor.lower()))
    if member_pk:
        query = query.where(AuditEntry.member_pk == member_pk)
    if since:
        query = query.where(AuditEntry.at >= datetime.combine(since, time.min))
    if until:
        query = query.where(AuditEntry.at < datetime.combine(until + timedelta(days=1), time.min))
    return query


def distinct_actions() -> list[str]:
    return list(db.session.execute(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).scalars())
