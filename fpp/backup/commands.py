"""`fpp backup PATH` and `fpp restore PATH` (CONTRACT.md; docs/operations.md, "Backups")."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

import click

from fpp.cli import UserError, with_app


def register(cli: click.Group) -> None:
    cli.add_command(backup)
    cli.add_command(restore)


@contextmanager
def _as_messages(what: str):
    """Every failure a message and exit 1, never a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    from fpp.backup.archive import BackupError
    try:
        yield
    except BackupError as error:
        raise UserError(str(error)) from None
    except (sqlite3.Error, SQLAlchemyError) as error:
        raise UserError(f"{what}: the database said: {getattr(error, 'orig', None) or error}") from None
    except OSError as error:
        raise UserError(f"{what}: {error.filename or ''} {error.strerror or error}".strip()) from None


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_app
def backup(path: Path) -> None:
    """Write one archive (.zip) of the database and the evidence files, with a SHA-256 manifest."""
    from flask import current_app

    from fpp.audit import operations as audit
    from fpp.backup import operations
    from fpp.extensions import db
    with _as_messages(f"{path}: no backup was written"):
        report = operations.backup(path, current_app.config["DATABASE_URL"], Path(current_app.config["DATA_DIR"]))
    audit.record("register.backup", "register", None, after={
        "path": str(path), "database": report.kind, "members": report.facts.members,
        "evidence_files": len(report.facts.evidence), "audit_entries": report.facts.audit_entries,
        "audit_last_hash": report.facts.audit_last_hash, "problems": len(report.problems)})
    db.session.commit()
    click.echo(f"Backed up the register to {path}: {report.facts.members} members, {report.facts.check_records} "
               f"check records, {len(report.facts.evidence)} evidence files, {report.facts.audit_entries} audit "
               f"entries ({report.kind}, {report.files} files, {report.size / 1048576:.1f} MB before compression).")
    if report.problems:
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)
        raise UserError(f"the backup was written, but {len(report.problems)} evidence file(s) could not be "
                        "backed up as recorded; a restore of it will not verify until they are found")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_app(needs_register=False)
def restore(path: Path) -> None:
    """Restore an archive made by `fpp backup`, only into an empty register, verifying every hash and the trail."""
    from flask import current_app

    from fpp.audit import operations as audit
    from fpp.backup import operations
    from fpp.extensions import db
    with _as_messages(f"{path}: not restored"):
        report = operations.restore(path, current_app.config["DATABASE_URL"], Path(current_app.config["DATA_DIR"]))
        audit.record("register.restore", "register", None, after={
            "path": str(path), "backup_created_at": report.manifest.get("created_at"),
            "audit_entries": report.audit_entries, "evidence_files": report.evidence_files})
        db.session.commit()
    manifest = report.manifest
    click.echo(f"Restored the register from {path} (backed up {manifest.get('created_at')} by version "
               f"{manifest.get('register_version')}): {report.members} members, {report.evidence_files} evidence "
               f"files, each matching its SHA-256; audit trail verified ({report.audit_entries} entries, "
               f"ending {manifest['audit'].get('last_hash')}); schema at revision {', '.join(report.revisions)}.")
    click.echo("Set the same FPP_SECRET_KEY and audit signing key as the register backed up (from the secret "
               "store) before starting the web app.")
