"""The backup archive: a zip holding the database snapshot, the evidence files and `manifest.json`.

A zip rather than a tar: its central directory names every member up front, so a restore reads the
manifest first and refuses a truncated archive (one whose end, and so its directory, is missing) before
reading anything else; every member carries a CRC as well as the manifest's SHA-256; and it opens with
the tools every secretary's machine already has. ZIP64 lifts the 4 GB limits.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

FORMAT = "fpp-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database/fpp.sqlite3", "postgresql": "database/fpp.pgdump"}
EVIDENCE_FOLDER = "evidence/"
# Evidence files are stored under random names (fpp.register.operations); anything else is refused, so a
# crafted archive cannot write outside the folders a restore writes to.
_EVIDENCE_NAME = re.compile(r"^evidence/[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore cannot go on; the message says what and where, and what to do."""


@dataclass(frozen=True)
class Member:
    """One file of the archive as the manifest lists it."""

    path: str
    size: int
    sha256: str

    def as_dict(self) -> dict:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


class ArchiveWriter:
    """Writes the archive to a temporary file created 0600 beside `path`, renamed into place by `finish`:
    a backup that fails half-way leaves no file that looks like a backup."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
        try:
            fd = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            raise BackupError(f"{path}: cannot be written ({error.strerror or error})") from None
        self.zip = zipfile.ZipFile(os.fdopen(fd, "wb"), "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.members: list[Member] = []

    def add_file(self, name: str, source: Path) -> Member:
        """Copy `source` into the archive as `name`, hashing it on the way (read once, never held whole)."""
        digest, size = hashlib.sha256(), 0
        info = zipfile.ZipInfo(name, _FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        with source.open("rb") as data, self.zip.open(info, "w", force_zip64=True) as out:
            while chunk := data.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        member = Member(name, size, digest.hexdigest())
        self.members.append(member)
        return member

    def finish(self, manifest: dict) -> None:
        """Write the manifest (every member's size and SHA-256 under "files") and move the archive into place."""
        manifest = manifest | {"files": [m.as_dict() for m in self.members]}
        self.zip.writestr(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        self.zip.close()
        os.chmod(self.partial, 0o600)
        os.replace(self.partial, self.path)

    def abort(self) -> None:
        self.zip.close()
        self.partial.unlink(missing_ok=True)

    def __enter__(self) -> "ArchiveWriter":
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        if exc_type is not None:
            self.abort()


# Members carry a fixed date: the manifest's `created_at` says when, and the same register gives the same bytes.
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def open_archive(path: Path) -> tuple[zipfile.ZipFile, dict]:
    """The archive and its manifest; refuses a missing, unreadable or truncated file, or one without a
    manifest of this format."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"{path}: not a readable backup archive ({error}); it may be truncated or "
                          "not a file made by `fpp backup`") from None
    try:
        manifest = _manifest(archive, path)
    except BackupError:
        archive.close()
        raise
    return archive, manifest


def _manifest(archive: zipfile.ZipFile, path: Path) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError(f"{path}: holds no {MANIFEST}, so nothing in it can be verified; "
                          "restore only from an archive made by `fpp backup`") from None
    except (ValueError, zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"{path}: its {MANIFEST} cannot be read ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: its {MANIFEST} is not that of an `fpp backup` archive")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path}: made by another version of the register (archive format "
                          f"{manifest.get('format_version')!r}, this version reads {FORMAT_VERSION}); restore "
                          "it with the version that made it")
    return manifest


def listed_members(manifest: dict, path: Path) -> list[Member]:
    """The manifest's file list, each name checked to be the database snapshot or an evidence file."""
    database = DATABASE_FILES.get(manifest.get("database", {}).get("kind"))
    members = []
    for item in manifest.get("files", []):
        try:
            member = Member(str(item["path"]), int(item["size"]), str(item["sha256"]))
        except (KeyError, TypeError, ValueError):
            raise BackupError(f"{path}: {MANIFEST} lists a file without a path, size and SHA-256") from None
        if member.path != database and not _EVIDENCE_NAME.match(member.path):
            raise BackupError(f"{path}: {MANIFEST} lists {member.path!r}, which a backup never holds")
        members.append(member)
    if database not in {m.path for m in members}:
        raise BackupError(f"{path}: {MANIFEST} lists no database snapshot")
    return members


def extract_verified(archive: zipfile.ZipFile, members: list[Member], path: Path,
                     destination: Callable[[str], Path]) -> None:
    """Copy every listed member to `destination(name)`, checking its size and SHA-256 against the manifest;
    refuses, naming the file, a member missing, altered or not listed. The caller removes what was written
    when this raises."""
    listed = {m.path for m in members}
    extra = sorted(set(archive.namelist()) - listed - {MANIFEST})
    if extra:
        raise BackupError(f"{path}: holds {extra[0]}, which {MANIFEST} does not list (the archive was altered)")
    for member in members:
        _extract_one(archive, member, path, destination(member.path))


def _extract_one(archive: zipfile.ZipFile, member: Member, path: Path, target: Path) -> None:
    digest, size = hashlib.sha256(), 0
    try:
        with archive.open(member.path) as data, target.open("xb") as out:
            while chunk := data.read(CHUNK):
                size += len(chunk)
                if size > member.size:
                    break  # never write more than the manifest promised (a crafted archive)
                digest.update(chunk)
                out.write(chunk)
    except KeyError:
        raise BackupError(f"{path}: {member.path} is listed in {MANIFEST} but missing from the archive") from None
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise BackupError(f"{path}: {member.path} cannot be read ({error}); the archive is damaged") from None
    if size != member.size or digest.hexdigest() != member.sha256:
        raise BackupError(f"{path}: {member.path} does not match its SHA-256 in {MANIFEST} "
                          "(the archive was altered or damaged); nothing was restored")
