"""`fpp status`: every member's status on a date."""
from __future__ import annotations

import click

from fpp.cli import iso_date, with_app


def register(cli: click.Group) -> None:
    cli.add_command(status)


@click.command("status")
@click.option("--as-of", "as_of", help="The date to report on (YYYY-MM-DD); default today.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@with_app(writes=False, web=False)  # reads only, and needs no page: start-up is most of its time
def status(as_of: str | None, fmt: str) -> None:
    """The status of every member on a date."""
    from fpp.extensions import settings
    from fpp.register.queries import board, collector_paused
    from fpp.register.status_output import status_json, status_json_text, status_table
    from fpp.timeutil import today
    day = iso_date(as_of, "--as-of") or today()
    # One large heap without cycles (every record, status and JSON object): the cyclic collector would
    # rescan it again and again, a third of the command's time.
    with collector_paused():
        rows = board(day, settings().rules).rows
        text = status_json_text(status_json(rows, day)) if fmt == "json" else status_table(rows, day)
    click.echo(text)
