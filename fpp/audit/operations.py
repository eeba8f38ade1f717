"""Writing the audit trail. Every change calls `record` in the same transaction as the change."""
from __future__ import annotations

import contextvars
from types import SimpleNamespace
import hashlib
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from fpp.audit.models import AuditEntry
from fpp.extensions import db, own_transaction, require_write
from fpp.timeutil import utcnow

GENESIS = "0" * 64
_cli_actor: contextvars.ContextVar[tuple[int | None, str]] = contextvars.ContextVar(
    "cli_actor", default=(None, "system"))
_ADVISORY_LOCK_KEY = 0x46505041  # "FPPA": serialises appends on PostgreSQL


def set_actor(actor_id: int | None, label: str) -> None:
    """Name who acts outside a web request (the CLI, the scheduler)."""
    _cli_actor.set((actor_id, label))


def current_actor() -> tuple[int | None, str]:
    """The signed-in user in a request, otherwise the actor set for this process."""
    from flask import has_request_context
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


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 of the entry's content and the previous entry's hash."""
    content = {
        "prev": entry.prev_hash, "at": entry.at.isoformat(), "actor_id": entry.actor_id,
        "actor": entry.actor, "action": entry.action, "entity_type": entry.entity_type,
        "entity_id": entry.entity_id, "member_pk": entry.member_pk,
        "before": entry.before, "after": entry.after,
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


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
    rows = []
    for item in items:
        entity_id = item.get("entity_id")
        row = {"at": utcnow(), "actor_id": actor_id, "actor": actor_label, "action": item["action"],
               "entity_type": item["entity_type"], "entity_id": None if entity_id is None else str(entity_id),
               "member_pk": item.get("member_pk"), "before": _dump(item.get("before")),
               "after": _dump(item.get("after")), "prev_hash": last}
        row["hash"] = last = entry_hash(SimpleNamespace(**row))
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
    """Audit who read what (DBS data, evidence, exports) from a view that only reads: the entry is
    committed in a short transaction of its own that waits for the write lock (never "database is
    locked"), whatever the request's own transaction does."""
    item = {"action": action, "entity_type": entity_type, "entity_id": entity_id, "before": None,
            "after": after, "member_pk": member_pk}
    actor = current_actor()
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


def _dump(values: dict | None) -> str | None:
    return None if values is None else json.dumps(values, sort_keys=True, default=str)
