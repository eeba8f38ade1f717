"""The evidence pack: built, verified, and every kind of tampering reported."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

import pytest

from exports.data import EvidenceFile
from exports.pack import EvidenceIntegrityError, PackError, build_evidence_pack, verify_pack
from exports.paths import sanitise_component


def evidence(member_id, check_code, name, payload: bytes, **overrides):
    values = dict(member_id=member_id, check_code=check_code, original_name=name,
                  sha256=hashlib.sha256(payload).hexdigest(), size=len(payload),
                  source=lambda: io.BytesIO(payload))
    values.update(overrides)
    return EvidenceFile(**values)


@pytest.fixture
def create_pack(create_data, tmp_path):
    """Callable fixture: build a pack in tmp_path and return its path."""

    def create(files=None, name="pack.zip"):
        data = create_data()
        files = files if files is not None else [
            evidence("A01", "dbs", "letter.pdf", b"%PDF dbs letter"),
            evidence("A01", "dbs", "LETTER.pdf", b"another letter"),
            evidence("A02", "references", "../../etc/passwd", b"reference"),
        ]
        path = tmp_path / name
        build_evidence_pack(data, b"xlsx bytes", files, data.audit, path)
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
                     "audit.jsonl", "README.txt", "SHA256SUMS", "manifest.csv"]
    assert [m["path"] for m in manifest] == names[:-1]
    assert manifest[0] == {"path": "declaration-2025-26.xlsx", "size": "10",
                           "sha256": hashlib.sha256(b"xlsx bytes").hexdigest()}
    assert audit[1]["before"] == '{"outcome": "issue"}' and audit[1]["prev_hash"] == "01" * 32
    assert "sha256sum -c SHA256SUMS" in readme and "fpp export verify-pack" in readme


def test_fresh_pack_verifies(create_pack):
    result = verify_pack(create_pack())
    assert result.ok and result.checked == 7
    assert result.lines() == ["OK: 7 files match the manifest."]


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
