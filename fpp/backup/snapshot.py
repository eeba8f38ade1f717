"""Consistent snapshots of the database, and the facts a manifest records, read from the snapshot itself.

SQLite: the online backup API copies the whole file in one step under a read lock, while the app runs.
PostgreSQL: a REPEATABLE READ transaction exports its snapshot; the manifest's facts are read in that
transaction and `pg_dump --snapshot` dumps exactly the same state. Either way the schema revision, the audit
trail's head and the list of evidence files describe the very data in the archive.

The facts are read with plain SQL on the register's stable tables, so an archive made at an older schema
revision is described the same way.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from sqlalchemy import NullPool, create_engine, text
from sqlalchemy.engine import make_url

from fpp.backup import postgres
from fpp.backup.archive import BackupError

Rows = Callable[[str], Sequence[Sequence]]


@dataclass(frozen=True)
class Facts:
    """What a snapshot holds: schema revision(s), the audit trail's head, counts and the evidence files."""

    revisions: tuple[str, ...]
    audit_entries: int
    audit_last_hash: str | None
    members: int
    check_records: int
    evidence: tuple[tuple[str, str, int], ...] = field(default=())  # (stored name, sha256, size)


def read_facts(rows: Rows) -> Facts:
    """The facts of a database, through `rows(sql)`, which runs one query and returns its rows."""
    last = rows("SELECT hash FROM audit_entries ORDER BY id DESC LIMIT 1")
    return Facts(
        revisions=tuple(sorted(r[0] for r in rows("SELECT version_num FROM alembic_version"))),
        audit_entries=int(rows("SELECT count(*) FROM audit_entries")[0][0]),
        audit_last_hash=last[0][0] if last else None,
        members=int(rows("SELECT count(*) FROM members")[0][0]),
        check_records=int(rows("SELECT count(*) FROM check_records")[0][0]),
        evidence=tuple((r[0], r[1], int(r[2])) for r in
                       rows("SELECT stored_name, sha256, size FROM evidence ORDER BY id")),
    )


def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "")


def sqlite_snapshot(url: str, folder: Path) -> tuple[Path, Facts]:
    """A copy of the SQLite database taken with the online backup API, self-contained (no WAL file)."""
    target = folder / "fpp.sqlite3"
    with closing(sqlite3.connect(sqlite_path(url), timeout=30)) as source, \
            closing(sqlite3.connect(target)) as copy:
        source.backup(copy)  # pages=-1: the whole database in one step, a consistent state
        copy.execute("PRAGMA journal_mode=DELETE")
        facts = read_facts(lambda sql: copy.execute(sql).fetchall())
    return target, facts


def postgres_snapshot(url: str, folder: Path) -> tuple[Path, Facts]:
    """`pg_dump --format=custom` of an exported snapshot, with the facts read in that same snapshot."""
    pg_dump = postgres.tool("pg_dump")
    target = folder / "fpp.pgdump"
    engine = create_engine(url, poolclass=NullPool, hide_parameters=True)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection, \
                connection.begin():
            snapshot_id = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            facts = read_facts(lambda sql: connection.execute(text(sql)).all())
            postgres.run([pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot_id}",
                          f"--file={target}"], url, "the database was not backed up")
    finally:
        engine.dispose()
    return target, facts


@dataclass(frozen=True)
class TargetState:
    """Where a restore would go: a fresh database (nothing there yet), or an initialised, empty register."""

    is_fresh: bool
    revisions: tuple[str, ...] = ()


def target_state(url: str, where: str) -> TargetState:
    """Whether a restore may go to `url`; refuses a register that holds members or audit entries, and a
    database that holds tables but no register."""
    if make_url(url).get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if not path.exists():
            return TargetState(True)
    engine = create_engine(url, poolclass=NullPool, hide_parameters=True)
    try:
        with engine.connect() as connection:
            state = _state(lambda sql: connection.execute(text(sql)).all(), set(_table_names(connection)), where)
    finally:
        engine.dispose()
    if make_url(url).get_backend_name() == "sqlite":
        refuse_in_use(sqlite_path(url))  # only once found empty: a register in use is left exactly as it is
    return state


def _table_names(connection) -> list[str]:
    from sqlalchemy import inspect
    return inspect(connection).get_table_names()


def _state(rows: Rows, tables: set[str], where: str) -> TargetState:
    if not tables:
        return TargetState(True)
    if "alembic_version" not in tables:
        raise BackupError(f"{where} holds tables but no register; restore into an empty database or a "
                          "register made by `fpp init-db`")
    members = int(rows("SELECT count(*) FROM members")[0][0]) if "members" in tables else 0
    entries = int(rows("SELECT count(*) FROM audit_entries")[0][0]) if "audit_entries" in tables else 0
    if members or entries:
        raise BackupError(f"{where} is not an empty register ({members} members, {entries} audit entries): "
                          "a restore never replaces a register in use. Restore into a fresh database (or a "
                          "new SQLite file) and data folder, then point the register at it. Nothing was changed.")
    return TargetState(False, tuple(sorted(r[0] for r in rows("SELECT version_num FROM alembic_version"))))


def refuse_in_use(path: Path) -> None:
    """Refuse a SQLite file another process has open, and leave it with no WAL or journal beside it (which
    a replaced file would otherwise inherit). Leaving WAL mode needs the only connection: it fails while
    the web app or the scheduler has the file open, and it folds a crashed process's WAL back in."""
    try:
        with closing(sqlite3.connect(path, timeout=1)) as connection:
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.Error as error:
        mode = str(error)
    leftovers = [s for s in ("-wal", "-shm", "-journal") if path.with_name(path.name + s).exists()]
    if mode.lower() != "delete" or leftovers:
        raise BackupError(f"{path} is in use by another process ({mode}): stop the web app and the "
                          "scheduler, then restore again. Nothing was changed.")
