"""`fpp audit verify`: the audit trail from the command line."""
from __future__ import annotations

import click

from fpp.cli import UserError, with_app


def register(cli: click.Group) -> None:
    cli.add_command(audit)


@click.group("audit")
def audit() -> None:
    """The audit trail."""


@audit.command("verify")
@with_app(writes=False)
def audit_verify() -> None:
    """Check the audit trail's hash chain; exit 1 naming the first broken entry."""
    from fpp.audit.queries import verify_chain
    result = verify_chain()
    if not result.ok:
        raise UserError(f"audit entry {result.broken_id} does not verify: {result.reason} "
                        f"({result.checked} entries checked).")
    click.echo(f"Audit trail intact: {result.checked} entries verified.")
