"""`fpp reminders run`, `fpp outbox send` and `fpp scheduler` (CONTRACT.md)."""
from __future__ import annotations

import click

from fpp.cli import UserError, iso_date, with_app


def register(cli: click.Group) -> None:
    for command in (reminders, outbox, scheduler):
        cli.add_command(command)


def _settings():
    from fpp.extensions import settings
    from fpp.config import ConfigError
    from fpp.reminders.policy import reminder_policy
    try:
        reminder_policy(settings())
    except ConfigError as exc:
        raise UserError(str(exc)) from None
    return settings()


@click.group("reminders")
def reminders() -> None:
    """Reminders of expiring and missing checks and of the annual cycle."""


@reminders.command("run")
@click.option("--as-of", "as_of", help="Run the policy as of this date (YYYY-MM-DD); default today.")
@with_app
def reminders_run(as_of: str | None) -> None:
    """One pass of the reminder policy: queues what is due, once."""
    from fpp.reminders.tasks import reminder_job
    from fpp.timeutil import today
    day = iso_date(as_of, "--as-of") or today()
    result = reminder_job(day, _settings())
    looked = "every member" if result.candidates is None else f"{result.candidates} candidate member(s)"
    click.echo(f"Reminders as of {day.isoformat()}: looked at {looked}; queued {len(result.queued)} "
               f"reminder(s), {result.messages} message(s).")


@click.group("outbox")
def outbox() -> None:
    """The mail outbox."""


@outbox.command("send")
@click.option("--retry-now", is_flag=True, help="Also retry failed and waiting messages at once.")
@with_app
def outbox_send(retry_now: bool) -> None:
    """Deliver queued mail."""
    from fpp.reminders.tasks import send_outbox
    result = send_outbox(_settings(), retry_now=retry_now)
    for error in result.errors:
        click.echo(f"Not delivered: {error}", err=True)
    click.echo(f"Outbox: {result.sent} sent, {result.failed} failed (will be retried or shown as failed), "
               f"{result.cancelled} cancelled (no longer apply).")


@click.command("scheduler")
@click.option("--once", is_flag=True, hidden=True, help="Take the lock, run both jobs once, and stop.")
def scheduler(once: bool) -> None:
    """The long-running scheduler: the reminder pass daily, the sender every minute; one at a time."""
    from fpp import cli as this
    from fpp.config import ConfigError
    from fpp.reminders.scheduler import run_scheduler
    try:
        app = this.app_factory()
        with app.app_context():
            _settings()
    except ConfigError as exc:
        raise UserError(str(exc)) from None
    run_scheduler(app, once=once)
