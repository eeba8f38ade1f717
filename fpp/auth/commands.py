"""`fpp create-user` and `fpp users ...`: accounts from the command line (CONTRACT.md). Every change is
audited with the actor "cli"; a refused change exits 1 with the reason and changes nothing."""
from __future__ import annotations

import sys
from typing import Callable

import click

from fpp.cli import UserError, iso_date, with_app

ROLE_NAMES = ["secretary", "chair", "sid", "member", "auditor"]


def register(cli: click.Group) -> None:
    cli.add_command(create_user)
    cli.add_command(users)


@click.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLE_NAMES))
@click.option("--member-id", help="The Member ID of the board member this account belongs to.")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input.")
@with_app
def create_user(email: str, role: str, member_id: str | None, password_stdin: bool) -> None:
    """Add an account; chair, sid and member accounts name the board member they are."""
    from fpp.auth.operations import create_user as create
    from fpp.extensions import db
    password = sys.stdin.readline().rstrip("\r\n")
    user = _domain(lambda: create(email, role, password, _member(member_id)))
    db.session.commit()
    click.echo(f"Created {user.role} account {user.email}.")


def _member(member_id: str | None):
    from fpp.people.queries import find_member_by_id
    if not member_id:
        return None
    member = find_member_by_id(member_id)
    if member is None:
        raise UserError(f"--member-id {member_id}: no board member has that Member ID")
    return member


def _domain(action: Callable):
    """Run an operation; a business-rule refusal becomes exit status 1 with its message."""
    from fpp.errors import DomainError
    try:
        return action()
    except DomainError as error:
        raise UserError(error.message) from None


def _account(email: str):
    from fpp.auth.accounts import account_by_email
    return _domain(lambda: account_by_email(email))


def _change(email: str, verb: Callable, done: str) -> None:
    """Apply one account verb to the account with `email`, commit, and say what was done."""
    from fpp.extensions import db
    user = _account(email)
    _domain(lambda: verb(user))
    db.session.commit()
    click.echo(done.format(email=user.email))


@click.group("users")
def users() -> None:
    """Accounts: list, invite, disable, enable, unlock, reset-mfa, set-role, set-until."""


@users.command("list")
@with_app(writes=False)
def list_users() -> None:
    """Every account: email, role, board member, whether it may sign in now, second factor."""
    from sqlalchemy import select

    from fpp.auth.models import User
    from fpp.extensions import db
    from fpp.timeutil import today, utcnow
    accounts = db.session.execute(select(User).order_by(User.email)).scalars().all()
    if not accounts:
        click.echo("No accounts yet.")
        return
    click.echo(f"{'EMAIL':<36} {'ROLE':<10} {'MEMBER':<10} {'2FA':<4} STATE")
    for user in accounts:
        click.echo(f"{user.email:<36} {user.role:<10} {(user.member.member_id if user.member else '-'):<10} "
                   f"{'yes' if user.totp_confirmed_at else 'no':<4} {_state(user, today(), utcnow())}")


def _state(user, day, now) -> str:
    refusal = user.refusal(day)
    words = [refusal.rstrip(".") if refusal else "active"]
    if user.locked_until and user.locked_until > now:
        words.append(f"locked until {user.locked_until:%Y-%m-%d %H:%M} UTC")
    if user.active_until and user.active_until >= day:
        words.append(f"ends on {user.active_until.isoformat()}")
    return "; ".join(words)


@users.command("invite")
@click.argument("email")
@click.option("--role", required=True, help="secretary, chair, sid, member or auditor.")
@click.option("--member-id", help="The Member ID of the board member (chair, sid and member accounts).")
@click.option("--until", "until", metavar="YYYY-MM-DD", help="The last day the account works (auditors).")
@with_app
def invite(email: str, role: str, member_id: str | None, until: str | None) -> None:
    """Create an account and e-mail its owner a single-use link to set their own password."""
    from fpp.auth import accounts
    from fpp.extensions import db, settings
    user = _domain(lambda: accounts.invite(email, role, _member(member_id), iso_date(until, "--until")))
    db.session.commit()
    click.echo(f"Invited {user.email} as {user.role}. The invitation is in the outbox (the scheduler or "
               f"`fpp outbox send` delivers it); its link works once, for "
               f"{settings()['security_invitation_days']} days.")


@users.command("disable")
@click.argument("email")
@with_app
def disable(email: str) -> None:
    """Stop the account signing in, and end every session of it."""
    from fpp.auth import accounts
    _change(email, accounts.disable, "Disabled {email}; every session of it has ended.")


@users.command("enable")
@click.argument("email")
@with_app
def enable(email: str) -> None:
    """Let a disabled account sign in again."""
    from fpp.auth import accounts
    _change(email, accounts.enable, "Enabled {email}.")


@users.command("unlock")
@click.argument("email")
@with_app
def unlock(email: str) -> None:
    """Lift a lockout after too many failed sign-ins."""
    from fpp.auth import accounts
    _change(email, accounts.unlock, "Unlocked {email}.")


@users.command("reset-mfa")
@click.argument("email")
@with_app
def reset_mfa(email: str) -> None:
    """Forget the account's second factor and recovery codes; it enrols again at its next sign-in."""
    from fpp.auth import accounts
    _change(email, accounts.reset_mfa, "Reset the second factor of {email}; every session of it has ended.")


@users.command("set-role")
@click.argument("email")
@click.argument("role")
@click.option("--member-id", help="The Member ID of the board member (chair, sid and member roles).")
@with_app
def set_role(email: str, role: str, member_id: str | None) -> None:
    """Give the account another role; every session of it ends."""
    from fpp.auth import accounts
    member = _member(member_id)
    _change(email, lambda user: accounts.set_role(user, role, member),
            f"{{email}} is now {role}; every session of it has ended.")


@users.command("set-until")
@click.argument("email")
@click.argument("until", metavar="DATE|never")
@with_app
def set_until(email: str, until: str) -> None:
    """Set the last day the account works (YYYY-MM-DD), or `never` to remove it."""
    from fpp.auth import accounts
    day = None if until.strip().lower() == "never" else iso_date(until, "DATE")
    _change(email, lambda user: accounts.set_until(user, day),
            f"{{email}} works until the end of {day.isoformat()}." if day else "{email} no longer has an end date.")
