"""The evidence pack: built, verified, and every kind of tampering reported."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import datetime

import pytest

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exports import trail
from exports.data import AuditRow, EvidenceFile
from exports.pack import EvidenceIntegrityError, PackError, build_evidence_pack, verify_pack
from exports.paths import sanitise_component

KEY = Ed25519PrivateKey.generate()
ANCHOR = "ab" * 32  # the hash of the entry before the year's first


def segment(count=3, redacted=()):
    """`count` entries chained from ANCHOR by recipe 2 (ids from 41), those in `redacted` then redacted."""
    rows, previous = [], ANCHOR
    for number in range(41, 41 + count):
        row = {"at": datetime(2025, 5, 1, 9, number % 60), "actor_id": 3, "actor": "sue@example.nhs.uk",
               "action": "check.create", "entity_type": "check_records", "entity_id": str(number),
               "member_pk": 1, "before": None, "after": '{"outcome": "issue"}', "batch_id": None}
        row = trail.seal(row, previous, b"k" * 32)
        previous = row["hash"]
        gone = number in redacted
        rows.append(AuditRow(number, row["at"], row["actor"], row["action"], row["entity_type"], row["entity_id"],
                             None, trail.REDACTED if gone else row["after"], row["prev_hash"], row["hash"],
                             actor_id=3, member_pk=1, content_hash=row["content_hash"],
                             redacted_at=datetime(2026, 6, 1) if gone else None))
    return rows


def signed(rows, key=KEY):
    head = rows[-1].hash if rows else ANCHOR
    return trail.make_checkpoint(key, count=100 + len(rows), head=head, last_id=rows[-1].id if rows else None,
                                 at=datetime(2026, 12, 1, 10), reason="pack export 2025/26",
                                 extra={"segment": {"anchor": ANCHOR, "first_id": rows[0].id if rows else None,
                                                    "count": len(rows)}})


def evidence(member_id, check_code, name, payload: bytes, **overrides):
    values = dict(member_id=member_id, check_code=check_code, original_name=name,
                  sha256=hashlib.sha256(payload).hexdigest(), size=len(payload),
                  source=lambda: io.BytesIO(payload))
    values.update(overrides)
    return EvidenceFile(**values)


@pytest.fixture
def create_pack(create_data, tmp_path):
    """Callable fixture: build a pack in tmp_path and return its path."""

    def create(files=None, name="pack.zip", rows=None, checkpoint=None):
        data = create_data()
        files = files if files is not None else [
            evidence("A01", "dbs", "letter.pdf", b"%PDF dbs letter"),
            evidence("A01", "dbs", "LETTER.pdf", b"another letter"),
            evidence("A02", "references", "../../etc/passwd", b"reference"),
        ]
        rows = segment() if rows is None else rows
        path = tmp_path / name
        build_evidence_pack(data, b"xlsx bytes", files, rows, path, checkpoint=checkpoint or signed(rows))
        return path

    return create


def rewrite(path, change):
    """Copy the zip through ``change(name, bytes) -> bytes | None`` (None drops the entry)."""
    with zipfile.ZipFile(path) as zf:
        entries = [(i.filename, zf.read(i)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w") as zf:
        for name, payload in entries:
            payload = change(name, payload)
            if payload is not None:
                zf.writestr(name, payload)


def test_pack_layout_and_manifest(create_pack):
    path = create_pack()
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        manifest = list(csv.DictReader(io.StringIO(zf.read("manifest.csv").decode())))
        audit = [json.loads(line) for line in zf.read("audit.jsonl").decode().splitlines()]
        readme = zf.read("README.txt").decode()
    assert names == ["declaration-2025-26.xlsx", "evidence/A01/dbs/letter.pdf",
                     "evidence/A01/dbs/LETTER (2).pdf", "evidence/A02/references/_.._etc_passwd",
                     "audit.jsonl", "audit-checkpoint.json", "README.txt", "SHA256SUMS", "manifest.csv"]
    assert [m["path"] for m in manifest] == names[:-1]
    assert manifest[0] == {"path": "declaration-2025-26.xlsx", "size": "10",
                           "sha256": hashlib.sha256(b"xlsx bytes").hexdigest()}
    assert audit[0]["after"] == '{"outcome": "issue"}' and audit[0]["prev_hash"] == ANCHOR
    assert audit[1]["prev_hash"] == audit[0]["hash"] and not audit[1]["redacted"]
    assert "sha256sum -c SHA256SUMS" in readme and "fpp export verify-pack" in readme
    assert f"anchor (the hash of the entry before the first): {ANCHOR}" in readme
    assert trail.public_key_text(KEY) in readme and "BEGIN PUBLIC KEY" in readme
    assert "prev_hash followed by content_hash" in readme


def test_fresh_pack_verifies(create_pack):
    result = verify_pack(create_pack())
    assert result.ok and result.checked == 8
    assert result.lines()[0] == "OK: 8 files match the manifest."
    assert result.lines()[1].startswith("OK: the audit trail's 3 entries re-hash from the anchor abababababab")


def test_evidence_is_read_from_a_path_too(create_pack, tmp_path):
    source = tmp_path / "scan.png"
    source.write_bytes(b"png bytes")
    files = [evidence("A01", "identity", "scan.png", b"png bytes", source=source)]
    assert verify_pack(create_pack(files)).ok


def test_tampered_file_is_reported(create_pack):
    path = create_pack()
    rewrite(path, lambda n, b: b"forged" if n == "evidence/A01/dbs/letter.pdf" else b)
    result = verify_pack(path)
    assert [(p.path, p.kind) for p in result.problems] == [("evidence/A01/dbs/letter.pdf", "changed")]
    assert result.lines()[0].startswith("CHANGED: evidence/A01/dbs/letter.pdf: expected 15 bytes")


def test_deleted_file_is_reported(create_pack):
    path = create_pack()
    rewrite(path, lambda n, b: None if n == "audit.jsonl" else b)
    assert [(p.path, p.kind) for p in verify_pack(path).problems] == [("audit.jsonl", "missing")]


def test_added_file_is_reported(create_pack):
    path = create_pack()
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("evidence/A01/dbs/extra.pdf", b"slipped in")
    assert [(p.path, p.kind) for p in verify_pack(path).problems] == [
        ("evidence/A01/dbs/extra.pdf", "extra")]


def test_not_a_zip_is_a_clear_error(tmp_path):
    path = tmp_path / "pack.zip"
    path.write_text("hello")
    with pytest.raises(PackError, match="is not a zip file"):
        verify_pack(path)


def test_zip_without_manifest_is_a_clear_error(create_pack):
    path = create_pack()
    rewrite(path, lambda n, b: None if n == "manifest.csv" else b)
    with pytest.raises(PackError, match="has no manifest.csv"):
        verify_pack(path)


def test_malformed_manifest_is_a_clear_error(create_pack):
    path = create_pack()
    rewrite(path, lambda n, b: b"path,size,sha256\nx,big,00\n" if n == "manifest.csv" else b)
    with pytest.raises(PackError, match="line 2"):
        verify_pack(path)


def test_evidence_that_no_longer_matches_its_recorded_hash_is_refused(create_pack):
    files = [evidence("A01", "dbs", "letter.pdf", b"original", source=lambda: io.BytesIO(b"altered!"))]
    with pytest.raises(EvidenceIntegrityError, match="letter.pdf"):
        create_pack(files)


@pytest.mark.parametrize("name, safe", [
    ("..", "_"), ("../x", "_x"), ("/etc/passwd", "_etc_passwd"), ("C:\\a.pdf", "C__a.pdf"),
    ("a\x00b\nc.pdf", "a_b_c.pdf"), ("CON.txt", "_CON.txt"), (" .hidden ", "hidden"), ("", "_"),
])
def test_path_components_are_sanitised(name, safe):
    assert sanitise_component(name) == safe


def test_unsafe_member_ids_and_codes_cannot_escape_the_evidence_folder(create_pack):
    files = [evidence("../..", "/abs", "..", b"x")]
    path = create_pack(files)
    with zipfile.ZipFile(path) as zf:
        evidence_names = [n for n in zf.namelist() if n.startswith("evidence/")]
    assert evidence_names == ["evidence/_/_abs/_"]
    assert all(".." not in n.split("/") for n in evidence_names)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(PackError, match="does not exist"):
        verify_pack(tmp_path / "nowhere.zip")


# The audit segment (issue 11 point 1): re-hashed offline from its anchor to the signed head.

def _edit_audit(path, change):
    def edit(name, payload):
        if name != "audit.jsonl":
            return payload
        lines = [json.loads(line) for line in payload.decode().splitlines()]
        return "".join(json.dumps(e) + "\n" for e in change(lines)).encode()
    rewrite(path, edit)


def _audit_problems(path, public_key=None):
    # the manifest catches any edit too; these are the audit check's own findings
    return [p.detail for p in verify_pack(path, public_key).problems if p.kind == "audit"]


def _rehash(lines):
    previous = ANCHOR
    for line in lines:
        line["prev_hash"] = previous
        line["content_hash"] = trail.content_hash(line)
        line["hash"] = previous = trail.link_hash(previous, line["content_hash"])
    return lines


@pytest.mark.parametrize("change, found", [
    (lambda lines: [dict(lines[0], actor="dba")] + lines[1:], "audit entry 41 does not verify: its content"),
    (lambda lines: lines[:1] + lines[2:], "audit entry 43 does not verify: its link"),
    (lambda lines: lines[:-1], "holds 2 entries ending in"),
    (lambda lines: _rehash([dict(lines[0], actor="dba")] + lines[1:]), "holds 3 entries ending in"),
], ids=["edited", "deleted", "last removed", "re-hashed"])
def test_an_altered_audit_segment_is_found(create_pack, change, found):
    path = create_pack()
    _edit_audit(path, change)
    problems = _audit_problems(path)
    assert len(problems) == 1 and problems[0].startswith(found)


def test_a_checkpoint_signed_by_another_key_is_refused(create_pack):
    path = create_pack()
    problems = _audit_problems(path, trail.public_key_text(Ed25519PrivateKey.generate()))
    assert problems == [f"it was signed by another key (fingerprint {trail.key_fingerprint(trail.public_key_text(KEY))}"
                        f", expected {problems[0].split('expected ')[1]}"]
    assert verify_pack(path, trail.public_key_text(KEY)).ok


def test_an_altered_checkpoint_is_refused(create_pack):
    path = create_pack()
    rewrite(path, lambda n, b: b.replace(b'"count": 3', b'"count": 2') if n == "audit-checkpoint.json" else b)
    assert _audit_problems(path) == ["its signature does not verify (it was altered or not signed by this key)"]


def test_a_pack_without_its_checkpoint_is_reported(create_pack):
    path = create_pack()
    rewrite(path, lambda n, b: None if n == "audit-checkpoint.json" else b)
    kinds = {(p.path, p.kind) for p in verify_pack(path).problems}
    assert ("audit-checkpoint.json", "missing") in kinds


def test_redacted_entries_are_present_marked_and_still_verify(create_pack):
    rows = segment(4, redacted={42, 43})
    path = create_pack(rows=rows)
    result = verify_pack(path)
    assert result.ok, result.lines()
    assert "4 entries (2 redacted: their link checked, their content cannot be)" in result.audit
    with zipfile.ZipFile(path) as zf:
        lines = [json.loads(line) for line in zf.read("audit.jsonl").decode().splitlines()]
    assert [line["redacted"] for line in lines] == [False, True, True, False]


def test_an_empty_segment_is_anchored_at_the_head(create_pack):
    assert verify_pack(create_pack(rows=[])).ok
