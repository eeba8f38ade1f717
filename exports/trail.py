"""The audit trail's recipes, once: the hash chain, the entry MAC and signed checkpoints of the head.

Pure: no Flask, no database. The register (fpp.audit) writes and verifies with these; the evidence pack
carries a segment of the trail that `verify_segment` and `verify_checkpoint` check offline, with the
public key alone.

An entry is a mapping with the stored columns (`at` a datetime or its ISO text). Two hash recipes:
- recipe 1 (entries written before migration 0800; `content_hash` is None): hash = SHA-256 of the JSON
  (keys sorted, Python's default separators) of {"prev": prev_hash, "at", "actor_id", "actor", "action",
  "entity_type", "entity_id", "member_pk", "before", "after"};
- recipe 2: content_hash = SHA-256 of the JSON (same encoding) of {"at", "actor_id", "actor", "action",
  "entity_type", "entity_id", "member_pk", "before", "after", "batch_id"}, and hash = SHA-256 of the ASCII
  text prev_hash + content_hash. Redacting the content keeps content_hash, so the chain still verifies.
The first entry's prev_hash is GENESIS (64 zeros). `before` and `after` are JSON text, hashed as stored.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

GENESIS = "0" * 64
CHECKPOINT_FORMAT = "fpp-audit-checkpoint/1"
REDACTED = '{"redacted": true}'  # what a redacted entry's before/after hold
CONTENT_FIELDS = ("at", "actor_id", "actor", "action", "entity_type", "entity_id", "member_pk", "before",
                  "after", "batch_id")
V1_FIELDS = CONTENT_FIELDS[:-1]
MAC_FIELDS = ("at", "actor_id", "actor", "action", "entity_type", "entity_id", "member_pk", "before",
              "after", "prev_hash", "hash", "content_hash", "batch_id", "redacted_at")
CHECKPOINT_FIELDS = ("format", "count", "head", "last_id", "at", "reason", "key_fingerprint", "public_key")


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def v1_hash(entry: Mapping[str, Any]) -> str:
    """Recipe 1: one SHA-256 over the previous hash and the content together."""
    content = {name: _iso(entry[name]) for name in V1_FIELDS} | {"prev": entry["prev_hash"]}
    return _sha256(json.dumps(content, sort_keys=True))


def content_hash(entry: Mapping[str, Any]) -> str:
    """Recipe 2: the SHA-256 of the entry's content alone."""
    return _sha256(json.dumps({name: _iso(entry.get(name)) for name in CONTENT_FIELDS}, sort_keys=True))


def link_hash(prev_hash: str, content: str) -> str:
    """Recipe 2: the entry's hash, chaining its content hash to the previous entry's hash."""
    return _sha256(prev_hash + content)


def entry_mac(key: bytes, entry: Mapping[str, Any]) -> str:
    """HMAC-SHA256 of the stored entry (every column but id and the MAC itself), under the register's key."""
    stored = {name: _iso(entry.get(name)) for name in MAC_FIELDS}
    message = json.dumps(stored, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def seal(entry: dict[str, Any], prev_hash: str, key: bytes) -> dict[str, Any]:
    """Fill a new entry's prev_hash, content_hash, hash and mac (recipe 2); returns the entry."""
    entry["prev_hash"] = prev_hash
    entry["content_hash"] = content_hash(entry)
    entry["hash"] = link_hash(prev_hash, entry["content_hash"])
    entry.setdefault("redacted_at", None)
    entry["mac"] = entry_mac(key, entry)
    return entry


@dataclass(frozen=True)
class Problem:
    """The first thing wrong in a segment: the entry (by id) and what is wrong with it."""

    entry_id: int | None
    reason: str

    def text(self) -> str:
        return f"audit entry {self.entry_id} does not verify: {self.reason}"


@dataclass
class SegmentResult:
    """What `verify_segment` found: how many entries, the last hash (the head), and the first problem.
    `redacted` entries had their content removed: their link (and MAC) is checked, their content cannot be."""

    count: int = 0
    head: str = GENESIS
    last_id: int | None = None
    redacted: int = 0
    problem: Problem | None = None
    hashes: list[str] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_segment(entries: Iterable[Mapping[str, Any]], anchor: str = GENESIS, mac_key: bytes | None = None,
                   keep_hashes: bool = False) -> SegmentResult:
    """Re-hash a contiguous run of entries (in id order) from `anchor`, the hash of the entry before the
    first (GENESIS for the whole trail), checking each MAC too when `mac_key` is given. Stops at the first
    problem. `keep_hashes` keeps each entry's hash (to check checkpoints against positions)."""
    result = SegmentResult(head=anchor)
    for entry in entries:
        result.count += 1
        problem = entry_problem(entry, result.head, mac_key)
        if problem:
            result.problem = Problem(entry.get("id"), problem)
            return result
        result.redacted += entry.get("redacted_at") is not None
        result.head, result.last_id = entry["hash"], entry.get("id")
        if keep_hashes:
            result.hashes.append(entry["hash"])
    return result


def entry_problem(entry: Mapping[str, Any], previous: str, mac_key: bytes | None = None) -> str | None:
    """What is wrong with one entry following the hash `previous`, or None."""
    if entry.get("prev_hash") != previous:
        return ("its link to the previous entry is broken (an entry before it was deleted or altered, "
                "or entries were inserted or reordered)")
    redacted = entry.get("redacted_at") is not None
    stored_content = entry.get("content_hash")
    if stored_content is None:  # recipe 1
        if not redacted and v1_hash(entry) != entry.get("hash"):
            return "its content does not match its hash (it was edited)"
    else:
        if not redacted and content_hash(entry) != stored_content:
            return "its content does not match its content hash (it was edited)"
        if link_hash(previous, stored_content) != entry.get("hash"):
            return "its hash does not match its content hash and the previous entry's hash (it was edited)"
    if mac_key is not None and not hmac.compare_digest(entry.get("mac") or "", entry_mac(mac_key, entry)):
        return ("its MAC does not match (it was written or altered outside the register, "
                "e.g. forged or re-hashed)")
    return None


# Checkpoints: signed statements of the trail's head.

def canonical(doc: Mapping[str, Any]) -> bytes:
    """The bytes a checkpoint's signature covers: every field but the signature, as compact sorted JSON."""
    body = {k: v for k, v in doc.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return base64.b64encode(public.public_bytes(serialization.Encoding.Raw,
                                                serialization.PublicFormat.Raw)).decode()


def key_fingerprint(public_key: str) -> str:
    """SHA-256 of the public key's raw bytes, first 16 hex digits (as fpp.audit.keys.fingerprint)."""
    return hashlib.sha256(base64.b64decode(public_key)).hexdigest()[:16]


def make_checkpoint(key: Ed25519PrivateKey, *, count: int, head: str, last_id: int | None, at: datetime,
                    reason: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A signed checkpoint: the trail held `count` entries ending in `head` (entry `last_id`) at `at`
    (UTC). `extra` fields (e.g. a pack's segment) are signed with it."""
    public = public_key_text(key)
    doc: dict[str, Any] = {"format": CHECKPOINT_FORMAT, "count": count, "head": head, "last_id": last_id,
                           "at": at.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z",
                           "reason": reason, "key_fingerprint": key_fingerprint(public), "public_key": public}
    doc.update(extra or {})
    doc["signature"] = base64.b64encode(key.sign(canonical(doc))).decode()
    return doc


def checkpoint_problem(doc: Any, public_key: str) -> str | None:
    """Why a checkpoint cannot be trusted under `public_key` (base64 of its 32 bytes), or None when its
    signature is good."""
    if not isinstance(doc, dict) or doc.get("format") != CHECKPOINT_FORMAT:
        return "it is not an audit checkpoint (no format fpp-audit-checkpoint/1)"
    missing = [name for name in CHECKPOINT_FIELDS + ("signature",) if name not in doc]
    if missing:
        return f"it lacks {', '.join(missing)}"
    if not isinstance(doc["count"], int) or isinstance(doc["count"], bool) or doc["count"] < 0:
        return "its count is not a whole number"
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
    except (ValueError, binascii.Error):
        return "the public key is not base64 of an Ed25519 key's 32 bytes"
    if doc["key_fingerprint"] != key_fingerprint(public_key):
        return (f"it was signed by another key (fingerprint {doc['key_fingerprint']}, "
                f"expected {key_fingerprint(public_key)})")
    try:
        public.verify(base64.b64decode(str(doc["signature"]), validate=True), canonical(doc))
    except (InvalidSignature, ValueError, binascii.Error):
        return "its signature does not verify (it was altered or not signed by this key)"
    return None


def parse_checkpoint(text: str | bytes) -> dict[str, Any]:
    """A checkpoint document from its JSON text; ValueError saying why not."""
    try:
        doc = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"not JSON: {error}") from None
    if not isinstance(doc, dict):
        raise ValueError("not a JSON object")
    return doc


def dump_checkpoint(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"
