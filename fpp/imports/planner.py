"""One planning run against the register, shared by the web pages and the CLI (reads, never writes)."""
from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from fpp.extensions import settings
from fpp.timeutil import today
from fpp.imports.tracker import (Answers, ColumnMapping, ImportPlan, ParsedTracker, Skip, TrackerError,
                                parse_target, plan_import, propose_mapping, read_tracker)
from fpp.imports.tracker.model import RENAME_PREFIX
from fpp.imports.guard import Deadline, Limits
from fpp.imports.models import TrackerPreset
from fpp.imports.queries import applies_rule, catalogue_pairs, codes, find_preset, known_members, known_records

TOML_POSITION = re.compile(r"at line \d+, column \d+|at end of document")


@dataclass(frozen=True)
class Prepared:
    """A tracker read afresh, the mapping used and the plan against the register as it is now."""

    tracker: ParsedTracker
    mapping: ColumnMapping
    plan: ImportPlan
    sha256: str


def load_preset(name: str) -> ColumnMapping:
    """The saved preset called ``name``: all the web pages accept, never a file.

    Raises TrackerError for an unknown name; the message repeats the name asked for, nothing else.
    """
    preset = find_preset(name)
    if preset is None:
        raise TrackerError(f"There is no saved preset called {name.strip()[:80]!r}")
    return _from_preset(preset)


def _from_preset(preset: TrackerPreset) -> ColumnMapping:
    return ColumnMapping.from_dict(json.loads(preset.mapping), codes(), source=f"preset {preset.name!r}")


def load_mapping(spec: str) -> ColumnMapping:
    """The mapping named by ``spec`` on the command line: a saved preset's name, else a TOML mapping
    file's path (the operator may name any file they can read).

    Raises TrackerError when it is neither, or when the file or preset is not a valid mapping; a
    message about a file says where it is wrong (line, column, entry number), never what it holds.
    """
    preset = find_preset(spec)
    if preset is not None:
        return _from_preset(preset)
    path = Path(spec)
    if not path.is_file():
        raise TrackerError("is neither a saved preset nor a mapping file", filename=spec)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise TrackerError(f"cannot be read ({error.strerror or error.__class__.__name__})", filename=spec) from None
    except UnicodeDecodeError:
        raise TrackerError("cannot be read (it is not UTF-8 text)", filename=spec) from None
    return _mapping_file(text, spec)


def _mapping_file(text: str, spec: str) -> ColumnMapping:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = TOML_POSITION.search(str(error))
        raise TrackerError(f"is not valid TOML{f' ({where.group()})' if where else ''}", filename=spec) from None
    try:
        return ColumnMapping.from_dict(data, codes(), source=spec)
    except TrackerError:
        raise TrackerError(_mapping_file_problem(data), filename=spec) from None


def _mapping_file_problem(data: dict) -> str:
    """What is wrong with a TOML document read as a mapping, by position only."""
    if set(data) - {"header_row", "sheet", "columns"}:
        return "is not a mapping file: a mapping holds only header_row, sheet and a [columns] table"
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        return "is not a mapping file: 'columns' must be a table of header = target"
    for number, target in enumerate(columns.values(), start=1):
        try:
            parse_target(target, codes())
        except TrackerError:
            return (f"entry {number} of [columns] is not a column target; use ignore, notes, member.<field>, "
                    "check.<code> or check.<code>.<qualifier>")
    return "is not a mapping file: 'header_row' must be a row number (1 or more)"


def prepare(data: bytes, filename: str, *, sheet: str | None = None, preset: ColumnMapping | None = None,
            answers: Answers | None = None, accept_renames: bool = False) -> Prepared:
    """Read ``data``, map its columns (``preset`` wins where it names a column) and plan the import.
    ``accept_renames`` answers yes to every "is this the same person?" question.

    Raises TrackerError for a file that cannot be read as a tracker.
    """
    header_row = preset.header_row if preset else None
    deadline = Deadline(settings()["imports_max_seconds"])  # reading and planning together (fpp.imports.guard)
    tracker = read_tracker(data, filename=filename, sheet=sheet or (preset.sheet if preset else None),
                           header_row=header_row, limits=Limits.from_settings(settings()), deadline=deadline)
    catalogue = catalogue_pairs()
    mapping = propose_mapping(tracker, catalogue, preset)
    as_of = today()
    plan = plan_import(tracker, mapping, catalogue, members=known_members(), records=known_records(),
                       applies=applies_rule(as_of, settings().rules), as_of=as_of, answers=answers,
                       accept_renames=accept_renames)
    deadline.check(lambda message: TrackerError(message, filename=filename))
    return Prepared(tracker, mapping, plan, hashlib.sha256(data).hexdigest())


WORKBOOK_SHEETS = ("members", "checks")


def is_contract_workbook(sheet_names: list[str]) -> bool:
    """True for the two-sheet workbook of CONTRACT.md "Import workbook" (sheets Members and Checks)."""
    names = {name.strip().casefold() for name in sheet_names}
    return all(sheet in names for sheet in WORKBOOK_SHEETS)


def prepare_workbook(path: Path, filename: str, *, answers: dict[str, str] | None = None,
                     accept_renames: bool = False) -> Prepared:
    """Read the contract workbook at ``path`` and plan it against the register, as `fpp import` does
    (`read_workbook`, `plan_workbook`), with the web's answers to the plan's questions.

    An answer is given by question key; a rename question (RENAME_PREFIX + Member ID) answered
    "skip" leaves that member's row and records out. Raises TrackerError for an unreadable file.
    """
    from fpp.imports.workbook import WorkbookError, plan_workbook, read_workbook
    try:
        parsed = read_workbook(path, Limits.from_settings(settings()), find=settings().rules.find)
        plan = plan_workbook(parsed, filename, known_members(), known_records(), as_of=today())
    except WorkbookError as error:
        raise TrackerError(str(error).replace(str(path), filename)) from None
    plan = answer_questions(plan, answers or {}, accept_renames)
    tracker = ParsedTracker(filename, None, 1, [], [])
    return Prepared(tracker, ColumnMapping(), plan, hashlib.sha256(Path(path).read_bytes()).hexdigest())


def answer_questions(plan: ImportPlan, answers: dict[str, str], accept_renames: bool = False) -> ImportPlan:
    """The plan with each question answered from ``answers`` (by key): "yes" or "skip" for a rename
    (``accept_renames`` says yes to each unanswered one); "skip" drops that member's actions."""
    questions, skipped = [], set()
    for question in plan.questions:
        answer = (answers.get(question.key) or "").strip().casefold() or None
        if answer is None and accept_renames and question.key.startswith(RENAME_PREFIX):
            answer = "yes"
        if question.key.startswith(RENAME_PREFIX) and answer not in (None, "yes", "skip"):
            answer = None
        if answer == "skip" and question.key.startswith(RENAME_PREFIX):
            skipped.add(question.key[len(RENAME_PREFIX):])
        questions.append(replace(question, answer=answer) if answer is not None else question)
    members = [member if member.member_id not in skipped else
               replace(member, actions=[Skip("row skipped: not the same person (answered)", f"row {member.row}")])
               for member in plan.members]
    return replace(plan, members=members, questions=questions)
