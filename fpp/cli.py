"""The `fpp` command line (CONTRACT.md): exit 0 on success, 1 on a user error, 2 on wrong usage."""
from __future__ import annotations

import importlib
import sys
from contextlib import contextmanager
from datetime import date
from functools import wraps

import click

from fpp.config import ConfigError

# Features add their commands here: each module has `register(cli)`.
COMMAND_MODULES = (
    "fpp.auth.commands",
    "fpp.imports.commands",
    "fpp.register.commands",
    "fpp.audit.commands",
    "fpp.reports.commands",
    "fpp.reminders.commands",
    "fpp.annual.commands",
    "fpp.backup.commands",
    "fpp.retention.commands",
    # features add their command module here
)


class UserError(click.ClickException):
    """A problem the user can fix: printed on standard error, exit status 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


def app_factory():
    """The app the commands run in (tests replace this to run commands against their database)."""
    from fpp.app import create_app
    return create_app()


def core_factory():
    """Settings and the database without the web app's pages, for commands that only read the register
    (`fpp status`): importing every blueprint (openpyxl, icalendar, the views) costs a third of a second.
    Tests replace this as they replace `app_factory`."""
    from flask import Flask

    from fpp.app import configure_settings
    from fpp.config import load_settings
    from fpp.extensions import db
    app = Flask("fpp")
    configure_settings(app, load_settings(), testing=False)
    db.init_app(app)
    return app


def with_app(func=None, *, writes: bool = True, needs_register: bool = True, web: bool = True):
    """Run the command inside an app context, with the CLI named as the actor in the audit trail.

    A command that changes the register (`writes`, the default) begins its SQLite transactions
    IMMEDIATE, so parallel writers queue on the busy timeout instead of failing; if the lock is still
    held when that runs out, the command says so and changes nothing. `needs_register=False` is for
    `init-db`: every other command first checks that a register exists where the settings point.
    `web=False` is for read-only commands that need no page, template or blueprint (`core_factory`).
    """
    if func is None:
        return lambda f: with_app(f, writes=writes, needs_register=needs_register, web=web)

    @wraps(func)
    def wrapper(*args, **kwargs):
        from fpp import cli as this
        from fpp.audit.operations import set_actor
        from fpp.extensions import write_intent
        try:
            app = this.app_factory() if web else this.core_factory()
        except ConfigError as exc:
            raise UserError(str(exc)) from None
        if needs_register:
            _require_register(app)
        with app.app_context(), write_intent(writes), _busy_is_a_message():
            set_actor(None, "cli")
            return func(*args, **kwargs)
    return wrapper


def _require_register(app) -> None:
    from fpp.migrate import is_initialised
    if not is_initialised(app.config["DATABASE_URL"]):
        where = app.config["DATA_DIR"]
        raise UserError(f"no register has been set up here (data folder {where}, database "
                        f"{_safe_url(app.config['DATABASE_URL'])}). Run `fpp init-db` to create one, or "
                        "set FPP_DATA_DIR / FPP_CONFIG to point at yours.")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)


@contextmanager
def _busy_is_a_message():
    from sqlalchemy.exc import OperationalError
    try:
        yield
    except OperationalError as exc:
        if "locked" not in str(exc.orig) and "busy" not in str(exc.orig):
            raise
        raise UserError("the register is busy: another command or user held the database for longer than "
                        "the 30-second wait. Nothing was changed; run the command again.") from None


def iso_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD", param_hint=option) from None


class YearParam(click.ParamType):
    """A financial year by its first calendar year (2025 for 2025/26), within checks.years' bounds."""

    name = "year"

    def convert(self, value, param, ctx) -> int:
        from checks.years import parse_year
        try:
            return parse_year(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


YEAR = YearParam()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """The Fit and Proper Persons register."""


@click.command("init-db")
@with_app(needs_register=False)
def init_db() -> None:
    """Create or upgrade the database schema (Alembic)."""
    from flask import current_app
    from fpp.migrate import upgrade
    upgrade(current_app.config["DATABASE_URL"])
    click.echo("Database is up to date.")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the web app (waitress, a production WSGI server)."""
    import waitress
    try:
        app = app_factory()
    except ConfigError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"The register is at http://{host}:{port}/")
    waitress.serve(app, host=host, port=port, threads=8, ident="fpp")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the register has no members yet.")
@with_app
def demo(if_empty: bool) -> None:
    """Load a realistic demo board (about 14 members, several years of history) and demo logins."""
    from fpp.demo import DEMO_PASSWORD, load_demo, register_is_empty, second_factor_help
    from fpp.extensions import db, settings
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
    for line in second_factor_help(settings()["security_mfa_required_roles"]):
        click.echo(line)


def _register_commands() -> None:
    for command in (init_db, demo, serve):
        cli.add_command(command)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(cli)


_register_commands()


def main() -> None:
    try:
        cli.main(prog_name="fpp", standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
