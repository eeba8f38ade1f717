"""Reading and verifying the audit trail."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, String, func, literal, select, union_all

from exports import trail
from fpp.audit.keys import register_keys
from fpp.audit.models import AuditEntry
from fpp.audit.operations import snapshot
from fpp.extensions import db

MAX_PROBLEMS = 20
REMOVING = (".delete", ".remove", ".purge")  # actions after which a row may be gone from its table
# Entries that name an audited field otherwise: a deletion records its reason as "reason".
ALIASES = {"check.delete": {"reason": "deletion_reason"}}


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of checking the hash chain and MACs: `broken_id` is the first entry that does not verify."""

    checked: int
    broken_id: int | None = None
    reason: str = ""
    redacted: int = 0

    @property
    def ok(self) -> bool:
        return self.broken_id is None


@dataclass
class Report:
    """What `verify_register` found: the chain, the checkpoint and the live tables; `problems` name each."""

    checked: int = 0
    redacted: int = 0
    checkpoint: str = ""
    compared: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


LIVE_TABLES = ("members", "check_records", "evidence", "assessments")


def _live_models() -> dict[str, type]:
    """The tables compared with what the trail recorded, by entity type (found in the mapped models, so
    the audit feature imports none of the features it watches)."""
    from fpp.extensions import Base
    mapped = {mapper.class_.__tablename__: mapper.class_ for mapper in Base.registry.mappers}
    return {name: mapped[name] for name in LIVE_TABLES if name in mapped}


def _entries():
    columns = [AuditEntry.__table__.c[name] for name in ("id", *trail.MAC_FIELDS, "mac", "member_pk")]
    query = select(*dict.fromkeys(columns)).order_by(AuditEntry.id).execution_options(yield_per=2000)
    return db.session.execute(query).mappings()


def verify_chain() -> VerifyResult:
    """Re-hash every entry in order and check its MAC; report the first edited, inserted, deleted, moved or
    forged entry."""
    _, key = register_keys()
    result = trail.verify_segment(_entries(), trail.GENESIS, key)
    if result.problem:
        return VerifyResult(result.count, result.problem.entry_id, result.problem.reason, result.redacted)
    return VerifyResult(result.count, redacted=result.redacted)


def verify_register(checkpoint: dict[str, Any] | None, checkpoint_name: str = "") -> Report:
    """Everything `fpp audit verify` checks: the chain and each MAC, the trail against a signed checkpoint
    (its head at its position: truncation, an emptied trail and re-hashing break it), and the live check
    records, members, evidence and outcomes against the values the trail recorded for them."""
    signing_key, key = register_keys()
    report = Report()
    models = _live_models()
    audited = {kind: set(model.AUDITED) for kind, model in models.items()}
    replay: dict[tuple[str, str], dict[str, tuple[Any, int]] | None] = {}
    previous, found_head = trail.GENESIS, None
    want = checkpoint["count"] if checkpoint and isinstance(checkpoint.get("count"), int) else None
    broken = False
    for entry in _entries():
        report.checked += 1
        if not broken:
            problem = trail.entry_problem(entry, previous, key)
            if problem:
                report.problems.append(f"audit entry {entry['id']} does not verify: {problem}")
                broken = True
        report.redacted += entry["redacted_at"] is not None
        previous = entry["hash"]
        if report.checked == want:
            found_head = (entry["id"], entry["hash"])
        _replay(replay, entry, audited)
    if checkpoint is not None:
        _check_against(report, checkpoint, checkpoint_name, found_head, signing_key)
    else:
        report.checkpoint = "no checkpoint to compare with"
    _compare_live(report, replay, models)
    del report.problems[MAX_PROBLEMS:]
    return report


def _check_against(report: Report, checkpoint: dict, name: str, found: tuple[int, str] | None, key) -> None:
    label = f"checkpoint {name}".strip() + (f" of {checkpoint.get('at')}" if checkpoint.get("at") else "")
    problem = trail.checkpoint_problem(checkpoint, trail.public_key_text(key))
    if problem:
        report.problems.append(f"{label} cannot be trusted: {problem}")
        return
    count, head = checkpoint["count"], checkpoint["head"]
    if report.checked == 0 and count > 0:
        report.problems.append(f"the audit trail is empty, but {label} counted {count} entries: "
                               "the table was emptied")
    elif report.checked < count:
        report.problems.append(f"the audit trail holds {report.checked} entries, but {label} counted {count} "
                               f"ending in {head[:12]}: entries at its end were deleted")
    elif count and (found is None or found[1] != head):
        at = f"entry {found[0]}" if found else "that position"
        report.problems.append(f"{label} says entry number {count} has hash {head[:12]}, but {at} does not: "
                               "the trail was rewritten before it (entries deleted, inserted or re-hashed)")
    else:
        report.checkpoint = f"{label} ({checkpoint.get('reason')}): its head is entry number {count}"


def _replay(replay: dict, entry, audited: dict[str, set[str]]) -> None:
    kind = entry["entity_type"]
    if kind not in audited or entry["entity_id"] is None:
        return
    key = (kind, entry["entity_id"])
    if entry["redacted_at"] is not None:
        replay[key] = None  # purged under retention: what it held cannot be known any more
        return
    if key in replay and replay[key] is None:
        return
    state = replay.setdefault(key, {})
    after = _loads(entry["after"])
    if after is None and entry["before"] is not None or entry["action"].endswith(REMOVING) and not after:
        state["__removed__"] = (True, entry["id"])
        return
    state.pop("__removed__", None)
    if entry["action"].endswith(REMOVING):
        state["__may_be_gone__"] = (True, entry["id"])
    aliases = ALIASES.get(entry["action"], {})
    for name, value in (after or {}).items():
        name = aliases.get(name, name)
        if name in audited[kind]:
            state[name] = (value, entry["id"])


def _loads(text: str | None) -> dict | None:
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _compare_live(report: Report, replay: dict, models: dict[str, type]) -> None:
    for kind, model in models.items():
        seen = set()
        for row in db.session.execute(select(model).order_by(model.id).execution_options(yield_per=2000)).scalars():
            report.compared += 1
            key = (kind, str(row.id))
            seen.add(key)
            if key not in replay:
                report.problems.append(f"{kind} row {row.id} has no audit entry: it was added outside the register")
                continue
            state = replay[key]
            if state is None:
                continue
            if "__removed__" in state:
                report.problems.append(f"{kind} row {row.id} is present, but audit entry {state['__removed__'][1]} "
                                       "recorded its removal")
                continue
            live = json.loads(json.dumps(snapshot(row), default=str))
            for name, (value, entry_id) in sorted(state.items()):
                if name.startswith("__") or name not in live or live[name] == value:
                    continue
                report.problems.append(f"{kind} row {row.id}: {name} is {live[name]!r} but the trail recorded "
                                       f"{value!r} (audit entry {entry_id}): changed outside the register")
        for key, state in replay.items():
            if key[0] == kind and key not in seen and state is not None and "__removed__" not in state \
                    and "__may_be_gone__" not in state:
                report.problems.append(f"{kind} row {key[1]} is recorded in the trail but missing from its table: "
                                       "it was deleted outside the register")


def filtered(action: str | None = None, entity_type: str | None = None, actor: str | None = None,
             member_pk: int | None = None, since: date | None = None, until: date | None = None,
             batch: str | None = None) -> Select:
    """A select of audit entries, newest first, narrowed by the given filters (`batch`: one import's)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if batch:
        query = query.where(AuditEntry.batch_id == batch)
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


def rows_page(query: Select, limit: int, offset: int) -> tuple[list[tuple[int, str | None, int]], int]:
    """One page of the trail's rows, newest first, and how many rows there are: an entry outside any batch
    is a row, and so is each batch (the entries of `query` sharing a batch id). Each row is (the newest
    entry's id, the batch id or None, how many entries)."""
    found = query.order_by(None).subquery()
    singles = select(found.c.id.label("last_id"), literal(None, String).label("batch_id"),
                     literal(1).label("n")).where(found.c.batch_id.is_(None))
    batches = select(func.max(found.c.id).label("last_id"), found.c.batch_id, func.count().label("n")) \
        .where(found.c.batch_id.is_not(None)).group_by(found.c.batch_id)
    rows = union_all(singles, batches).subquery()
    total = db.session.execute(select(func.count()).select_from(rows)).scalar()
    page = db.session.execute(select(rows.c.last_id, rows.c.batch_id, rows.c.n)
                              .order_by(rows.c.last_id.desc()).limit(limit).offset(offset)).all()
    return [tuple(row) for row in page], total


def entries_by_id(ids: list[int]) -> dict[int, AuditEntry]:
    if not ids:
        return {}
    return {e.id: e for e in db.session.execute(select(AuditEntry).where(AuditEntry.id.in_(ids))).scalars()}


def batch_details(query: Select, batch_ids: list[str], preview: int) -> tuple[dict[str, dict], dict[str, list]]:
    """For each batch: its counts by action, first and last time and actor within `query` (the filters),
    the import's own summary entry, and its first `preview` entries."""
    if not batch_ids:
        return {}, {}
    found = query.where(AuditEntry.batch_id.in_(batch_ids)).order_by(None).subquery()
    counted = db.session.execute(
        select(found.c.batch_id, found.c.action, func.count(), func.min(found.c.id), func.min(found.c.at),
               func.max(found.c.at), func.min(found.c.actor))
        .group_by(found.c.batch_id, found.c.action)).all()
    details: dict[str, dict] = {b: {"counts": [], "first_at": None, "last_at": None, "actor": ""} for b in batch_ids}
    for batch_id, action, n, first_id, first_at, last_at, actor in sorted(counted, key=lambda r: r[3]):
        info = details[batch_id]
        info["counts"].append((action, n))
        info["first_at"] = min(filter(None, (info["first_at"], first_at)))
        info["last_at"] = max(filter(None, (info["last_at"], last_at)))
        info["actor"] = info["actor"] or actor
    summaries = db.session.execute(select(AuditEntry.batch_id, AuditEntry.after).where(
        AuditEntry.batch_id.in_(batch_ids), AuditEntry.entity_type == "imports")).all()
    for batch_id, after in summaries:
        details[batch_id]["summary"] = _loads(after)
    numbered = select(found.c.id, func.row_number().over(partition_by=found.c.batch_id, order_by=found.c.id)
                      .label("n")).subquery()
    first_ids = db.session.execute(select(numbered.c.id).where(numbered.c.n <= preview)).scalars().all()
    previews: dict[str, list] = {b: [] for b in batch_ids}
    for entry in sorted(entries_by_id(list(first_ids)).values(), key=lambda e: e.id):
        previews[entry.batch_id].append(entry)
    return details, previews


def names_for(member_pks: set[int], user_ids: set[int]) -> tuple[dict[int, str], dict[int, str]]:
    """Member ids to names and account ids to the account's member's name (else its e-mail address): one
    query each, whatever the page holds."""
    models = _mapped()
    members, users = models["members"], models["users"]
    names = {}
    if member_pks:
        names = dict(db.session.execute(select(members.id, members.name).where(members.id.in_(member_pks))).all())
    accounts = {}
    if user_ids:
        rows = db.session.execute(select(users.id, users.email, members.name)
                                  .outerjoin(members, members.id == users.member_pk)
                                  .where(users.id.in_(user_ids))).all()
        accounts = {pk: name or email for pk, email, name in rows}
    return names, accounts


def _mapped() -> dict[str, type]:
    from fpp.extensions import Base
    return {mapper.class_.__tablename__: mapper.class_ for mapper in Base.registry.mappers}


def member_choices() -> list[tuple[int, str]]:
    """Every member by name, for the filter (a purged member is no longer there)."""
    members = _mapped()["members"]
    return [tuple(r) for r in db.session.execute(select(members.id, members.name).order_by(members.name, members.id))]


def field_order() -> dict[str, tuple[str, ...]]:
    """Each audited table's fields in the order its model lists them (the order changes are shown in)."""
    return {name: tuple(model.AUDITED) for name, model in _mapped().items() if hasattr(model, "AUDITED")}


def role_labels() -> dict[str, str]:
    """The accounts' role names, from the accounts feature's model module (not imported by name: every
    feature imports the audit trail, so the trail imports none of them)."""
    import sys
    users = _mapped().get("users")
    return dict(getattr(sys.modules.get(users.__module__), "ROLE_LABELS", {})) if users else {}
