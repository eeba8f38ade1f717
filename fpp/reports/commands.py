"""`fpp export`: workbooks and packs written from the register. Each feature adds its subcommand here."""
from __future__ import annotations

import click

from checks.years import year_label
from fpp.cli import YEAR, UserError, iso_date, with_app

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
    from fpp.extensions import settings
    from fpp.reports.tracker import tracker_export
    day = iso_date(as_of, "--as-of")
    data = tracker_export(day, settings().rules, settings()["organisation_name"])
    try:
        write_tracker(data, output)
    except OSError as error:
        raise UserError(f"{output}: cannot be written ({error.strerror or error})") from None
    click.echo(f"Wrote the tracker of {len(data.members)} members as of {day:%d/%m/%Y} to {output}.")


def _writable(output: str, write) -> None:
    try:
        write(output)
    except OSError as error:
        raise UserError(f"{output}: cannot be written ({error.strerror or error})") from None


@export.command("declaration")
@click.option("--year", required=True, type=YEAR, help="The NHS year by its first calendar year (2025 = 2025/26).")
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="The .xlsx file to write.")
@with_app
def declaration(year: int, output: str) -> None:
    """The annual board-level declaration workbook for the year starting 1 April YEAR."""
    from fpp.extensions import db
    from fpp.reports.operations import record_export, write_declaration
    _writable(output, lambda path: write_declaration(year, path))
    record_export("declaration", year, output=output)
    db.session.commit()
    click.echo(f"Wrote the declaration workbook for {year_label(year)} to {output}.")


@export.command("pack")
@click.option("--year", required=True, type=YEAR, help="The NHS year by its first calendar year (2025 = 2025/26).")
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="The .zip file to write.")
@with_app
def pack(year: int, output: str) -> None:
    """The auditor's evidence pack: workbook, evidence files, manifest, audit trail, README."""
    from pathlib import Path

    from exports import PackError
    from fpp.extensions import db
    from fpp.reports.operations import record_export, write_pack
    counted = {}
    try:
        _writable(output, lambda path: counted.setdefault("files", write_pack(year, path)))
    except PackError as error:
        Path(output).unlink(missing_ok=True)
        raise UserError(f"{output}: not written: {error}") from None
    record_export("pack", year, output=output, files=counted["files"])
    db.session.commit()
    click.echo(f"Wrote the evidence pack for {year_label(year)} ({counted['files']} evidence files) "
               f"to {output}.")


@export.command("run-packs")
@with_app
def run_packs() -> None:
    """Build the evidence packs asked for on the web, now (the scheduler does this every minute)."""
    from fpp.extensions import settings
    from fpp.reports.tasks import run_pack_jobs
    result = run_pack_jobs(settings())
    for job_id, reason in result.failed:
        click.echo(f"Evidence pack {job_id}: not built: {reason}", err=True)
    click.echo(f"Evidence packs: {len(result.built)} built, {len(result.failed)} failed, "
               f"{len(result.deleted)} expired and deleted.")
    if result.failed:
        raise UserError(f"{len(result.failed)} evidence pack(s) could not be built; see above.")


@export.command("verify-pack")
@click.argument("path", type=click.Path(dir_okay=False))
def verify_pack(path: str) -> None:
    """Re-hash every file of an evidence pack against its manifest; exit 1 naming each mismatch."""
    from exports import PackError
    from exports import verify_pack as verify
    try:
        result = verify(path)
    except PackError as error:
        raise UserError(str(error)) from None
    if not result.ok:
        for line in result.lines():
            click.echo(line, err=True)
        raise UserError(f"{path}: {len(result.problems)} file(s) do not match the manifest.")
    click.echo(f"{path}: all {result.checked} files match the manifest; {result.audit}")


@export.command("member")
@click.option("--member-id", "member_id", required=True, help="The member's Member ID (e.g. the ESR number).")
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="The .zip file to write.")
@with_app
def member(member_id: str, output: str) -> None:
    """Everything held about one member (a subject access request): summary.html, data.json, evidence."""
    from pathlib import Path

    from fpp.audit import operations as audit
    from fpp.extensions import db
    from fpp.people.queries import find_member_by_id
    from fpp.reports.subject_access import write_subject_access
    found = find_member_by_id(member_id.strip())
    if found is None:
        raise UserError(f"--member-id: no board member has the Member ID {member_id!r}; nothing was written.")
    counted = {}
    try:
        _writable(output, lambda path: counted.setdefault("files", write_subject_access(found, path, "fpp (command line)")))
    except UserError:
        Path(output).unlink(missing_ok=True)
        raise
    audit.record("member.subject_access", "members", found.id, member_pk=found.id,
                 after={"output": output, "evidence_files": counted["files"]})
    db.session.commit()
    click.echo(f"Wrote everything held about {found.member_id} ({counted['files']} evidence files) to {output}.")
