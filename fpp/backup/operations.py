"""`fpp backup` and `fpp restore`: the verbs. They never commit; the command commits the audit entry.

What a backup holds: the database snapshot (fpp.backup.snapshot) and the evidence files its rows name, with
manifest.json. What it never holds: the session secret key and the audit trail's signing keys (they come
from the secret store, and are backed up from there, apart from the data they protect).
"""
from __future__ import annotations

import hashlib
import shutil
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from fpp.backup import postgres
from fpp.backup.archive import (
    DATABASE_FILES, EVIDENCE_FOLDER, FORMAT, FORMAT_VERSION, ArchiveWriter, BackupError, listed_members,
    open_archive, extract_verified,
)
from fpp.backup.snapshot import Facts, TargetState, postgres_snapshot, refuse_in_use, sqlite_path, \
    sqlite_snapshot, target_state
from fpp.extensions import db
from fpp.timeutil import utcnow

NOT_INCLUDED = ("the session secret key (FPP_SECRET_KEY or data folder's secret_key) and the audit trail's "
                "signing key: back them up from the secret store, apart from this archive")


@dataclass(frozen=True)
class BackupReport:
    """What `backup` wrote; `problems` names evidence files missing or altered in the data folder."""

    path: Path
    kind: str
    facts: Facts
    files: int
    size: int
    problems: tuple[str, ...]


def backup(path: Path, database_url: str, data_dir: Path) -> BackupReport:
    """Write one archive at `path`: a consistent snapshot of the database, every evidence file its rows
    name, and the manifest. An evidence file that is missing or no longer matches its SHA-256 is left out
    (or kept, altered) and named in `problems`, so the backup is still made."""
    kind = make_url(database_url).get_backend_name()
    with tempfile.TemporaryDirectory(prefix=".fpp-backup-", dir=path.parent if path.parent.is_dir() else None) \
            as folder:
        snapshot = sqlite_snapshot if kind == "sqlite" else postgres_snapshot
        database, facts = snapshot(database_url, Path(folder))
        with ArchiveWriter(path) as archive:
            archive.add_file(DATABASE_FILES[kind], database)
            problems = _add_evidence(archive, facts, data_dir / "evidence")
            archive.finish(_manifest(kind, facts, problems))
    size = sum(m.size for m in archive.members)
    return BackupReport(path, kind, facts, len(archive.members), size, tuple(problems))


def _add_evidence(archive: ArchiveWriter, facts: Facts, folder: Path) -> list[str]:
    problems = []
    for stored_name, sha256, _size in facts.evidence:
        source = folder / stored_name
        if not source.is_file():
            problems.append(f"evidence file {stored_name} is missing from {folder}")
            continue
        if archive.add_file(EVIDENCE_FOLDER + stored_name, source).sha256 != sha256:
            problems.append(f"evidence file {stored_name} no longer matches the SHA-256 recorded when it was added")
    return problems


def _manifest(kind: str, facts: Facts, problems: list[str]) -> dict:
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "created_at": utcnow().isoformat(timespec="seconds") + "Z",
        "register_version": register_version(),
        "database": {"kind": kind, "file": DATABASE_FILES[kind], "schema_revision": list(facts.revisions)},
        "audit": {"entries": facts.audit_entries, "last_hash": facts.audit_last_hash},
        "counts": {"members": facts.members, "check_records": facts.check_records,
                   "evidence_files": len(facts.evidence)},
        "problems": problems,
        "not_included": NOT_INCLUDED,
    }


def register_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("fpp-register")
    except PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class RestoreReport:
    """What `restore` put in place, and what it verified afterwards."""

    manifest: dict
    audit_entries: int
    evidence_files: int
    members: int
    revisions: tuple[str, ...]


def restore(path: Path, database_url: str, data_dir: Path) -> RestoreReport:
    """Restore the archive at `path` into an empty register (fresh, or initialised and empty).

    Refuses, changing nothing, a register that is not empty, a database of the other kind, a backup
    from a newer version, and any file whose SHA-256 does not match the manifest (all are checked before
    anything is replaced). Then puts the database and the evidence files in place, runs the migrations as
    `fpp init-db` does, and verifies the audit trail and every evidence file; raises BackupError on any
    failure."""
    archive, manifest = open_archive(path)
    with archive:
        kind = _same_kind(manifest, database_url, path)
        members = listed_members(manifest, path)
        if kind == "postgresql":
            postgres.tool("pg_restore")  # before anything is touched
        _known_revisions(manifest["database"].get("schema_revision") or [], database_url, f"{path}: the backup")
        release_connections()
        target = target_state(database_url, _where(database_url))
        _known_revisions(target.revisions, database_url, "the database restored into")
        evidence = data_dir / "evidence"
        _refuse_evidence_present(evidence)
        _extract_and_place(archive, members, path, database_url, data_dir, kind, target)
    from fpp.migrate import upgrade
    upgrade(database_url)
    return verify_restored(manifest, evidence)


def _same_kind(manifest: dict, database_url: str, path: Path) -> str:
    kind, here = (manifest.get("database") or {}).get("kind"), make_url(database_url).get_backend_name()
    if kind != here:
        raise BackupError(f"{path}: a backup of a {kind} register cannot be restored into {here}; set "
                          f"FPP_DATABASE_URL to a {kind} database")
    return kind


def _known_revisions(revisions, database_url: str, what: str) -> None:
    """Refuse a schema this version of the register does not know (made by a newer version)."""
    from alembic.script import ScriptDirectory

    from fpp.migrate import alembic_config
    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config(database_url)).walk_revisions()}
    unknown = sorted(set(revisions) - known)
    if unknown:
        raise BackupError(f"{what} is at schema revision {', '.join(unknown)}, which this version of the "
                          f"register ({register_version()}) does not know: upgrade the register, then restore")


def _where(database_url: str) -> str:
    if make_url(database_url).get_backend_name() == "sqlite":
        return f"the database {sqlite_path(database_url)}"
    return f"the database {make_url(database_url).render_as_string(hide_password=True)}"


def _refuse_evidence_present(folder: Path) -> None:
    if folder.is_dir() and any(folder.iterdir()):
        raise BackupError(f"the data folder's evidence folder {folder} already holds files: restore into an "
                          "empty data folder (FPP_DATA_DIR). Nothing was changed.")


def release_connections() -> None:
    """Close every connection this process holds to the register (a SQLite file is replaced only when none is open)."""
    db.session.remove()
    if db.engine is not None:
        db.engine.dispose()


def _extract_and_place(archive, members, path: Path, database_url: str, data_dir: Path, kind: str,
                       target: TargetState) -> None:
    token = secrets.token_hex(6)
    staging = data_dir / f".restore-{token}"
    (staging / "evidence").mkdir(parents=True, mode=0o700)
    database = staging / "database"
    if kind == "sqlite":  # staged beside the target, so that the final rename is atomic
        final = sqlite_path(database_url).resolve()
        final.parent.mkdir(parents=True, exist_ok=True)
        database = final.with_name(f".{final.name}.{token}.restoring")
    try:
        extract_verified(archive, members, path,
                         lambda name: database if name == DATABASE_FILES[kind] else staging / name)
        if kind == "sqlite":
            _place_sqlite(database, sqlite_path(database_url))
        else:
            _place_postgres(database, database_url, target)
        if (data_dir / "evidence").is_dir():
            (data_dir / "evidence").rmdir()  # found empty before anything was extracted
        (staging / "evidence").replace(data_dir / "evidence")
    finally:
        database.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)


def _place_sqlite(staged: Path, final: Path) -> None:
    """Move the snapshot into place in one rename, while no connection is open (none of ours; another
    process's shows as its WAL file)."""
    release_connections()
    refuse_in_use(final)
    staged.chmod(0o600)
    staged.replace(final)


def _place_postgres(dump: Path, database_url: str, target: TargetState) -> None:
    """`pg_restore` into the empty database in one transaction; an initialised empty schema is dropped
    first, and rebuilt if the restore fails, so a failure leaves the database as it was."""
    pg_restore = postgres.tool("pg_restore")
    if not target.is_fresh:
        _drop_empty_schema(database_url)
    try:
        # --no-owner and --no-privileges: the objects belong to the role restoring, whatever roles the
        # source server had; --single-transaction with --exit-on-error: all or nothing.
        postgres.run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                      "--no-password", f"--dbname={postgres.database_name(database_url)}", str(dump)],
                     database_url, "nothing was restored")
    except BackupError:
        if not target.is_fresh:
            from fpp.migrate import upgrade
            upgrade(database_url)
        raise


def _drop_empty_schema(database_url: str) -> None:
    """Drop the tables of an initialised register already found empty (no members, no audit entries)."""
    from sqlalchemy import NullPool, create_engine, inspect
    engine = create_engine(database_url, poolclass=NullPool, hide_parameters=True)
    try:
        with engine.begin() as connection:
            preparer = connection.dialect.identifier_preparer
            for table in inspect(connection).get_table_names():
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS {preparer.quote(table)} CASCADE")
    finally:
        engine.dispose()


def verify_restored(manifest: dict, folder: Path) -> RestoreReport:
    """Verify the restored register: the audit trail's chain, its head against the manifest, and every
    evidence row's file and SHA-256. Raises BackupError naming the first problem."""
    from fpp.audit.models import AuditEntry
    from fpp.audit.queries import verify_chain
    from fpp.people.models import Member
    result = verify_chain()
    if not result.ok:
        raise BackupError(f"restored, but the audit trail does not verify: entry {result.broken_id}: "
                          f"{result.reason}. The backup holds a damaged register; restore an older one.")
    last = db.session.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar()
    expected = manifest.get("audit", {})
    if (result.checked, last) != (expected.get("entries"), expected.get("last_hash")):
        raise BackupError(f"restored, but the audit trail holds {result.checked} entries ending {last}, "
                          f"where the manifest recorded {expected.get('entries')} ending {expected.get('last_hash')}")
    files = _verify_evidence(folder)
    members = db.session.execute(select(func.count(Member.id))).scalar_one()
    revisions = tuple(sorted(db.session.execute(select(_alembic_version())).scalars()))
    return RestoreReport(manifest, result.checked, files, members, revisions)


def _alembic_version():
    from sqlalchemy import column, table
    return table("alembic_version", column("version_num")).c.version_num


def _verify_evidence(folder: Path) -> int:
    from fpp.register.models import Evidence
    rows = db.session.execute(select(Evidence.stored_name, Evidence.sha256).order_by(Evidence.id)).all()
    for stored_name, sha256 in rows:
        path = folder / stored_name
        if not path.is_file():
            raise BackupError(f"restored, but evidence file {stored_name} is missing from {folder}")
        if _sha256(path) != sha256:
            raise BackupError(f"restored, but evidence file {stored_name} does not match its SHA-256")
    return len(rows)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
