"""The register core's commands: init-db, create-user, import, status, demo, serve, audit verify."""
from __future__ import annotations

import sys

import click

from fpp.cli import UserError, iso_date, with_app


def register(cli: click.Group) -> None:
    for command in (init_db, create_user, import_workbook, status, demo, serve, audit):
        cli.add_command(command)


@click.command("init-db")
@with_app
def init_db() -> None:
    """Create or upgrade the database schema (Alembic)."""
    from flask import current_app
    from fpp.migrate import upgrade
    upgrade(current_app.config["DATABASE_URL"])
    click.echo("Database is up to date.")


@click.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["secretary", "chair", "sid", "member", "auditor"]))
@click.option("--member-id", help="The Member ID of the board member this account belongs to.")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input.")
@with_app
def create_user(email: str, role: str, member_id: str | None, password_stdin: bool) -> None:
    """Add an account; chair, sid and member accounts name the board member they are."""
    from fpp.auth.operations import create_user as create
    from fpp.errors import DomainError
    from fpp.extensions import db
    from fpp.register.queries import find_member_by_id
    password = sys.stdin.readline().rstrip("\r\n")
    member = None
    if member_id:
        member = find_member_by_id(member_id)
        if member is None:
            raise UserError(f"--member-id {member_id}: no board member has that Member ID")
    try:
        user = create(email, role, password, member)
    except DomainError as error:
        raise UserError(error.message) from None
    db.session.commit()
    click.echo(f"Created {user.role} account {user.email}.")


@click.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what would change, change nothing.")
@with_app
def import_workbook(path: str, dry_run: bool) -> None:
    """Import members and check records from a workbook (all or nothing; re-importing changes nothing)."""
    from fpp.extensions import db
    from fpp.imports.operations import apply_import
    from fpp.imports.workbook import WorkbookError, read_workbook
    try:
        parsed = read_workbook(path)
    except WorkbookError as exc:
        raise UserError(str(exc)) from None
    result = apply_import(parsed)
    if not result.ok:
        db.session.rollback()
        for problem in result.problems:
            click.echo(f"{path}: {problem}", err=True)
        raise UserError(f"{len(result.problems)} problem(s) found; nothing was imported.")
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run, nothing changed. Would import {result.summary()}.")
    else:
        db.session.commit()
        click.echo(f"Imported {result.summary()}.")


@click.command("status")
@click.option("--as-of", "as_of", help="The date to report on (YYYY-MM-DD); default today.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@with_app
def status(as_of: str | None, fmt: str) -> None:
    """The status of every member on a date."""
    from fpp.app import settings
    from fpp.register.queries import board
    from fpp.reporting import status_json, status_json_text, status_table
    from fpp.timeutil import today
    day = iso_date(as_of, "--as-of") or today()
    rows, _ = board(day, settings().rules)
    if fmt == "json":
        click.echo(status_json_text(status_json(rows, day)))
    else:
        click.echo(status_table(rows, day))


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the register has no members yet.")
@with_app
def demo(if_empty: bool) -> None:
    """Load a realistic demo board (about 14 members, several years of history) and demo logins."""
    from fpp.demo import DEMO_PASSWORD, load_demo, register_is_empty
    from fpp.extensions import db
    if if_empty and not register_is_empty():
        click.echo("The register already has members: demo not loaded.")
        return
    if not register_is_empty():
        raise UserError("The register already has members; the demo loads only into an empty register.")
    logins = load_demo()
    db.session.commit()
    click.echo("Demo board loaded. Sign in at http://127.0.0.1:5000 with any of these "
               f"(password for all: {DEMO_PASSWORD}):")
    for email, role in logins:
        click.echo(f"  {role:<10} {email}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the web app (waitress, a production WSGI server)."""
    import waitress
    from fpp import cli as this
    from fpp.config import ConfigError
    try:
        app = this.app_factory()
    except ConfigError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"The register is at http://{host}:{port}/")
    waitress.serve(app, host=host, port=port, threads=8, ident="fpp")


@click.group("audit")
def audit() -> None:
    """The audit trail."""


@audit.command("verify")
@with_app
def audit_verify() -> None:
    """Check the audit trail's hash chain; exit 1 naming the first broken entry."""
    from fpp.audit.queries import verify_chain
    result = verify_chain()
    if not result.ok:
        raise UserError(f"audit entry {result.broken_id} does not verify: {result.reason} "
                        f"({result.checked} entries checked).")
    click.echo(f"Audit trail intact: {result.checked} entries verified.")
