"""An audit trail a database administrator cannot forge (issue 11): each entry keeps the SHA-256 of its
content apart from the content (so a redacted entry still verifies), a MAC under the register's own key, and
the id of the import or bulk operation it belongs to; a declaration keeps the trail's head at signature.

Entries written before this upgrade keep their first-recipe hash (the chain is not rewritten; their
content_hash stays NULL, which is how the recipe is told apart). The upgrade computes the MAC of every
existing entry and writes the first signed checkpoint of the head into `[audit] checkpoint_dir`, so that
the existing chain is anchored and upgrading never looks like tampering. The key comes from the settings,
as the app reads it (fpp.audit.keys); the MAC and checkpoint recipes are this file's own frozen copies.

Revision ID: 0800_audit_integrity
Revises: 0700
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0800_audit_integrity"
down_revision = "0700"
branch_labels = None
depends_on = None

REASON = "upgrade 0800: the existing trail anchored"
CHECKPOINT_FORMAT = "fpp-audit-checkpoint/1"
_CHUNK = 2000

entries = sa.table(
    "audit_entries", sa.column("id", sa.Integer), sa.column("at", sa.DateTime),
    sa.column("actor_id", sa.Integer), sa.column("actor", sa.String), sa.column("action", sa.String),
    sa.column("entity_type", sa.String), sa.column("entity_id", sa.String), sa.column("member_pk", sa.Integer),
    sa.column("before", sa.Text), sa.column("after", sa.Text), sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String), sa.column("content_hash", sa.String), sa.column("mac", sa.String),
    sa.column("batch_id", sa.String), sa.column("redacted_at", sa.DateTime))


def upgrade() -> None:
    with op.batch_alter_table("audit_entries") as batch:
        batch.add_column(sa.Column("content_hash", sa.String(64)))
        batch.add_column(sa.Column("mac", sa.String(64)))
        batch.add_column(sa.Column("batch_id", sa.String(64)))
        batch.add_column(sa.Column("redacted_at", sa.DateTime()))
    op.create_index("ix_audit_entries_batch_id", "audit_entries", ["batch_id"])
    with op.batch_alter_table("declarations") as batch:
        batch.add_column(sa.Column("trail_count", sa.Integer()))
        batch.add_column(sa.Column("trail_head", sa.String(64)))
    _anchor_existing_trail(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("declarations") as batch:
        batch.drop_column("trail_head")
        batch.drop_column("trail_count")
    op.drop_index("ix_audit_entries_batch_id", "audit_entries")
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_column("redacted_at")
        batch.drop_column("batch_id")
        batch.drop_column("mac")
        batch.drop_column("content_hash")


def _anchor_existing_trail(connection) -> None:
    """MAC every existing entry, then sign a checkpoint of the head. An empty trail needs neither (nor
    the key)."""
    count = connection.execute(sa.select(sa.func.count()).select_from(entries)).scalar_one()
    if not count:
        return
    settings = _settings()
    from fpp.audit.keys import load_signing_key, mac_key  # the key as the app loads it
    signing_key = load_signing_key(settings)
    key = mac_key(signing_key)
    last_id, head, done = 0, None, 0
    while True:
        rows = connection.execute(sa.select(entries).where(entries.c.id > last_id)
                                  .order_by(entries.c.id).limit(_CHUNK)).mappings().all()
        if not rows:
            break
        connection.execute(entries.update().where(entries.c.id == sa.bindparam("b_id"))
                           .values(mac=sa.bindparam("b_mac")),
                           [{"b_id": row["id"], "b_mac": _mac(key, row)} for row in rows])
        last_id, head, done = rows[-1]["id"], rows[-1]["hash"], done + len(rows)
    _write_checkpoint(settings, signing_key, count=done, head=head, last_id=last_id)


def _settings():
    """The running app's settings when the upgrade runs inside it (`fpp init-db`, the tests), else the
    settings the app would load (config file and FPP_* variables)."""
    from flask import current_app, has_app_context
    if has_app_context() and "fpp_settings" in current_app.extensions:
        return current_app.extensions["fpp_settings"]
    from fpp.config import load_settings
    return load_settings()


# Frozen copy of exports/trail.py's MAC and checkpoint recipes as of this revision.
MAC_FIELDS = ("at", "actor_id", "actor", "action", "entity_type", "entity_id", "member_pk", "before",
              "after", "prev_hash", "hash", "content_hash", "batch_id", "redacted_at")


def _iso(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _mac(key: bytes, row) -> str:
    stored = {name: _iso(row[name]) for name in MAC_FIELDS}
    message = json.dumps(stored, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _write_checkpoint(settings, signing_key, *, count: int, head: str, last_id: int) -> None:
    from cryptography.hazmat.primitives import serialization
    raw = signing_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    doc = {"format": CHECKPOINT_FORMAT, "count": count, "head": head, "last_id": last_id,
           "at": now.isoformat(timespec="microseconds") + "Z", "reason": REASON,
           "key_fingerprint": hashlib.sha256(raw).hexdigest()[:16], "public_key": base64.b64encode(raw).decode()}
    message = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()
    doc["signature"] = base64.b64encode(signing_key.sign(message)).decode()
    folder = Path(settings["audit_checkpoint_dir"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"checkpoint-{now:%Y%m%dT%H%M%S%f}Z-{count:09d}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2, sort_keys=True)
        fh.write("\n")
