"""`fpp export`: workbooks and packs written from the register. Each feature adds its subcommand here."""
from __future__ import annotations

import click

from fpp.cli import UserError, iso_date, with_app

export = click.Group("export", help="Write workbooks and packs from the register.")


def register(cli: click.Group) -> None:
    cli.add_command(export)


@export.command("tracker")
@click.option("--as-of", "as_of", required=True, help="The date of the statuses (YYYY-MM-DD).")
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="The .xlsx file to write.")
@with_app
def tracker(as_of: str, output: str) -> None:
    """The register as a one-row-per-member tracker (.xlsx)."""
    from exports.tracker import write_tracker
    from fpp.app import settings
    from fpp.trackerweb.export import tracker_export
    day = iso_date(as_of, "--as-of")
    data = tracker_export(day, settings().rules, settings()["organisation_name"])
    try:
        write_tracker(data, output)
    except OSError as error:
        raise UserError(f"{output}: cannot be written ({error.strerror or error})") from None
    click.echo(f"Wrote the tracker of {len(data.members)} members as of {day:%d/%m/%Y} to {output}.")
