"""`fpp import` (the contract workbook) and `fpp import-tracker`: imports from the command line, all or nothing."""
from __future__ import annotations

from pathlib import Path

import click

from fpp.cli import UserError, with_app


def register(cli: click.Group) -> None:
    cli.add_command(import_workbook)
    cli.add_command(import_tracker)


@click.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what would change, change nothing.")
@click.option("--accept-renames", is_flag=True,
              help="Answer yes to every \"Is this the same person?\" (a changed name or date of birth).")
@with_app
def import_workbook(path: str, dry_run: bool, accept_renames: bool) -> None:
    """Import members and check records from a workbook (all or nothing; re-importing changes nothing)."""
    import hashlib

    from fpp.extensions import db, settings
    from fpp.imports.guard import Limits
    from fpp.imports.operations import apply_plan
    from fpp.imports.queries import known_members, known_records
    from fpp.imports.workbook import WorkbookError, plan_workbook, read_workbook, update_lines
    from fpp.timeutil import today
    try:
        parsed = read_workbook(path, Limits.from_settings(settings()), find=settings().rules.find)
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        plan = plan_workbook(parsed, Path(path).name, known_members(), known_records(), as_of=today(),
                             accept_renames=accept_renames)
    except WorkbookError as exc:
        raise UserError(str(exc)) from None
    result = apply_plan(plan, filename=Path(path).name, sha256=digest, audit_action="import.workbook")
    if not result.ok:
        db.session.rollback()
        for problem in result.problems:
            click.echo(f"{path}: {problem.cell}: {problem.message}", err=True)
        renames = " Give --accept-renames if they are the same people." if plan.questions and any(
            q.is_blocking for q in plan.questions) else ""
        raise UserError(f"{len(result.problems)} problem(s) found; nothing was imported.{renames}")
    if dry_run:
        db.session.rollback()
        for line in update_lines(plan):
            click.echo(line)
        click.echo(f"Dry run, nothing changed. Would import {result.summary()}.")
    else:
        db.session.commit()
        click.echo(f"Imported {result.summary()}.")


@click.command("import-tracker")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--sheet", help="The sheet to read (default: the one Excel opens on).")
@click.option("--mapping", "mapping_spec", metavar="PRESET_OR_FILE",
              help="A saved preset's name or a TOML mapping file (as this command prints it).")
@click.option("--answers", "answers_path", type=click.Path(dir_okay=False),
              help="A TOML file answering the preview's questions: KEY = answer.")
@click.option("--dry-run", is_flag=True, help="Print the mapping and the preview; change nothing.")
@click.option("--accept-renames", is_flag=True,
              help="Answer yes to every \"is this the same person?\" (a changed name or date of birth).")
@with_app
def import_tracker(path: str, sheet: str | None, mapping_spec: str | None, answers_path: str | None,
                   dry_run: bool, accept_renames: bool) -> None:
    """Import a tracker as secretaries keep them: one row per member, one column per check."""
    from fpp.imports.tracker import render_preview
    prepared = _prepare(path, sheet, mapping_spec, answers_path, accept_renames)
    plan = prepared.plan
    click.echo("# The mapping used: save it to a file and reuse it with --mapping FILE")
    click.echo(prepared.mapping.to_toml())
    click.echo(render_preview(plan))
    if not plan.is_ready:
        blocking = sum(q.is_blocking for q in plan.questions)
        raise UserError(f"{path}: nothing imported: {len(plan.problems)} problem(s) and {blocking} "
                        "unanswered question(s); answer them with --answers FILE (keys above).")
    if dry_run:
        click.echo("Dry run: nothing changed. The plan is ready to import.")
        return
    _apply(path, prepared)


def _prepare(path: str, sheet: str | None, mapping_spec: str | None, answers_path: str | None,
             accept_renames: bool = False):
    from fpp.imports.tracker import Answers, TrackerError
    from fpp.imports.planner import load_mapping, prepare
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise UserError(f"{path}: cannot be opened ({error.strerror or error})") from None
    try:
        preset = load_mapping(mapping_spec) if mapping_spec else None
        answers = Answers.from_file(answers_path) if answers_path else None
        return prepare(data, path, sheet=sheet, preset=preset, answers=answers, accept_renames=accept_renames)
    except TrackerError as error:
        raise UserError(str(error)) from None


def _apply(path: str, prepared) -> None:
    from fpp.extensions import db
    from fpp.imports.operations import apply_plan
    result = apply_plan(prepared.plan, filename=Path(path).name, sha256=prepared.sha256)
    if not result.ok:
        db.session.rollback()
        for problem in result.problems:
            click.echo(f"{path}: {problem.cell}: {problem.message}", err=True)
        raise UserError(f"{path}: {len(result.problems)} problem(s) found; nothing was imported.")
    db.session.commit()
    if result.changed:
        click.echo(f"Imported {result.summary()}.")
    else:
        click.echo("Nothing to change: the register already holds everything in this tracker.")
