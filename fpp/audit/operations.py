"""Writing the audit trail. Every change calls `record` in the same transaction as the change.

Each entry is chained by SHA-256 and keyed by a MAC (recipes in exports/trail.py, key in fpp.audit.keys).
"""
from __future__ import annotations

import contextvars
import json
import secrets
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from flask import has_request_context
from sqlalchemy import bindparam, false, insert, or_, select, text, update
from sqlalchemy.orm import Session

from exports import trail
from fpp.audit.keys import register_keys
from fpp.audit.models import AuditEntry
from fpp.extensions import db, own_transaction, require_write
from fpp.timeutil import utcnow

GENESIS = trail.GENESIS
REDACTED = trail.REDACTED
_cli_actor: contextvars.ContextVar[tuple[int | None, str]] = contextvars.ContextVar(
    "cli_actor", default=(None, "system"))
_batch: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_batch", default=None)
_ADVISORY_LOCK_KEY = 0x46505041  # "FPPA": serialises appends on PostgreSQL


def set_actor(actor_id: int | None, label: str) -> None:
    """Name who acts outside a web request (the CLI, the scheduler)."""
    _cli_actor.set((actor_id, label))


def current_actor() -> tuple[int | None, str]:
    """The signed-in user in a request, otherwise the actor set for this process."""
    if has_request_context():
        from flask_login import current_user
        if current_user and current_user.is_authenticated:
            return current_user.id, current_user.email
    return _cli_actor.get()


def jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def snapshot(obj: Any, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The audited fields of a model instance, as JSON-ready values."""
    return {name: jsonable(getattr(obj, name)) for name in (fields or obj.AUDITED)}


def entry_hash(entry: Any) -> str:
    """Recipe 1 (entries written before migration 0800): SHA-256 of the content and the previous hash."""
    return trail.v1_hash(entry_values(entry))


def entry_values(entry: Any) -> dict[str, Any]:
    """An entry's stored columns (from a model instance, or a mapping) as the mapping exports/trail.py reads."""
    if isinstance(entry, Mapping):
        return {name: entry.get(name) for name in ("id", *trail.MAC_FIELDS, "mac")}
    return {name: getattr(entry, name, None) for name in ("id", *trail.MAC_FIELDS, "mac")}


def current_batch() -> str | None:
    return _batch.get()


@contextmanager
def batch(label: str) -> Iterator[str]:
    """Everything recorded inside carries one batch id (one import, one bulk operation), so that it reads
    as one batch. Nested batches keep the outer one's id."""
    outer = _batch.get()
    if outer is not None:
        yield outer
        return
    token = _batch.set(f"{label[:40]}:{secrets.token_hex(8)}")
    try:
        yield _batch.get()
    finally:
        _batch.reset(token)


def record(action: str, entity_type: str, entity_id: Any = None, *, before: dict | None = None,
           after: dict | None = None, member_pk: int | None = None,
           actor: tuple[int | None, str] | None = None) -> dict[str, Any]:
    """Append an audit entry chained to the last one; flushes, never commits. Returns the entry's values."""
    item = {"action": action, "entity_type": entity_type, "entity_id": entity_id, "before": before,
            "after": after, "member_pk": member_pk}
    return record_many([item], actor=actor)[0]


def record_many(items: list[dict[str, Any]], actor: tuple[int | None, str] | None = None,
                session: Session | None = None) -> list[dict[str, Any]]:
    """Append one entry per item (each holds `record`'s keyword arguments), in order, chained to the last.

    The lock is taken and the last entry read once, and the entries go in as one bulk INSERT (imports
    write tens of thousands). The chain is checked back afterwards: if the database numbered the rows in
    another order, the transaction is refused rather than leaving a broken chain.
    """
    if not items:
        return []
    session = session or db.session
    require_write(session)
    session.flush()  # the change itself goes first, so this transaction already holds the write lock
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
    last_id, last = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first() or (0, GENESIS)
    actor_id, actor_label = actor or current_actor()
    _, key = register_keys()
    batch_id = _batch.get()
    rows = []
    for item in items:
        entity_id = item.get("entity_id")
        row = {"at": utcnow(), "actor_id": actor_id, "actor": actor_label, "action": item["action"],
               "entity_type": item["entity_type"], "entity_id": None if entity_id is None else str(entity_id),
               "member_pk": item.get("member_pk"), "before": _dump(item.get("before")),
               "after": _dump(item.get("after")), "batch_id": batch_id}
        last = trail.seal(row, last, key)["hash"]
        rows.append(row)
    session.execute(insert(AuditEntry.__table__), rows)
    if len(rows) > 1:
        stored = session.execute(select(AuditEntry.hash).where(AuditEntry.id > last_id)
                                 .order_by(AuditEntry.id)).scalars().all()
        if stored != [row["hash"] for row in rows]:
            raise RuntimeError("audit entries were numbered out of order; nothing was saved")
    return rows


def record_read(action: str, entity_type: str, entity_id: Any = None, *, after: dict | None = None,
                member_pk: int | None = None) -> None:
    """Audit who read what (DBS data, evidence, exports). From a view that only reads, the entry is
    committed in a short transaction of its own that waits for the write lock (never "database is
    locked"), whatever the request's own transaction does; from a command or a job, it joins their
    transaction, which they commit."""
    item = {"action": action, "entity_type": entity_type, "entity_id": entity_id, "before": None,
            "after": after, "member_pk": member_pk}
    actor = current_actor()
    if not has_request_context():
        # A command or a job: its own session is the register's only one here, and may already hold the
        # write lock (a command's IMMEDIATE transaction), which a second connection would wait for in
        # vain. The entry goes in with the command's work, which commits it.
        record_many([item], actor=actor)
        return
    with own_transaction() as session:
        record_many([item], actor=actor, session=session)


def record_change(action: str, obj: Any, before: dict | None, member_pk: int | None = None) -> AuditEntry | None:
    """Audit an update of `obj` from `before`, keeping only the fields that changed; None if nothing did."""
    after = snapshot(obj)
    if before is not None:
        changed = {k for k in after if after[k] != before.get(k)}
        if not changed:
            return None
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after[k] for k in sorted(changed)}
    entity_type = obj.__tablename__
    return record(action, entity_type, obj.id, before=before, after=after, member_pk=member_pk)


def redact(session: Session, *, member_pk: int, actor_ids: set[int], pseudonym: str, when: datetime,
           names: Collection[str] = ()) -> int:
    """Redact the trail for a purged member (retention): entries about the member, and about their accounts
    (`actor_ids`), lose their before/after (replaced by a marker) and, where it names a person, their entity
    id; entries those accounts acted in name `pseudonym` instead, and so does any other entry whose content
    holds one of `names` (the person's name or e-mail addresses, as text in a kept member's entry: who
    searched a register, who decided). The content hash and the chain hash are kept and the MAC is
    recomputed over the stored row, so the trail still verifies. Returns how many entries changed."""
    require_write(session)
    _, key = register_keys()
    accounts = sorted(str(i) for i in actor_ids)
    about = (AuditEntry.member_pk == member_pk)
    if accounts:
        about = about | ((AuditEntry.entity_type == "users") & AuditEntry.entity_id.in_(accounts))
    # Names as JSON stores them (json.dumps escapes quotes and non-ASCII), matched in any entry's content.
    encoded = [json.dumps(name)[1:-1] for name in dict.fromkeys(n for n in names if n and n.strip())]
    mentions = or_(*(column.contains(found) for found in encoded
                     for column in (AuditEntry.before, AuditEntry.after))) if encoded else false()
    by_actor = AuditEntry.actor_id.in_(sorted(actor_ids)) if actor_ids else false()
    query = select(AuditEntry).where(about | by_actor | mentions).order_by(AuditEntry.id)
    changes = []
    for entry in session.execute(query).scalars():
        values = entry_values(entry)
        if entry.member_pk == member_pk or (entry.entity_type == "users" and entry.entity_id in accounts):
            values["before"] = None if entry.before is None else REDACTED
            values["after"] = None if entry.after is None else REDACTED
            if entry.entity_type in PERSONAL_ENTITY_IDS:
                values["entity_id"] = None
        else:
            for side in ("before", "after"):
                for found in encoded:
                    if values[side] and found in values[side]:
                        values[side] = values[side].replace(found, pseudonym)
        if entry.actor_id is not None and entry.actor_id in actor_ids:
            values["actor"] = pseudonym
        values["redacted_at"] = entry.redacted_at or when
        values["mac"] = trail.entry_mac(key, values)
        changes.append({"b_id": entry.id, **{f"b_{k}": values[k] for k in _REDACTABLE}})
    if changes:
        table = AuditEntry.__table__
        session.execute(update(table).where(table.c.id == bindparam("b_id"))
                        .values({k: bindparam(f"b_{k}") for k in _REDACTABLE}), changes)
        session.expire_all()
    return len(changes)


# Entity ids that are themselves personal data (none today: ids are row numbers); a purge keeps the rest.
PERSONAL_ENTITY_IDS: frozenset[str] = frozenset()
_REDACTABLE = ("before", "after", "entity_id", "actor", "redacted_at", "mac")


def _dump(values: dict | None) -> str | None:
    return None if values is None else json.dumps(values, sort_keys=True, default=str)
