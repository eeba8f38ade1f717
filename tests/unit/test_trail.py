"""exports/trail.py: the hash recipes, segment verification and signed checkpoints, with no database."""
from __future__ import annotations

import hashlib
import importlib.util
import json
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exports import trail

KEY = Ed25519PrivateKey.generate()
MAC_KEY = b"m" * 32
AT = datetime(2026, 5, 1, 9, 30, 0, 250000)


def entry(number: int, **fields) -> dict:
    return {"id": number, "at": AT, "actor_id": 2, "actor": "sue@example.nhs.uk", "action": "check.create",
            "entity_type": "check_records", "entity_id": str(number), "member_pk": 7, "before": None,
            "after": '{"outcome": "clear"}', "batch_id": None} | fields


def v2_chain(count: int, anchor: str = trail.GENESIS) -> list[dict]:
    rows, previous = [], anchor
    for number in range(1, count + 1):
        rows.append(trail.seal(entry(number), previous, MAC_KEY))
        previous = rows[-1]["hash"]
    return rows


def v1_chain(count: int) -> list[dict]:
    rows, previous = [], trail.GENESIS
    for number in range(1, count + 1):
        row = entry(number, prev_hash=previous, content_hash=None, redacted_at=None)
        row["hash"] = previous = trail.v1_hash(row)
        row["mac"] = trail.entry_mac(MAC_KEY, row)
        rows.append(row)
    return rows


def test_recipe_1_is_the_register_s_original_recipe():
    row = v1_chain(1)[0]
    content = {"prev": row["prev_hash"], "at": AT.isoformat(), "actor_id": 2, "actor": "sue@example.nhs.uk",
               "action": "check.create", "entity_type": "check_records", "entity_id": "1", "member_pk": 7,
               "before": None, "after": '{"outcome": "clear"}'}
    assert row["hash"] == hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def test_recipe_2_chains_the_content_hash():
    first, second = v2_chain(2)
    assert first["hash"] == hashlib.sha256((trail.GENESIS + first["content_hash"]).encode()).hexdigest()
    assert second["prev_hash"] == first["hash"]
    assert trail.content_hash(dict(first, at=AT.isoformat())) == first["content_hash"]  # ISO text or datetime


def test_a_segment_verifies_from_its_anchor_with_its_macs():
    rows = v1_chain(3)
    rows += v2_chain(2, anchor=rows[-1]["hash"])
    result = trail.verify_segment(rows, trail.GENESIS, MAC_KEY)
    assert result.ok and result.count == 5 and result.head == rows[-1]["hash"]
    later = trail.verify_segment(rows[2:], rows[1]["hash"], MAC_KEY)
    assert later.ok and later.count == 3


@pytest.mark.parametrize("change, reason", [
    (lambda rows: rows[1].update(after='{"outcome": "issue"}'), "its content does not match its content hash"),
    (lambda rows: rows[1].update(batch_id="import:x"), "its content does not match its content hash"),
    (lambda rows: rows.pop(1), "its link to the previous entry is broken"),
    (lambda rows: rows.insert(1, rows.pop(2)), "its link to the previous entry is broken"),
    (lambda rows: rows[1].update(mac="0" * 64), "its MAC does not match"),
    (lambda rows: rows[1].update(hash="f" * 64), "its hash does not match"),
], ids=["content", "batch", "deleted", "moved", "mac", "hash"])
def test_what_is_wrong_is_named_with_the_entry(change, reason):
    rows = v2_chain(4)
    change(rows)
    result = trail.verify_segment(rows, trail.GENESIS, MAC_KEY)
    assert result.problem.reason.startswith(reason) and result.problem.entry_id in (2, 3)


def test_without_the_mac_key_a_rehashed_forgery_is_only_caught_by_the_mac():
    rows = v2_chain(3)
    forged = trail.seal(entry(4, actor="dba"), rows[-1]["hash"], b"not the key" * 3)
    assert trail.verify_segment(rows + [forged]).ok  # the public recipe alone cannot tell
    assert trail.verify_segment(rows + [forged], mac_key=MAC_KEY).problem.entry_id == 4


@pytest.mark.parametrize("chain", [v1_chain, v2_chain], ids=["recipe 1", "recipe 2"])
def test_a_redacted_entry_keeps_its_link(chain):
    rows = chain(3)
    rows[1].update(after=trail.REDACTED, actor="Former member 1", redacted_at=datetime(2027, 1, 1))
    rows[1]["mac"] = trail.entry_mac(MAC_KEY, rows[1])
    result = trail.verify_segment(rows, trail.GENESIS, MAC_KEY)
    assert result.ok and result.redacted == 1
    rows[1]["prev_hash"] = "e" * 64  # its link is still checked
    assert trail.verify_segment(rows, trail.GENESIS).problem.entry_id == 2


def test_a_redacted_recipe_2_entry_still_binds_its_content_hash():
    rows = v2_chain(3)
    rows[1].update(after=trail.REDACTED, redacted_at=datetime(2027, 1, 1), content_hash="c" * 64)
    assert "its hash does not match" in trail.verify_segment(rows).problem.reason


def _checkpoint(**extra):
    return trail.make_checkpoint(KEY, count=5, head="a" * 64, last_id=9, at=datetime(2026, 12, 1, 2), reason="daily",
                                 extra=extra or None)


def test_a_checkpoint_verifies_offline_with_the_public_key_alone():
    doc = json.loads(trail.dump_checkpoint(_checkpoint(segment={"anchor": "b" * 64, "first_id": 5, "count": 4})))
    assert trail.checkpoint_problem(doc, trail.public_key_text(KEY)) is None
    assert doc["at"] == "2026-12-01T02:00:00.000000Z" and doc["key_fingerprint"] == trail.key_fingerprint(doc["public_key"])


@pytest.mark.parametrize("change, problem", [
    (lambda d: d.update(count=6), "its signature does not verify"),
    (lambda d: d["segment"].update(anchor="c" * 64), "its signature does not verify"),
    (lambda d: d.update(signature="bm90IGEgc2lnbmF0dXJl"), "its signature does not verify"),
    (lambda d: d.update(signature="%%%"), "its signature does not verify"),
    (lambda d: d.pop("head"), "it lacks head"),
    (lambda d: d.update(count="5"), "its count is not a whole number"),
    (lambda d: d.update(format="other"), "it is not an audit checkpoint"),
], ids=["count", "segment", "signature", "not base64", "missing", "count text", "format"])
def test_an_altered_checkpoint_is_refused(change, problem):
    doc = _checkpoint(segment={"anchor": "b" * 64, "first_id": 5, "count": 4})
    change(doc)
    assert trail.checkpoint_problem(doc, trail.public_key_text(KEY)).startswith(problem)


def test_a_checkpoint_under_another_key_is_refused():
    other = trail.public_key_text(Ed25519PrivateKey.generate())
    assert trail.checkpoint_problem(_checkpoint(), other).startswith("it was signed by another key")
    assert trail.checkpoint_problem(_checkpoint(), "not a key").startswith("the public key is not base64")


@pytest.mark.parametrize("text", ["", "{", "[]", '"x"'])
def test_a_checkpoint_that_is_not_a_json_object_is_refused(text):
    with pytest.raises(ValueError):
        trail.parse_checkpoint(text)


def test_the_migration_s_frozen_mac_recipe_is_today_s():
    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0800_audit_integrity.py"
    spec = importlib.util.spec_from_file_location("migration_0800", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    row = v1_chain(1)[0]
    assert migration._mac(MAC_KEY, row) == trail.entry_mac(MAC_KEY, row)
    assert migration.MAC_FIELDS == trail.MAC_FIELDS and migration.CHECKPOINT_FORMAT == trail.CHECKPOINT_FORMAT
