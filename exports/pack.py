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

from exports.data import AuditRow, DeclarationData, EvidenceFile
from exports.paths import PathAllocator

MANIFEST = "manifest.csv"
SHA256SUMS = "SHA256SUMS"
AUDIT = "audit.jsonl"
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
    """What ``verify_pack`` found: ``ok`` only when every listed file matches and nothing is extra."""

    checked: int
    problems: tuple[PackProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """Human-readable report lines, e.g. for ``fpp export verify-pack``."""
        if self.ok:
            return [f"OK: {self.checked} files match the manifest."]
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
                        output: str | Path | BinaryIO) -> list[ManifestEntry]:
    """Write the evidence pack zip for ``data.year`` to ``output`` and return its manifest entries.

    Promises: the workbook as ``declaration-YYYY-YY.xlsx``; each evidence file at
    ``evidence/<member id>/<check code>/<name>`` with sanitised, de-duplicated names, streamed in
    chunks; ``audit.jsonl``; ``README.txt``; ``SHA256SUMS`` (for ``sha256sum -c``) and
    ``manifest.csv`` listing path, size and SHA-256 of every other file. Raises
    EvidenceIntegrityError if an evidence file does not match its recorded hash or size; the output
    is then incomplete and must be discarded.
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
        entries.append(_write_bytes(zf, README, readme_text(data).encode("utf-8"), stamp))
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


def _audit_lines(rows: Iterable[AuditRow]) -> Iterable[bytes]:
    # before/after stay the exact JSON text that was hashed, so the chain can be re-computed.
    for r in rows:
        record = {"id": r.id, "at": r.at.isoformat(), "actor": r.actor, "action": r.action,
                  "entity": r.entity, "entity_id": r.entity_id, "before": r.before,
                  "after": r.after, "prev_hash": r.prev_hash, "hash": r.hash}
        yield (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def manifest_csv(entries: Iterable[ManifestEntry]) -> bytes:
    """The manifest as CSV bytes. Every path starts with a letter, so no cell reads as a formula."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(MANIFEST_HEADER)
    for e in entries:
        writer.writerow([e.path, e.size, e.sha256])
    return text.getvalue().encode("utf-8")


def readme_text(data: DeclarationData) -> str:
    """README.txt: what the pack holds and how to check it, by hand and with the register's CLI."""
    return f"""Fit and proper person test: evidence pack
Organisation: {data.organisation_name}
Year: {data.year_label} ({data.period_start:%d/%m/%Y} to {data.period_end:%d/%m/%Y})

Contents
  declaration-*.xlsx   the annual declaration workbook
  evidence/<member id>/<check code>/<file>   the evidence files held in the register
  audit.jsonl          the audit trail, one JSON object per line, with its hash chain
  SHA256SUMS           the SHA-256 of every file above, in sha256sum format
  manifest.csv         path, size and SHA-256 of every other file in this zip

Verify with the register:
  fpp export verify-pack PATH.zip

Verify by hand (Linux or macOS; on macOS use "shasum -a 256 -c"):
  unzip PATH.zip -d pack && cd pack
  sha256sum -c SHA256SUMS
Every line must end in "OK". Compare the sizes and hashes with manifest.csv, and check that the
folder holds no file that manifest.csv does not list.

The manifest proves the files are the ones exported together; it is not a signature. The
declaration's own SHA-256 (in the workbook's Declaration sheet) is what the chair signed.
"""


def verify_pack(path: str | Path) -> PackVerification:
    """Re-hash every file in the pack against manifest.csv and report each mismatch.

    Reports files whose size or SHA-256 changed, files listed but missing, files present but not
    listed, names present twice and entries that cannot be read. Raises PackError if ``path`` is
    not a zip file or has no readable manifest.csv.
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
    return PackVerification(len(manifest), tuple(p for p in problems if p))


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
