"""`fpp retention purge [--as-of DATE] [--dry-run]` (CONTRACT.md): what has passed its retention date."""
from __future__ import annotations

import click

from fpp.cli import UserError, iso_date, with_app


def register(cli: click.Group) -> None:
    cli.add_command(retention)


@click.group("retention")
def retention() -> None:
    """Retention of leavers' data (FPPT.md section 7)."""


@retention.command("purge")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Judge retention on this day (default today; "
              "a day after today only with --dry-run).")
@click.option("--dry-run", is_flag=True, help="Say who and what would be purged; change nothing.")
@with_app(writes=True)
def purge(as_of: str | None, dry_run: bool) -> None:
    """Purge the leavers past their retention date, and evidence files past their own; print what went."""
    from fpp.extensions import settings
    from fpp.retention.tasks import run_purge
    from fpp.timeutil import today
    day = iso_date(as_of, "--as-of") or today()
    if day > today() and not dry_run:
        raise UserError(f"--as-of {day.isoformat()} is after today: a purge never runs ahead of time "
                        "(use --dry-run to see what would go then). Nothing was changed.")
    run = run_purge(day, settings(), dry_run=dry_run)
    if dry_run:
        _print_plan(run)
        return
    _print_done(run)
    problems = [f"{member_id} was not purged ({why}); nothing of it was changed" for member_id, why in run.failed]
    problems += [f"could not delete the {what} of {member_id} ({why}): delete it by hand"
                 for member_id, what, why in run.files_left]
    if run.checkpoint_error:
        problems.append(f"no audit checkpoint was written after the purge ({run.checkpoint_error}); "
                        "run `fpp audit checkpoint` once it is fixed")
    if problems:
        raise UserError("; ".join(problems) + ". Everything else listed above was purged.")


def _print_plan(run) -> None:
    click.echo(f"Dry run as of {run.as_of.isoformat()}: nothing was changed.")
    click.echo(f"Would purge {_count(len(run.members), 'member')}" + (":" if run.members else "."))
    for planned in run.members:
        click.echo(f"  {planned.member_id}  due {planned.purge_on.isoformat()} ({planned.reason})")
    click.echo(f"Would remove {_count(len(run.evidence), 'evidence file')} past their own retention"
               + (":" if run.evidence else "."))
    for item in run.evidence:
        click.echo(f"  {item.member_id}  {item.check}  due {item.removal_on.isoformat()}  SHA-256 {item.sha256}")


def _print_done(run) -> None:
    click.echo(f"Retention purge as of {run.as_of.isoformat()}: {_count(len(run.purged), 'member')} purged"
               + (":" if run.purged else "."))
    reasons = {planned.member_id: planned.reason for planned in run.members}
    for removed in run.purged:
        log = removed.log
        reason = reasons.get(log.member_id, log.reason)
        click.echo(f"  {log.member_id}  due {log.purge_on.isoformat()} ({reason}); now named \"{log.pseudonym}\"; "
                   f"rows removed or redacted: {_counts(removed.counts)}")
    if run.evidence_removed:
        click.echo("Evidence files removed past their own retention:")
        for removed in run.evidence_removed:
            checks = ", ".join(sorted({f["check"] for f in removed.files}))
            click.echo(f"  {removed.log.member_id}  {_count(len(removed.files), 'file')} ({checks})")
    if run.checkpoint:
        click.echo(f"Signed audit checkpoint written: the trail's head is {run.checkpoint}")


def _counts(counts: dict[str, int]) -> str:
    shown = [f"{name.replace('_', ' ')} {n}" for name, n in counts.items() if n]
    return ", ".join(shown) or "nothing"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")

