"""`fpp create-user`: an account from the command line."""
from __future__ import annotations

import sys

import click

from fpp.cli import UserError, with_app


def register(cli: click.Group) -> None:
    cli.add_command(create_user)


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
    from fpp.people.queries import find_member_by_id
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
