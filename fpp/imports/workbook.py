"""Reading the import workbook of CONTRACT.md ("Import workbook") into plain rows, collecting every problem.

Pure: openpyxl in, dataclasses out; no Flask, no database. Every problem names sheet, row and column.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from checks import OUTCOMES, find_check
from checks.people import POSITION_LABEL_LIST, default_is_executive, find_position
from checks.records import DBS_LEVELS, NOT_RECORDED, missing_facts
from checks.text import control_character_problem
from fpp.imports.guard import (NO_SAVED_VALUE, Deadline, Limits, Opened, StreamedSheet, WorkbookRefused,
                               formula_message, open_workbook)
from fpp.imports.tracker.preview import describe
from fpp.imports.tracker.model import (RENAME_PREFIX, CreateCheckRecord, CreateMember, ImportPlan, KnownMember,
                                      KnownRecord, MemberPlan, Notice, Question, UpdateCheckRecord, UpdateMember)
from fpp.imports.tracker.model import Problem as PlanProblem

MEMBER_COLUMNS = {  # header as CONTRACT.md writes it -> (field, required)
    "Member ID": ("member_id", True), "Name": ("name", True), "Email": ("email", False),
    "Position": ("position", True), "Role title": ("role_title", False), "Voting": ("is_voting", False),
    "Interim": ("is_interim", False), "Executive": ("is_executive", False),
    "Professional registration": ("professional_registration", False),
    "Date of birth": ("date_of_birth", False), "Start date": ("start_on", True), "End date": ("end_on", False),
}
CHECK_COLUMNS = {
    "Member ID": ("member_id", True), "Check": ("code", True), "Completed on": ("completed_on", True),
    "Outcome": ("outcome", False), "Reference": ("reference", False), "DBS level": ("dbs_level", False),
    "Notes": ("notes", False), "Searched name": ("searched_name", False),
    "Searched date of birth": ("searched_dob", False), "Searched by": ("searched_by", False),
    "Expires on": ("expires_on", False),
}
CheckFinder = Callable[[str], Any]  # text -> the catalogue's check type (code or label), or None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the workbook, located as precisely as possible."""

    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [p for p in (self.sheet and f"sheet {self.sheet}", self.row and f"row {self.row}",
                             self.column and f"column {self.column}") if p]
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class Row:
    """A data row: its sheet row number and its values (only the cells that were given)."""

    number: int
    values: dict[str, Any]
    cells: dict[str, str] = field(default_factory=dict)  # field -> "C5"


@dataclass
class ParsedWorkbook:
    members: list[Row]
    checks: list[Row]
    problems: list[Problem]
    deadline: Deadline | None = None  # the import's time limit, carried on into planning


class WorkbookError(Exception):
    """The file cannot be read as a workbook at all."""


def read_workbook(path: str | Path, limits: Limits | None = None, deadline: Deadline | None = None,
                  find: CheckFinder = find_check) -> ParsedWorkbook:
    """Parse both sheets; problems are collected, never raised (except for an unreadable or refused file).

    The file passes `fpp.imports.guard` first (``limits``, default the `[imports]` defaults), and is read
    row by row within them; ``deadline`` bounds reading and then planning (`plan_workbook`). ``find`` names
    a Checks row's check by code or label in the register's catalogue (`Rules.find`: local checks too).
    """
    path = Path(path)
    limits = limits or Limits()
    deadline = deadline or Deadline(limits.max_seconds)
    if not path.is_file():
        raise WorkbookError(f"{path}: no such file")
    if not _starts_as_zip(path):
        raise WorkbookError(f"{path}: not a readable .xlsx workbook (it is not a zip archive)")
    try:
        with open_workbook(path, limits, deadline) as opened:
            problems: list[Problem] = []
            sheets = {name.strip().casefold(): name for name in opened.book.sheetnames}
            members = _read_sheet(opened, sheets, "Members", MEMBER_COLUMNS, _member_row, problems)
            checks = _read_sheet(opened, sheets, "Checks", CHECK_COLUMNS,
                                 lambda row, raw, report: _check_row(row, raw, report, find), problems)
    except WorkbookRefused as exc:
        raise WorkbookError(f"{path}: {exc}") from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise WorkbookError(f"{path}: not a readable .xlsx workbook ({exc.__class__.__name__})") from None
    _duplicates(members, "Members", lambda r: r.values.get("member_id"), "Member ID", problems,
                "appears more than once")
    _duplicates(checks, "Checks", _check_key, None, problems, "is the same as an earlier row")
    return ParsedWorkbook(members, checks, problems, deadline)


def _starts_as_zip(path: Path) -> bool:
    try:
        with path.open("rb") as stream:
            return stream.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _read_sheet(opened: Opened, sheets, title, columns, convert, problems) -> list[Row]:
    name = sheets.get(title.casefold())
    if name is None:
        problems.append(Problem(title, None, None, f"the workbook has no sheet named {title!r}"))
        return []
    rows = StreamedSheet(opened, opened.book[name]).rows()
    first = next(rows, None)
    header = dict(first[1]) if first and first[0] == 1 else {}
    by_key = {h.casefold(): spec for h, spec in columns.items()}
    positions = {}
    for column, cell in sorted(header.items()):
        key = str(cell).strip().casefold() if isinstance(cell, (str, int, float)) else ""
        if key in by_key:
            positions[by_key[key][0]] = column
    missing = [h for h, (f, required) in columns.items() if required and f not in positions]
    for header_name in missing:
        problems.append(Problem(title, 1, None, f"the header row has no column {header_name!r}"))
    if missing:
        return []
    labels = {f: h for h, (f, _) in columns.items()}
    result = []
    body = rows if first is None or first[0] == 1 else _chain(first, rows)
    for number, cells in body:
        values = dict(cells)
        if all(_blank(values.get(i)) for i in positions.values()) and all(_blank(v) for v in values.values()):
            continue
        raw = {f: values.get(i) for f, i in positions.items()}
        refs = {f: f"{get_column_letter(i)}{number}" for f, i in positions.items()}
        row = Row(number, {}, refs)
        for f in [f for f, v in raw.items() if v is NO_SAVED_VALUE]:
            problems.append(Problem(title, number, f"{labels[f]} ({refs[f]})", formula_message(title, refs[f])))
        convert(row, raw, lambda f, msg, n=number, r=refs: problems.append(
            Problem(title, n, f"{labels[f]} ({r[f]})" if f in r else labels[f], msg)))
        result.append(row)
    return result


def _chain(first, rest):
    yield first
    yield from rest


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str | None:
    """Trimmed text; whole-number cells become their digits (30145566, never 30145566.0)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        value = value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    text = str(value).strip()
    return text or None


def _line(value: Any) -> str | None:
    """Trimmed text that must stay on one line: a control character or line break is a problem."""
    text = _text(value)
    problem = control_character_problem(text)
    if problem:
        raise ValueError(problem)
    return text


def _notes(value: Any) -> str | None:
    """Trimmed text that may hold line breaks, but no other control character."""
    text = _text(value)
    problem = control_character_problem(text, multiline=True)
    if problem:
        raise ValueError(problem)
    return text


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _line(value)
    try:
        if text and len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a date: use an Excel date or YYYY-MM-DD")


def _yes_no(value: Any) -> bool:
    text = (_line(value) or "").casefold()
    if text in {"yes", "y", "true"}:
        return True
    if text in {"no", "n", "false"}:
        return False
    raise ValueError(f"{_text(value)!r} is not Yes or No")


def _convert(row: Row, raw: dict, name: str, parse: Callable[[Any], Any], report, required=False) -> None:
    if raw.get(name) is NO_SAVED_VALUE:  # named by _read_sheet, with its cell
        return
    if _text(raw.get(name)) is None:
        if required:
            report(name, "is required")
        return
    try:
        row.values[name] = parse(raw[name])
    except ValueError as exc:
        report(name, str(exc))


def _member_row(row: Row, raw: dict, report) -> None:
    for name in ("member_id", "name"):
        _convert(row, raw, name, _line, report, required=True)
    for name in ("email", "role_title", "professional_registration"):
        _convert(row, raw, name, _line, report)
    _convert(row, raw, "position", _position, report, required=True)
    for name in ("is_voting", "is_interim", "is_executive"):
        _convert(row, raw, name, _yes_no, report)
    _convert(row, raw, "start_on", _date, report, required=True)
    _convert(row, raw, "end_on", _date, report)
    _convert(row, raw, "date_of_birth", _date, report)
    start, end = row.values.get("start_on"), row.values.get("end_on")
    if start and end and end < start:
        report("end_on", f"the end date {end:%d/%m/%Y} is before the start date {start:%d/%m/%Y}")


def _position(value: Any) -> str:
    code = find_position(_line(value) or "")
    if code is None:
        raise ValueError(f"{_text(value)!r} is not a position: use {POSITION_LABEL_LIST}")
    return code


def _check_code(find: CheckFinder) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        check = find(_line(value) or "")
        if check is None:
            raise ValueError(f"{_text(value)!r} is not a check code or name (see FPPT.md section 3 and the "
                             "register's own checks)")
        return check.code
    return parse


def _choice(allowed: tuple[str, ...], what: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = (_line(value) or "").casefold()
        if text not in allowed:
            raise ValueError(f"{_text(value)!r} is not {what}: use {', '.join(allowed)}")
        return text
    return parse


def _check_row(row: Row, raw: dict, report, find: CheckFinder = find_check) -> None:
    _convert(row, raw, "member_id", _line, report, required=True)
    _convert(row, raw, "code", _check_code(find), report, required=True)
    _convert(row, raw, "completed_on", _date, report, required=True)
    _convert(row, raw, "outcome", _choice(OUTCOMES, "an outcome"), report)
    _convert(row, raw, "dbs_level", _choice(DBS_LEVELS, "a DBS level"), report)
    _convert(row, raw, "reference", _line, report)
    _convert(row, raw, "notes", _notes, report)
    _convert(row, raw, "searched_name", _line, report)
    _convert(row, raw, "searched_dob", _date, report)
    _convert(row, raw, "searched_by", _line, report)
    _convert(row, raw, "expires_on", _date, report)
    row.values.setdefault("outcome", "clear")
    code = row.values.get("code")
    check = find(code) if code else None
    if check is not None and check.expiry_per_record:
        if "expires_on" not in row.values and row.values["outcome"] != "not_applicable" \
                and _text(raw.get("expires_on")) is None:
            report("expires_on", f"is required for {check.label}: the expiry date stated on its document")
        elif row.values.get("expires_on") and row.values["expires_on"] < row.values.get("completed_on", date.min):
            report("expires_on", "is before the date the check was completed")
    elif check is not None and "expires_on" in row.values:
        report("expires_on", f"belongs only on a check whose document states its own expiry ({check.label} "
               "lasts a set time)")
    if code == "dbs" and "dbs_level" not in row.values and row.values["outcome"] != "not_applicable" \
            and _text(raw.get("dbs_level")) is None:
        report("dbs_level", "is required for a dbs check")
    if code and code != "dbs" and "dbs_level" in row.values:
        report("dbs_level", "belongs only on a dbs check")


def _check_key(row: Row):
    v = row.values
    return (v.get("member_id"), v.get("code"), v.get("completed_on"), v.get("outcome")) if v.get("code") else None


def _duplicates(rows, sheet, key, column, problems, message) -> None:
    seen: dict[Any, int] = {}
    for row in rows:
        value = key(row)
        if value is None:
            continue
        if value in seen:
            problems.append(Problem(sheet, row.number, column, f"{message} (row {seen[value]})"
                                    if column is None else f"{value!r} {message} (first on row {seen[value]})"))
        else:
            seen[value] = row.number


def member_defaults(values: dict[str, Any]) -> dict[str, Any]:
    """Defaults for a new member's blank optional cells (CONTRACT.md)."""
    values = dict(values)
    values.setdefault("is_voting", True)
    values.setdefault("is_interim", False)
    if "is_executive" not in values:
        values["is_executive"] = default_is_executive(values.get("position", ""))
    return values


# The register's words for a member's fields, as the import plan names them (KnownMember, CreateMember).
_PLAN_NAMES = {"is_voting": "voting", "is_interim": "interim", "is_executive": "executive"}


def plan_workbook(parsed: ParsedWorkbook, filename: str, members: list[KnownMember],
                  records: list[KnownRecord], *, as_of: date | None = None,
                  accept_renames: bool = False) -> ImportPlan:
    """The workbook as an import plan against the register (`members`, `records`): the same plan a
    tracker gives, so one applier writes both. Members are matched by Member ID and their given cells
    update them (a blank optional cell keeps the stored value); a check record that the register
    already holds with the same identity changes nothing, unless its Reference or Notes changed.

    Every update carries the values it replaces (``before``). An update of a name, or of a date of birth
    the register holds, asks "Is this the same person?" (key RENAME_PREFIX + Member ID), which blocks the
    plan until it is answered (`fpp.imports.planner.answer_questions`), or ``accept_renames`` answers
    yes for all. The plan runs what applying checks (dates in the future as of ``as_of``, an end
    before the start, duplicates), so a ready plan applies; records lacking facts FPPT.md requires are
    notices (they are imported, and pages say "not recorded").
    """
    problems = [PlanProblem(_where(p.sheet, p.row, p.column), p.message) for p in parsed.problems]
    if problems:  # the rows are incomplete: nothing to plan until the workbook reads cleanly
        return ImportPlan(filename, None, 1, {}, [], [], problems, [])
    try:
        return _plan(parsed, filename, members, records, as_of, accept_renames, problems)
    except WorkbookRefused as exc:  # the import's deadline passed while planning
        raise WorkbookError(f"{filename}: {exc}") from None


def _plan(parsed, filename, members, records, as_of, accept_renames, problems) -> ImportPlan:
    deadline = parsed.deadline or Deadline(Limits().max_seconds)
    known = {m.member_id: m for m in members}
    held = {(r.member_id, r.code, r.completed_on, r.outcome): r for r in records}
    plans: dict[str, MemberPlan] = {}
    questions: list[Question] = []
    notices: list[Notice] = []
    for row in parsed.members:
        deadline.check()
        member = known.get(row.values.get("member_id"))
        plan = plans[row.values["member_id"]] = _member_plan(row, member)
        problems += _member_problems(row, as_of)
        _ask_renames(plan, member, questions, accept_renames)
    for row in parsed.checks:
        deadline.check()
        member_id = row.values.get("member_id")
        plan = plans.get(member_id)
        if plan is None and member_id in known:
            plan = plans[member_id] = MemberPlan(row.number, known[member_id].name, member_id, False)
        if plan is None:
            problems.append(PlanProblem(_where("Checks", row.number, f"Member ID ({row.cells['member_id']})"),
                                        f"{member_id!r} is not in the Members sheet or the register"))
            continue
        action = _record_action(row, held)
        if action is not None:
            plan.actions.append(action)
        problems += _record_problems(row, as_of)
        notices += _lacking_facts(row, action)
    return ImportPlan(filename=filename, sheet=None, header_row=1, mapping={}, members=list(plans.values()),
                      questions=questions, problems=problems, notices=notices)


def _where(sheet: str | None, row: int | None, column: str | None) -> str:
    return str(Problem(sheet, row, column, "")).rstrip(": ")


def _cell_of(row: Row, sheet: str, name: str, columns: dict) -> str:
    """Where a value came from, as problems name it: sheet, row, column header and cell."""
    header = next(h for h, (f, _) in columns.items() if f == name)
    return _where(sheet, row.number, f"{header} ({row.cells.get(name, '?')})")


def _member_plan(row: Row, known: KnownMember | None) -> MemberPlan:
    values = row.values
    plan = MemberPlan(row.number, values["name"], values["member_id"], known is None)
    source = _cell_of(row, "Members", "member_id", MEMBER_COLUMNS)
    if known is None:
        fields = {_PLAN_NAMES.get(k, k): v for k, v in member_defaults(values).items()}
        plan.actions.append(CreateMember(**fields, source=source))
        return plan
    changes, sources, before = {}, {}, {}
    for name, value in values.items():
        plan_name = _PLAN_NAMES.get(name, name)
        held = getattr(known, plan_name, None)
        if plan_name == "position":
            held = find_position(held or "")
        if name != "member_id" and value != held:
            changes[plan_name], sources[plan_name] = value, _cell_of(row, "Members", name, MEMBER_COLUMNS)
            before[plan_name] = getattr(known, plan_name, None)
    if changes:
        plan.actions.append(UpdateMember(values["member_id"], changes, sources, before))
    return plan


def is_rename(update: UpdateMember) -> bool:
    """A new name, or a new date of birth where the register holds one: it may be another person.
    (Filling in a date of birth the register lacks is no rename.)"""
    return "name" in update.changes or (
        "date_of_birth" in update.changes and update.before.get("date_of_birth") is not None)


def _ask_renames(plan: MemberPlan, known: KnownMember | None, questions: list[Question], accept: bool) -> None:
    update = next((a for a in plan.actions if isinstance(a, UpdateMember)), None)
    if update is None or known is None or not is_rename(update):
        return
    key = RENAME_PREFIX + update.member_id
    after = replace(known, **{k: v for k, v in update.changes.items() if k in ("name", "date_of_birth")})
    cell = update.sources.get("name") or update.sources.get("date_of_birth", "")
    questions.append(Question(key, cell, f"Is this the same person? {_person(known)} \u2192 {_person(after)}",
                              "yes (the same person: update them) or skip (leave this member's row out)",
                              answer="yes" if accept else None))


def _person(member: KnownMember) -> str:
    born = f"born {member.date_of_birth:%d/%m/%Y}" if member.date_of_birth else "no date of birth held"
    return f"{member.name}, {born}"


def _member_problems(row: Row, as_of: date | None) -> list[PlanProblem]:
    """What the register refuses of a member (fpp.people.operations): checked here so the preview says it."""
    problems = []
    born = row.values.get("date_of_birth")
    if as_of is not None and born is not None and born >= as_of:
        problems.append(PlanProblem(_cell_of(row, "Members", "date_of_birth", MEMBER_COLUMNS),
                                    "The date of birth must be in the past"))
    # An end before the start is a reading problem (Start date is required, so both are in the row).
    return problems


def _record_problems(row: Row, as_of: date | None) -> list[PlanProblem]:
    """What the register refuses of a record (fpp.register.operations), checked in the preview."""
    completed = row.values["completed_on"]
    if as_of is not None and completed > as_of:
        return [PlanProblem(_cell_of(row, "Checks", "completed_on", CHECK_COLUMNS),
                            "The completion date cannot be in the future")]
    return []


def _lacking_facts(row: Row, action) -> list[Notice]:
    """A new record without a fact FPPT.md section 3 requires is imported; the preview says which it lacks."""
    if not isinstance(action, CreateCheckRecord):
        return []
    missing = missing_facts(action.code, {"outcome": action.outcome, "reference": action.reference,
                                          "dbs_level": action.dbs_level, "searched_name": action.searched_name,
                                          "searched_dob": action.searched_dob, "searched_by": action.searched_by})
    if not missing:
        return []
    return [Notice(f"facts {action.source}", f"{action.source}: the {action.code} record of "
                   f"{action.completed_on:%d/%m/%Y} is imported without {', '.join(f.replace('_', ' ') for f, _ in missing)}"
                   f" (pages show \"{NOT_RECORDED.lower()}\")")]


def _record_action(row: Row, held: dict) -> CreateCheckRecord | UpdateCheckRecord | None:
    v = row.values
    identity = (v["member_id"], v["code"], v["completed_on"], v["outcome"])
    source = _cell_of(row, "Checks", "completed_on", CHECK_COLUMNS)
    same = held.get(identity)
    if same is None:
        return CreateCheckRecord(*identity, reference=v.get("reference"), dbs_level=v.get("dbs_level"),
                                 notes=v.get("notes"), source=source, searched_name=v.get("searched_name"),
                                 searched_dob=v.get("searched_dob"), searched_by=v.get("searched_by"),
                                 expires_on=v.get("expires_on"))
    changes = {k: v[k] for k in ("reference", "notes") if v.get(k) and v[k] != getattr(same, k)}
    before = {k: getattr(same, k) for k in changes}
    return UpdateCheckRecord(*identity, changes=changes, source=source, before=before) if changes else None


def update_lines(plan: ImportPlan) -> list[str]:
    """Each update of the plan, field by field (before \u2192 after), for `fpp import --dry-run`."""
    return [describe(a) for a in plan.actions if isinstance(a, (UpdateMember, UpdateCheckRecord))]
