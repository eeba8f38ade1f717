"""The auditor's evidence pack: one zip with the workbook, the evidence, the audit trail and a manifest."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO
import zipfile

from exports import trail
from exports.data import AuditRow, DeclarationData, EvidenceFile
from exports.paths import PathAllocator

MANIFEST = "manifest.csv"
SHA256SUMS = "SHA256SUMS"
AUDIT = "audit.jsonl"
CHECKPOINT = "audit-checkpoint.json"
README = "README.txt"
MANIFEST_HEADER = ["path", "size", "sha256"]
CHUNK = 1024 * 1024


class PackError(ValueError):
    """A pack cannot be built or read; the message says which file and why."""


class EvidenceIntegrityError(PackError):
    """An evidence file's bytes no longer match the size or SHA-256 recorded when it was added."""


@dataclass(frozen=True)
class ManifestEntry:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class PackProblem:
    """One file that failed verification. ``kind`` is changed, missing, extra, duplicate or unreadable."""

    path: str
    kind: str
    detail: str


@dataclass(frozen=True)
class PackVerification:
    """What ``verify_pack`` found: ``ok`` only when every listed file matches, nothing is extra and the
    audit segment re-hashes from its anchor to the signed checkpoint's head. ``audit`` says what the audit
    check found when it passed."""

    checked: int
    problems: tuple[PackProblem, ...]
    audit: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """Human-readable report lines, e.g. for ``fpp export verify-pack``."""
        if self.ok:
            return [f"OK: {self.checked} files match the manifest."] + ([f"OK: {self.audit}"] if self.audit else [])
        return [f"{p.kind.upper()}: {p.path}: {p.detail}" for p in self.problems] + [
            f"FAILED: {len(self.problems)} problem(s) in {self.checked} listed files."]


class _HashingWriter:
    """Writes to a zip entry while hashing and counting, so a file is read once and never held whole."""

    def __init__(self, target: BinaryIO):
        self.target, self.digest, self.size = target, hashlib.sha256(), 0

    def write(self, chunk: bytes) -> int:
        self.digest.update(chunk)
        self.size += len(chunk)
        return self.target.write(chunk)


def build_evidence_pack(data: DeclarationData, workbook_bytes: bytes,
                        evidence_files: Iterable[EvidenceFile], audit_rows: Iterable[AuditRow],
                        output: str | Path | BinaryIO, checkpoint: dict | None = None) -> list[ManifestEntry]:
    """Write the evidence pack zip for ``data.year`` to ``output`` and return its manifest entries.

    Promises: the workbook as ``declaration-YYYY-YY.xlsx``; each evidence file at
    ``evidence/<member id>/<check code>/<name>`` with sanitised, de-duplicated names, streamed in
    chunks; ``audit.jsonl`` (the audit segment ``checkpoint`` signs: from its anchor to its head);
    ``audit-checkpoint.json`` (that signed checkpoint, with the public key); ``README.txt``;
    ``SHA256SUMS`` (for ``sha256sum -c``) and ``manifest.csv`` listing path, size and SHA-256 of every
    other file. Raises EvidenceIntegrityError if an evidence file does not match its recorded hash or
    size; the output is then incomplete and must be discarded.
    """
    stamp = _zip_time(data.created_at)
    entries: list[ManifestEntry] = []
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        name = f"declaration-{data.year_label.replace('/', '-')}.xlsx"
        entries.append(_write_bytes(zf, name, workbook_bytes, stamp))
        allocator = PathAllocator()
        for evidence in evidence_files:
            entries.append(_write_evidence(zf, evidence, allocator, stamp))
        entries.append(_write_stream(zf, AUDIT, _audit_lines(audit_rows), stamp))
        if checkpoint is not None:
            entries.append(_write_bytes(zf, CHECKPOINT, trail.dump_checkpoint(checkpoint).encode(), stamp))
        entries.append(_write_bytes(zf, README, readme_text(data, checkpoint).encode("utf-8"), stamp))
        sums = "".join(f"{e.sha256}  {e.path}\n" for e in entries).encode("utf-8")
        entries.append(_write_bytes(zf, SHA256SUMS, sums, stamp))
        _write_bytes(zf, MANIFEST, manifest_csv(entries), stamp)
    return entries


def _zip_time(created_at: datetime | None) -> tuple[int, ...]:
    when = created_at or datetime.now(timezone.utc)
    return tuple(max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0)))


def _info(name: str, stamp: tuple[int, ...], size: int = 0) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.file_size = size  # a size hint: entries over 2 GiB need Zip64 headers from the start
    return info


def _write_bytes(zf: zipfile.ZipFile, name: str, payload: bytes, stamp) -> ManifestEntry:
    return _write_stream(zf, name, [payload], stamp)


def _write_stream(zf: zipfile.ZipFile, name: str, chunks: Iterable[bytes], stamp,
                  size_hint: int = 0) -> ManifestEntry:
    with zf.open(_info(name, stamp, size_hint), "w") as target:
        writer = _HashingWriter(target)
        for chunk in chunks:
            writer.write(chunk)
    return ManifestEntry(name, writer.size, writer.digest.hexdigest())


def _read_chunks(source) -> Iterable[bytes]:
    handle = open(source, "rb") if isinstance(source, (str, Path)) else source()
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _write_evidence(zf, evidence: EvidenceFile, allocator: PathAllocator, stamp) -> ManifestEntry:
    path = allocator.allocate("evidence", evidence.member_id, evidence.check_code,
                              evidence.original_name)
    entry = _write_stream(zf, path, _read_chunks(evidence.source), stamp, evidence.size)
    if entry.sha256 != evidence.sha256.lower() or entry.size != evidence.size:
        raise EvidenceIntegrityError(
            f"Evidence file {evidence.original_name!r} of member {evidence.member_id}, check "
            f"{evidence.check_code}, no longer matches what was recorded when it was added "
            f"(recorded {evidence.size} bytes, sha256 {evidence.sha256}; found {entry.size} bytes, "
            f"sha256 {entry.sha256}).")
    return entry


def audit_record(r: AuditRow) -> dict:
    """One line of audit.jsonl: the stored entry (before/after the exact JSON text that was hashed), with
    the names exports/trail.py's recipes use, and whether it was redacted under retention."""
    return {"id": r.id, "at": r.at.isoformat(), "actor_id": r.actor_id, "actor": r.actor, "action": r.action,
            "entity_type": r.entity, "entity_id": r.entity_id, "member_pk": r.member_pk, "before": r.before,
            "after": r.after, "batch_id": r.batch_id, "content_hash": r.content_hash, "prev_hash": r.prev_hash,
            "hash": r.hash, "redacted_at": r.redacted_at.isoformat() if r.redacted_at else None,
            "redacted": r.redacted_at is not None}


def _audit_lines(rows: Iterable[AuditRow]) -> Iterable[bytes]:
    for r in rows:
        yield (json.dumps(audit_record(r), ensure_ascii=False) + "\n").encode("utf-8")


def manifest_csv(entries: Iterable[ManifestEntry]) -> bytes:
    """The manifest as CSV bytes. Every path starts with a letter, so no cell reads as a formula."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(MANIFEST_HEADER)
    for e in entries:
        writer.writerow([e.path, e.size, e.sha256])
    return text.getvalue().encode("utf-8")


def readme_text(data: DeclarationData, checkpoint: dict | None = None) -> str:
    """README.txt: what the pack holds and how to check it, by hand and with the register's CLI."""
    return f"""Fit and proper person test: evidence pack
Organisation: {data.organisation_name}
Year: {data.year_label} ({data.period_start:%d/%m/%Y} to {data.period_end:%d/%m/%Y})

Contents
  declaration-*.xlsx   the annual declaration workbook
  evidence/<member id>/<check code>/<file>   the evidence files held in the register
  audit.jsonl          the audit trail from the first entry written on or after {data.period_start:%d/%m/%Y}
                       to the moment of export, one JSON object per line, with its hash chain
  audit-checkpoint.json  the trail's head at export, signed with the register's audit key
  SHA256SUMS           the SHA-256 of every file above, in sha256sum format
  manifest.csv         path, size and SHA-256 of every other file in this zip

Verify with the register (no database needed):
  fpp export verify-pack PATH.zip

Verify the files by hand (Linux or macOS; on macOS use "shasum -a 256 -c"):
  unzip PATH.zip -d pack && cd pack
  sha256sum -c SHA256SUMS
Every line must end in "OK". Compare the sizes and hashes with manifest.csv, and check that the
folder holds no file that manifest.csv does not list.

The manifest proves the files are the ones exported together; it is not a signature. The
declaration's own SHA-256 (in the workbook's Declaration sheet) is what the chair signed.
{_audit_readme(checkpoint)}"""


def _audit_readme(checkpoint: dict | None) -> str:
    if checkpoint is None:
        return ""
    segment = checkpoint.get("segment") or {}
    return f"""
The audit trail
  The register's audit key signed the checkpoint in audit-checkpoint.json at export:
    entries in audit.jsonl: {segment.get("count")}, from entry {segment.get("first_id")}
    anchor (the hash of the entry before the first): {segment.get("anchor")}
    head (the hash of the last entry): {checkpoint.get("head")}
    public key (Ed25519, base64): {checkpoint.get("public_key")}
    key fingerprint: {checkpoint.get("key_fingerprint")}
  Check that this public key is the one printed on the signed declaration: a pack signed with
  another key proves nothing.

Verify the audit trail without this software (the recipe)
  1. Start with the anchor. For each line of audit.jsonl in order, its "prev_hash" must equal the
     previous line's "hash" (the first line's must equal the anchor).
  2. If "content_hash" is null (an entry written before the upgrade of December 2026, recipe 1): the
     "hash" is the SHA-256 of the JSON of the object with the keys prev (the prev_hash), at, actor_id,
     actor, action, entity_type, entity_id, member_pk, before, after; keys sorted, separators ", " and
     ": ", non-ASCII as \\u escapes (Python: json.dumps(obj, sort_keys=True)).
     Otherwise (recipe 2): "content_hash" is the SHA-256 of that JSON of at, actor_id, actor, action,
     entity_type, entity_id, member_pk, before, after, batch_id; and "hash" is the SHA-256 of the text
     prev_hash followed by content_hash (128 hexadecimal characters).
     An entry marked "redacted": true had its content removed under the retention rules: its content
     cannot be re-hashed, but its link (prev_hash, content_hash and hash) is still checked.
  3. The last line's "hash" must equal "head" in audit-checkpoint.json, and the number of lines
     "count" in its "segment".
  4. The signature: take audit-checkpoint.json without its "signature" key, encode it as JSON with
     keys sorted, no spaces and ASCII only (Python: json.dumps(obj, sort_keys=True,
     separators=(",", ":"))); the base64 "signature" is an Ed25519 signature of those bytes under the
     public key above (e.g. openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in body.json
     -sigfile signature.bin, with key.pem:
{_public_pem(checkpoint.get("public_key"))})
"""


def _public_pem(public_key: str | None) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    import base64
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key or "", validate=True))
    except ValueError:
        return "     (no valid public key in the checkpoint)"
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return "\n".join("     " + line for line in pem.strip().splitlines())


def verify_pack(path: str | Path, public_key: str | None = None) -> PackVerification:
    """Re-hash every file in the pack against manifest.csv and report each mismatch; then re-hash the
    audit segment from its anchor and check it ends at the head of the signed checkpoint.

    Reports files whose size or SHA-256 changed, files listed but missing, files present but not
    listed, names present twice and entries that cannot be read; an audit segment that does not
    re-hash, does not reach the checkpoint's head, or whose checkpoint's signature fails under
    ``public_key`` (default: the key the checkpoint names, which a reader compares with the one the
    declaration shows). Raises PackError if ``path`` is not a zip file or has no readable manifest.csv.
    """
    if not Path(path).is_file():
        raise PackError(f"{path} does not exist or is not a file.")
    if not zipfile.is_zipfile(path):
        raise PackError(f"{path} is not a zip file, so it cannot be an evidence pack.")
    with zipfile.ZipFile(path) as zf:
        names = [i.filename for i in zf.infolist() if not i.is_dir()]
        if MANIFEST not in names:
            raise PackError(f"{path} has no {MANIFEST}: it was not made by the register, "
                            "or the manifest was removed.")
        manifest = _read_manifest(zf)
        problems = [_check_entry(zf, entry, names) for entry in manifest.values()]
        problems += [PackProblem(n, "extra", "present in the zip but not listed in the manifest")
                     for n in dict.fromkeys(names) if n not in manifest and n != MANIFEST]
        problems += [PackProblem(n, "duplicate", "the zip holds this name more than once")
                     for n in dict.fromkeys(names) if names.count(n) > 1]
        summary = ""
        if AUDIT in names:
            found, summary = _check_audit(zf, names, public_key)
            problems += found
    return PackVerification(len(manifest), tuple(p for p in problems if p), summary if not any(problems) else "")


def _check_audit(zf: zipfile.ZipFile, names: list[str], public_key: str | None) -> tuple[list[PackProblem], str]:
    """The audit segment against its signed checkpoint: (problems, what was verified)."""
    if CHECKPOINT not in names:
        return [PackProblem(CHECKPOINT, "missing", "the pack carries no signed checkpoint, so its audit "
                            "trail cannot be checked")], ""
    try:
        doc = trail.parse_checkpoint(zf.read(CHECKPOINT))
    except (ValueError, zipfile.BadZipFile) as error:
        return [PackProblem(CHECKPOINT, "audit", f"cannot be read: {error}")], ""
    key = public_key or (doc.get("public_key") if isinstance(doc.get("public_key"), str) else "")
    if problem := trail.checkpoint_problem(doc, key or ""):
        return [PackProblem(CHECKPOINT, "audit", problem)], ""
    segment = doc.get("segment")
    if not isinstance(segment, dict) or not isinstance(segment.get("anchor"), str):
        return [PackProblem(CHECKPOINT, "audit", "it names no audit segment (anchor, first entry, count)")], ""
    try:
        with zf.open(AUDIT) as handle:
            result = trail.verify_segment(_jsonl(io.TextIOWrapper(handle, encoding="utf-8")), segment["anchor"])
    except (ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError) as error:
        return [PackProblem(AUDIT, "audit", f"a line cannot be read as an audit entry: {error}")], ""
    if result.problem:
        return [PackProblem(AUDIT, "audit", result.problem.text())], ""
    if result.head != doc["head"] or result.count != segment.get("count"):
        return [PackProblem(AUDIT, "audit", f"holds {result.count} entries ending in {result.head[:12]}, but the "
                            f"signed checkpoint counts {segment.get('count')} ending in {str(doc['head'])[:12]}: "
                            "entries were removed, added or rewritten")], ""
    redacted = f" ({result.redacted} redacted: their link checked, their content cannot be)" \
        if result.redacted else ""
    own = "" if public_key else " (compare the key with the one the declaration shows)"
    return [], (f"the audit trail's {result.count} entries{redacted} re-hash from the anchor {segment['anchor'][:12]} "
                f"to the head {result.head[:12]} signed at {doc['at']} by key {doc['key_fingerprint']}{own}.")


def _jsonl(lines) -> Iterable[dict]:
    for number, line in enumerate(lines, start=1):
        try:
            entry = json.loads(line)
        except ValueError:
            raise ValueError(f"line {number} is not JSON") from None
        if not isinstance(entry, dict):
            raise ValueError(f"line {number} is not a JSON object")
        yield entry


def _read_manifest(zf: zipfile.ZipFile) -> dict[str, ManifestEntry]:
    try:
        rows = list(csv.reader(io.StringIO(zf.read(MANIFEST).decode("utf-8"))))
    except (UnicodeDecodeError, zipfile.BadZipFile, csv.Error) as error:
        raise PackError(f"{MANIFEST} cannot be read: {error}") from error
    if not rows or rows[0] != MANIFEST_HEADER:
        raise PackError(f"{MANIFEST} must start with the header {','.join(MANIFEST_HEADER)}.")
    entries = {}
    for line, row in enumerate(rows[1:], 2):
        if len(row) != 3 or not row[1].isdigit():
            raise PackError(f"{MANIFEST} line {line} is not path,size,sha256: {row!r}")
        entries[row[0]] = ManifestEntry(row[0], int(row[1]), row[2].lower())
    return entries


def _check_entry(zf: zipfile.ZipFile, entry: ManifestEntry, names: list[str]) -> PackProblem | None:
    if entry.path not in names:
        return PackProblem(entry.path, "missing", "listed in the manifest but not in the zip")
    digest, size = hashlib.sha256(), 0
    try:
        with zf.open(entry.path) as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        return PackProblem(entry.path, "unreadable", f"the zip entry is damaged: {error}")
    if size != entry.size or digest.hexdigest() != entry.sha256:
        return PackProblem(entry.path, "changed", f"expected {entry.size} bytes, sha256 "
                           f"{entry.sha256}; found {size} bytes, sha256 {digest.hexdigest()}")
    return None
