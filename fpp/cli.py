"""The `fpp` command line (CONTRACT.md): exit 0 on success, 1 on a user error, 2 on wrong usage."""
from __future__ import annotations

import importlib
import sys
from datetime import date
from functools import wraps

import click

from fpp.config import ConfigError

# Features add their commands here: each module has `register(cli)`.
COMMAND_MODULES = (
    "fpp.commands.core",
    "fpp.trackerweb.commands",
    "fpp.commands.export",
    "fpp.reminders.commands",
    "fpp.annual.commands",
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


def with_app(func):
    """Run the command inside an app context, with the CLI named as the actor in the audit trail."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        from fpp import cli as this
        from fpp.audit.operations import set_actor
        try:
            app = this.app_factory()
        except ConfigError as exc:
            raise UserError(str(exc)) from None
        with app.app_context():
            set_actor(None, "cli")
            return func(*args, **kwargs)
    return wrapper


def iso_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD", param_hint=option) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """The Fit and Proper Persons register."""


def _register_commands() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(cli)


_register_commands()


def main() -> None:
    try:
        cli.main(prog_name="fpp", standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
