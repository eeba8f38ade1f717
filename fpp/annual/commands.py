"""`fpp declaration show --year Y`: the annual declaration's state and hash."""
from __future__ import annotations

import click

from fpp.cli import YEAR, with_app


def register(cli: click.Group) -> None:
    cli.add_command(declaration)


@click.group("declaration")
def declaration() -> None:
    """The annual declaration."""


@declaration.command("show")
@click.option("--year", required=True, type=YEAR,
              help="The year starting 1 April YEAR (2025 means 2025/26).")
@with_app
def show(year: int) -> None:
    """Print the declaration's state (unsigned, signed or stale with the changes) and its hash."""
    from checks.years import year_label
    from fpp.annual.declaration import declaration_state
    state = declaration_state(year)
    label, latest = year_label(year), state.latest
    if latest is None:
        click.echo(f"Declaration {label}: unsigned")
        click.echo(f"Hash of the content now: {state.content_hash}")
        return
    signed = f"signed v{latest.version} by {latest.signed_by_name} on {latest.signed_on.isoformat()}"
    if not state.is_stale:
        click.echo(f"Declaration {label}: {signed}")
        click.echo(f"Hash: {latest.content_hash}")
        return
    click.echo(f"Declaration {label}: stale ({signed}); {len(state.changes)} change(s) since:")
    for change in state.changes:
        click.echo(f"  - {change}")
    click.echo(f"Signed hash: {latest.content_hash}")
    click.echo(f"Hash now:    {state.content_hash}")
