"""Invariants in the schema (issue 9): a live record's identity, one given reference and one account per
member, a linear audit chain, evidence once per record, and CHECK constraints on the enum columns.

Before adding them it looks for what an existing register holds against them and says so:
- a fork in the audit chain (two entries after the same one), or a value outside the allowed lists,
  stops the upgrade with a message naming the rows; nothing is repaired and nothing is changed;
- duplicates are resolved visibly, each with an audit entry: later copies of a live check record are
  soft-deleted, later copies of an evidence file on the same record and later given references of a
  member are removed (their values kept in the audit entry), later accounts of a member are disabled and
  unlinked. The earliest (lowest id) is kept, as the app already treats it.

The audit entries use this file's own frozen copy of the hash recipe, and the allowed values are frozen
as they are today: the app may change its constants later, this migration must not.

Revision ID: 0500
Revises: 0400
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0500"
down_revision = "0400"
branch_labels = None
depends_on = None

ACTOR = "migration 0500"
REASON = "duplicate removed by migration 0500"
GENESIS = "0" * 64
_ADVISORY_LOCK_KEY = 0x46505041  # the app's lock serialising audit appends on PostgreSQL

# (table, column, allowed values, NULL allowed), as the constants are in December 2026. No CHECK on
# check_records.code: local checks extend the catalogue.
ALLOWED = (
    ("check_records", "outcome", ("clear", "issue", "not_applicable"), False),
    ("check_records", "dbs_level", ("basic", "standard", "enhanced", "enhanced_barred"), True),
    ("members", "position", ("chair", "sid", "ned", "ceo", "executive", "associate"), False),
    ("users", "role", ("secretary", "chair", "sid", "member", "auditor"), False),
    ("assessments", "outcome", ("fit_and_proper", "fit_and_proper_with_mitigations", "not_fit_and_proper",
                                "under_review"), False),
    ("leaver_references", "direction", ("given", "received"), False),
    ("outbox_messages", "status", ("queued", "sending", "sent", "failed", "cancelled"), False),
    ("reminders", "kind", ("expiry", "overdue", "leaver", "attestation", "declaration", "digest"), False),
)
LIVE = sa.text("deleted_at IS NULL")
GIVEN = sa.text("direction = 'given'")
# name, table, columns, partial WHERE
UNIQUE_INDEXES = (
    ("uq_check_records_live_identity", "check_records", ["member_pk", "code", "completed_on", "outcome"], LIVE),
    ("uq_leaver_references_given", "leaver_references", ["member_pk"], GIVEN),
    ("uq_users_member_pk", "users", ["member_pk"], None),
    ("uq_audit_entries_prev_hash", "audit_entries", ["prev_hash"], None),
    # A later issue adds withdrawal: then make this partial, WHERE withdrawn_at IS NULL.
    ("uq_evidence_record_sha256", "evidence", ["record_id", "sha256"], None),
)

audit_entries = sa.table(
    "audit_entries", sa.column("id", sa.Integer), sa.column("at", sa.DateTime), sa.column("actor_id", sa.Integer),
    sa.column("actor", sa.String), sa.column("action", sa.String), sa.column("entity_type", sa.String),
    sa.column("entity_id", sa.String), sa.column("member_pk", sa.Integer), sa.column("before", sa.Text),
    sa.column("after", sa.Text), sa.column("prev_hash", sa.String), sa.column("hash", sa.String))
RECORD_AUDITED = ("member_pk", "code", "completed_on", "outcome", "reference", "dbs_level", "is_update_service",
                  "notes", "searched_name", "searched_dob", "decision_on", "decision_note", "decided_by_id",
                  "deleted_at", "deletion_reason")
check_records = sa.table(
    "check_records", sa.column("id", sa.Integer), sa.column("member_pk", sa.Integer), sa.column("code", sa.String),
    sa.column("completed_on", sa.Date), sa.column("outcome", sa.String), sa.column("reference", sa.String),
    sa.column("dbs_level", sa.String), sa.column("is_update_service", sa.Boolean), sa.column("notes", sa.Text),
    sa.column("searched_name", sa.String), sa.column("searched_dob", sa.Date), sa.column("decision_on", sa.Date),
    sa.column("decision_note", sa.Text), sa.column("decided_by_id", sa.Integer),
    sa.column("deleted_at", sa.DateTime), sa.column("deleted_by_id", sa.Integer),
    sa.column("deletion_reason", sa.Text))
evidence = sa.table(
    "evidence", sa.column("id", sa.Integer), sa.column("record_id", sa.Integer), sa.column("stored_name", sa.String),
    sa.column("original_name", sa.String), sa.column("size", sa.Integer), sa.column("content_type", sa.String),
    sa.column("sha256", sa.String))
users = sa.table("users", sa.column("id", sa.Integer), sa.column("email", sa.String),
                 sa.column("member_pk", sa.Integer), sa.column("is_enabled", sa.Boolean))
REFERENCE_AUDITED = ("member_pk", "direction", "organisation", "roles_and_dates", "reason_for_leaving",
                     "disciplinary_findings", "open_investigations", "conduct_concerns", "settlement_agreement",
                     "regulator_referrals", "is_fit_and_proper", "fit_and_proper_reasons", "completed_by_name",
                     "completed_by_role", "completed_on", "sent_to", "sent_on", "check_record_id")
leaver_references = sa.table(
    "leaver_references", sa.column("id", sa.Integer),
    *(sa.column(name, sa.Date if name.endswith("_on") else sa.Boolean if name.startswith("is_")
                else sa.Integer if name.endswith(("_pk", "_id")) else sa.Text) for name in REFERENCE_AUDITED))


def upgrade() -> None:
    bind = op.get_bind()
    _refuse_cascading_copies(bind)
    _refuse_fork(bind)
    _refuse_unknown_values(bind)
    chain = _Chain(bind)
    _soft_delete_duplicate_records(bind, chain)
    _remove_duplicate_evidence(bind, chain)
    _unlink_second_accounts(bind, chain)
    _remove_second_given_references(bind, chain)
    if not chain.written:
        _say("no duplicates found")
    for table, checks in _checks_by_table().items():
        with op.batch_alter_table(table) as batch_op:
            for name, condition in checks:
                batch_op.create_check_constraint(name, sa.text(condition))
    for name, table, columns, where in UNIQUE_INDEXES:  # after the SQLite table copies, which reflect indexes
        op.create_index(name, table, columns, unique=True, sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    for name, table, _columns, _where in reversed(UNIQUE_INDEXES):
        op.drop_index(name, table_name=table)
    for table, checks in _checks_by_table().items():
        with op.batch_alter_table(table) as batch_op:
            for name, _condition in checks:
                batch_op.drop_constraint(name, type_="check")


def _say(message: str) -> None:
    print(f"migration 0500: {message}", flush=True)


def _checks_by_table() -> dict[str, list[tuple[str, str]]]:
    by_table: dict[str, list[tuple[str, str]]] = {}
    for table, column, values, nullable in ALLOWED:
        condition = f"{column} IN ({', '.join(repr(v) for v in values)})"
        if nullable:
            condition = f"{column} IS NULL OR {condition}"
        by_table.setdefault(table, []).append((f"ck_{table}_{column}", condition))
    return by_table


# ---- What stops the upgrade ---------------------------------------------------------------------------

def _refuse_cascading_copies(bind) -> None:
    """SQLite adds a CHECK by copying the table; with foreign keys on, dropping the old copy of
    check_records would cascade-delete its evidence. Alembic's own engine has them off."""
    if bind.dialect.name == "sqlite" and bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("migration 0500 must run with SQLite foreign keys off (as `fpp` runs migrations): "
                           "copying the tables would otherwise delete evidence. Nothing was changed.")


def _refuse_fork(bind) -> None:
    """Two entries after the same one mean the trail was forked: that needs a person, not a migration."""
    forks = bind.execute(sa.select(audit_entries.c.prev_hash).group_by(audit_entries.c.prev_hash)
                         .having(sa.func.count() > 1)).scalars().all()
    if not forks:
        return
    groups = []
    for prev_hash in forks:
        ids = bind.execute(sa.select(audit_entries.c.id).where(audit_entries.c.prev_hash == prev_hash)
                           .order_by(audit_entries.c.id)).scalars().all()
        groups.append("entries " + ", ".join(str(i) for i in ids) + f" all follow {prev_hash[:12]}…")
    raise RuntimeError("migration 0500 stopped: the audit trail is forked (" + "; ".join(groups) + "). "
                       "Find out how before upgrading; `fpp audit verify` shows where the chain breaks. "
                       "Nothing was changed.")


def _refuse_unknown_values(bind) -> None:
    """A value the new CHECK constraints would refuse: say which rows, rather than fail on the DDL."""
    problems = []
    for table, column, values, nullable in ALLOWED:
        t = sa.table(table, sa.column("id"), sa.column(column))
        wrong = t.c[column].not_in(values)
        if not nullable:
            wrong = wrong | t.c[column].is_(None)
        rows = bind.execute(sa.select(t.c.id, t.c[column]).where(wrong).order_by(t.c.id).limit(11)).all()
        if rows:
            listed = ", ".join(f"id {i}: {v!r}" for i, v in rows[:10]) + (" …" if len(rows) > 10 else "")
            problems.append(f"{table}.{column} allows {', '.join(values)} but holds {listed}")
    if problems:
        raise RuntimeError("migration 0500 stopped: " + "; ".join(problems) + ". Correct these rows first. "
                           "Nothing was changed.")


# ---- Resolving duplicates, each with an audit entry -----------------------------------------------------

def _later_copies(bind, table, key: tuple[str, ...], *where):
    """Rows of `table` with an earlier row (lower id) of the same `key` under the same `where`, and the
    earliest such row's id (the one kept)."""
    first = table.alias("first")
    same = [first.c[name] == table.c[name] for name in key]
    first_where = [clause(first) for clause in where]
    kept = (sa.select(sa.func.min(first.c.id)).where(*same, *first_where).scalar_subquery())
    earlier = sa.exists().where(*same, *first_where, first.c.id < table.c.id)
    return bind.execute(sa.select(table, kept.label("kept_id")).where(*[clause(table) for clause in where], earlier)
                        .order_by(table.c.id)).mappings().all()


def _soft_delete_duplicate_records(bind, chain: "_Chain") -> None:
    key = ("member_pk", "code", "completed_on", "outcome")
    for row in _later_copies(bind, check_records, key, lambda t: t.c.deleted_at.is_(None)):
        kept = bind.execute(sa.select(check_records).where(check_records.c.id == row["kept_id"])).mappings().one()
        differs = [name for name in RECORD_AUDITED if name not in key and row[name] != kept[name]]
        now = _utcnow()
        bind.execute(check_records.update().where(check_records.c.id == row["id"])
                     .values(deleted_at=now, deletion_reason=REASON))
        chain.append("check.delete", "check_records", row["id"], row["member_pk"],
                     before={name: _jsonable(row[name]) for name in RECORD_AUDITED},
                     after={"deleted_at": _jsonable(now), "reason": REASON, "kept": row["kept_id"]})
        _say(f"check record {row['id']} ({row['code']} of {row['completed_on']}, member {row['member_pk']}) "
             f"repeats record {row['kept_id']}" + (f", differing in {', '.join(differs)}" if differs else
                                                   " exactly") + ": soft-deleted")


def _remove_duplicate_evidence(bind, chain: "_Chain") -> None:
    for row in _later_copies(bind, evidence, ("record_id", "sha256")):
        member_pk = bind.execute(sa.select(check_records.c.member_pk)
                                 .where(check_records.c.id == row["record_id"])).scalar()
        bind.execute(evidence.delete().where(evidence.c.id == row["id"]))
        chain.append("evidence.remove", "evidence", row["id"], member_pk,
                     before={name: row[name] for name in ("record_id", "original_name", "size", "content_type",
                                                         "sha256", "stored_name")},
                     after={"reason": REASON, "kept": row["kept_id"]})
        _say(f"evidence {row['id']} ({row['original_name']}) repeats evidence {row['kept_id']} on record "
             f"{row['record_id']}: removed; its file {row['stored_name']} stays in the evidence folder")


def _unlink_second_accounts(bind, chain: "_Chain") -> None:
    for row in _later_copies(bind, users, ("member_pk",), lambda t: t.c.member_pk.is_not(None)):
        bind.execute(users.update().where(users.c.id == row["id"]).values(member_pk=None, is_enabled=False))
        chain.append("user.disable", "users", row["id"], row["member_pk"],
                     before={"member_pk": row["member_pk"], "is_enabled": row["is_enabled"]},
                     after={"member_pk": None, "is_enabled": False, "kept": row["kept_id"],
                            "reason": "a second account of the same member; " + REASON})
        _say(f"account {row['id']} ({row['email']}) is a second account of member {row['member_pk']} "
             f"(account {row['kept_id']} kept): disabled and unlinked")


def _remove_second_given_references(bind, chain: "_Chain") -> None:
    given = lambda t: t.c.direction == "given"  # noqa: E731
    for row in _later_copies(bind, leaver_references, ("member_pk",), given):
        bind.execute(leaver_references.delete().where(leaver_references.c.id == row["id"]))
        chain.append("reference.remove", "leaver_references", row["id"], row["member_pk"],
                     before={name: _jsonable(row[name]) for name in REFERENCE_AUDITED},
                     after={"reason": REASON, "kept": row["kept_id"]})
        _say(f"leaver reference {row['id']} is a second reference given for member {row['member_pk']} "
             f"(reference {row['kept_id']} kept): removed; its content is in the audit entry")


class _Chain:
    """Appends audit entries after the trail's last one, with this migration's frozen hash recipe."""

    def __init__(self, bind) -> None:
        self.bind, self.last, self.written = bind, None, 0

    def append(self, action: str, entity_type: str, entity_id, member_pk, before: dict | None,
               after: dict | None) -> None:
        if self.last is None:
            if self.bind.dialect.name == "postgresql":
                self.bind.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
            self.last = self.bind.execute(sa.select(audit_entries.c.hash).order_by(audit_entries.c.id.desc())
                                          .limit(1)).scalar() or GENESIS
        row = {"at": _utcnow(), "actor_id": None, "actor": ACTOR, "action": action, "entity_type": entity_type,
               "entity_id": str(entity_id), "member_pk": member_pk, "before": _dump(before), "after": _dump(after),
               "prev_hash": self.last}
        row["hash"] = self.last = _entry_hash(row)
        self.bind.execute(audit_entries.insert().values(**row))
        self.written += 1


def _entry_hash(row: dict) -> str:
    """fpp/audit/operations.py `entry_hash` as it is in December 2026: SHA-256 of the entry's content and
    the previous entry's hash."""
    content = {
        "prev": row["prev_hash"], "at": row["at"].isoformat(), "actor_id": row["actor_id"],
        "actor": row["actor"], "action": row["action"], "entity_type": row["entity_type"],
        "entity_id": row["entity_id"], "member_pk": row["member_pk"],
        "before": row["before"], "after": row["after"],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _dump(values: dict | None) -> str | None:
    return None if values is None else json.dumps(values, sort_keys=True, default=str)


def _jsonable(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
