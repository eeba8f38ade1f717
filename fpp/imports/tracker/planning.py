"""The import plan: per member and per cell, what would be created, updated or skipped."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date
from typing import Iterable

from .answers import Answers, parse_date_answer, parse_rename_answer
from .context import Applies, Context
from .layout import Layout, build_layout
from .mapping import Catalogue, ColumnMapping
from .matching import Match, match_member
from .model import (RENAME_PREFIX, Action, CreateMember, ImportPlan, KnownMember, KnownRecord, MemberPlan,
                    ParsedTracker, Question, Skip, UpdateMember)
from .preview import shown
from .records import RecordIndex, plan_records
from .rows import RowFacts, is_heading, read_row, ref
from .values import clean_text, name_key

_MEMBER_FIELDS = ("name", "start_on", "end_on", "professional_registration", "email", "position",
                  "role_title", "voting", "interim", "executive", "date_of_birth")


def plan_import(tracker: ParsedTracker, mapping: ColumnMapping, catalogue: Catalogue, *,
                members: Iterable[KnownMember], records: Iterable[KnownRecord], applies: Applies,
                as_of: date, answers: Answers | None = None, id_prefix: str = "TRK-",
                accept_renames: bool = False) -> ImportPlan:
    """Plan the import of ``tracker`` against the register's ``members`` and ``records``.

    Writes nothing. ``applies(member, code)`` says whether a check applies to a member (it decides
    what N/A means); ``as_of`` is today (check dates after it are questioned). New members without
    a number get ``id_prefix`` + a four-digit number not already used. Planning the same tracker
    against a register that already holds its result gives no create actions. ``accept_renames``
    answers "yes" to every "is this the same person?" question (a changed name or date of birth).
    """
    ctx = Context(answers or Answers(), as_of, applies, tuple(code for code, _ in catalogue),
                  tuple(catalogue), accept_renames)
    layout = build_layout(tracker, mapping, ctx)
    plans: list[MemberPlan] = []
    if "name" not in layout.fields:
        ctx.problem(f"A{tracker.header_row}", "no column holds the members' names; map one to member.name")
    else:
        _note_missing_columns(layout, ctx)
        plans = _plan_rows(tracker, layout, ctx, list(members), list(records), id_prefix)
    for key in ctx.answers.unused():
        ctx.notice(key, f"the answer for {key!r} matches no question and was not used")
    return ImportPlan(tracker.filename, tracker.sheet, tracker.header_row, layout.targets, plans,
                      ctx.questions, ctx.problems, tracker.notices + ctx.notices)


def _note_missing_columns(layout: Layout, ctx: Context) -> None:
    if any(code == "dbs" for _, code in layout.checks) and "level" not in layout.qualifiers.get("dbs", {}):
        ctx.notice("DBS level", "no DBS level column: each new DBS record asks for its level")
    if "member_id" not in layout.fields:
        ctx.notice("Member ID", "no ESR or staff number column: members are matched by name")


def _plan_rows(tracker: ParsedTracker, layout: Layout, ctx: Context, members: list[KnownMember],
               records: list[KnownRecord], id_prefix: str) -> list[MemberPlan]:
    facts, plans = [], []
    for row in tracker.rows:
        if is_heading(row, layout) or not any(i in row.cells for i in _row_columns(layout)):
            continue
        item = read_row(row, layout, ctx, tracker.sheet)
        if not item.name:
            ctx.problem(f"A{row.number}" if item.name_cell is None else item.name_cell,
                        f"row {row.number} has values but no name")
            continue
        facts.append((row, item))
    duplicates = _duplicates([f for _, f in facts], ctx)
    index = _Index(members, records, id_prefix, {f.member_id for _, f in facts if f.member_id})
    for row, item in facts:
        if item.row in duplicates:
            plans.append(MemberPlan(item.row, item.name, item.member_id, False,
                                    [Skip("duplicate person: nothing imported", item.name_cell)], item.notes))
        else:
            plans.append(_plan_member(row, item, layout, ctx, index))
    return plans


def _row_columns(layout: Layout) -> set[int]:
    return {c.index for c in layout.fields.values()} | {c.index for c, _ in layout.checks}


class _Index:
    """The register as planning sees it, plus the numbers generated so far."""

    def __init__(self, members: list[KnownMember], records: list[KnownRecord], prefix: str,
                 tracker_ids: set[str]):
        self.by_id = {m.member_id: m for m in members}
        self.by_name: dict[str, list[KnownMember]] = defaultdict(list)
        for member in members:
            self.by_name[name_key(member.name)].append(member)
        self.records: RecordIndex = {(r.member_id, r.code, r.completed_on, r.outcome): r for r in records}
        self._used = set(self.by_id) | tracker_ids
        self._prefix, self._next = prefix, 1

    def new_id(self) -> str:
        """The next unused generated Member ID (deterministic for the same inputs)."""
        while f"{self._prefix}{self._next:04d}" in self._used:
            self._next += 1
        member_id = f"{self._prefix}{self._next:04d}"
        self._used.add(member_id)
        return member_id


def _duplicates(facts: list[RowFacts], ctx: Context) -> set[int]:
    """Rows naming a person already named by another row; each gets a problem."""
    groups: dict[str, list[RowFacts]] = defaultdict(list)
    for item in facts:
        if item.member_id:
            groups["id:" + item.member_id].append(item)
        groups["name:" + name_key(item.name)].append(item)
    rows: set[int] = set()
    for key, group in groups.items():
        ids = [g.member_id for g in group]
        if len(group) < 2 or (key.startswith("name:") and None not in ids and len(set(ids)) == len(ids)):
            continue
        numbers = ", ".join(str(g.row) for g in group)
        for item in group:
            if item.row not in rows:
                ctx.problem(item.name_cell, f"{item.name} appears more than once (rows {numbers}); "
                                            "keep one row per person")
            rows.add(item.row)
    return rows


def _plan_member(row, facts: RowFacts, layout: Layout, ctx: Context, index: _Index) -> MemberPlan:
    match = match_member(facts, index.by_id, index.by_name, ctx)
    if match.status == "skip":
        return MemberPlan(facts.row, facts.name, None, False,
                          [Skip("row skipped (answered)", facts.name_cell)], facts.notes)
    member_id = match.member.member_id if match.member else (facts.member_id or None)
    generated = match.status == "new" and member_id is None
    if generated:
        member_id = index.new_id()
    view = _member_view(facts, match, member_id, layout, ctx)
    member_action = _member_action(facts, match, view, generated)
    if isinstance(member_action, UpdateMember) and member_action.renames \
            and _same_person(member_action, match.member, ctx) == "skip":
        return MemberPlan(facts.row, facts.name, member_id, False,
                          [Skip("row skipped: not the same person (answered)", facts.name_cell)], facts.notes)
    actions: list[Action] = [member_action]
    actions += plan_records(row, layout, view, index.records, ctx, facts.notes)
    if match.status == "waiting":
        # Cells were still read above so their questions can be answered in the same pass.
        actions = [Skip(f"waiting for the answer to {match.question_key}", facts.name_cell)]
    return MemberPlan(facts.row, facts.name, None if match.status == "waiting" else member_id,
                      match.status == "new", [a for a in actions if a is not None], facts.notes)


def _same_person(update: UpdateMember, known: KnownMember, ctx: Context) -> str | None:
    """Ask "is this the same person?" (key RENAME_PREFIX + Member ID): "yes", "skip" (leave the row
    out) or None while unanswered, when the question blocks the import and the preview still shows the
    update field by field. ``--accept-renames`` answers yes for every member without an answer."""
    changed = ", ".join(f"{name.replace('_', ' ')} {shown(update.before.get(name))} \u2192 {shown(update.changes[name])}"
                        for name in ("name", "date_of_birth") if name in update.changes)
    key = RENAME_PREFIX + update.member_id
    if ctx.accept_renames and ctx.answers.take(key) is None:
        ctx.questions.append(Question(key, update.sources.get("name") or update.sources.get("date_of_birth"),
                                      _rename_message(update, known, changed), _RENAME_EXPECTS, answer="yes"))
        return "yes"
    answered, answer = ctx.ask(key, _rename_message(update, known, changed), _RENAME_EXPECTS, parse_rename_answer,
                               cell=update.sources.get("name") or update.sources.get("date_of_birth"))
    return answer if answered else None


_RENAME_EXPECTS = "yes (the same person: update them) or skip (leave this row out)"


def _rename_message(update: UpdateMember, known: KnownMember, changed: str) -> str:
    return (f"Is this the same person? Member {update.member_id} is {known.name!r} in the register; "
            f"this row changes {changed}.")


def _member_view(facts: RowFacts, match: Match, member_id: str, layout: Layout, ctx: Context) -> KnownMember:
    """The member as the register would hold them after the import (tracker values win)."""
    base = match.member or KnownMember(member_id, facts.name)
    values = dict(facts.values)
    if match.status == "new" and "start_on" not in values:
        start = _ask_start(facts, layout, ctx)
        if start is not None:
            values["start_on"] = start
    facts.values = values
    return replace(base, member_id=member_id, name=facts.name or base.name,
                   **{k: v for k, v in values.items() if k in _MEMBER_FIELDS and k != "name"})


def _ask_start(facts: RowFacts, layout: Layout, ctx: Context) -> date | None:
    cell = ref(layout, "start_on", facts.row)
    if cell is None:
        ctx.problem(facts.name_cell, f"{facts.name} is new and the tracker has no start date column")
        return None
    _, start = ctx.ask(cell, f"{facts.name} is new and has no start date.", "a date such as 2025-04-14",
                       parse_date_answer)
    if start is not None:
        facts.sources["start_on"] = cell
    return start


def _member_action(facts: RowFacts, match: Match, view: KnownMember, generated: bool) -> Action | None:
    if match.status == "new":
        return CreateMember(**{k: getattr(view, k) for k in ("member_id", "name", *_MEMBER_FIELDS[1:])},
                            id_generated=generated, source=facts.name_cell)
    known = match.member
    if known is None:
        return None
    changes = {k: v for k, v in facts.values.items()
               if k in _MEMBER_FIELDS and v is not None and getattr(known, k) != v}
    if match.rename and clean_text(known.name) != facts.name:
        changes["name"] = facts.name
    if not changes:
        return None
    sources = {k: facts.sources.get(k, facts.name_cell) for k in changes}
    before = {k: (known.name if k == "name" else getattr(known, k)) for k in changes}
    return UpdateMember(known.member_id, changes, sources, before)
