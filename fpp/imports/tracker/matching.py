"""Which register member a tracker row is: by ESR/staff number, else by name with confirmation."""

from __future__ import annotations

from dataclasses import dataclass

from .answers import parse_match_answer
from .context import Context
from .model import KnownMember
from .rows import RowFacts
from .values import name_key


@dataclass(frozen=True)
class Match:
    """``status``: known, new, waiting (for an answer) or skip; ``rename`` when the row's name differs from
    the register's for the same number (the planner asks whether it is the same person)."""

    status: str
    member: KnownMember | None = None
    question_key: str | None = None
    rename: bool = False


def match_member(facts: RowFacts, by_id: dict[str, KnownMember],
                 by_name: dict[str, list[KnownMember]], ctx: Context) -> Match:
    """Match a row to a member. A number match is certain unless the names differ; a name match
    alone is never taken without the user's confirmation (a question keyed by the name cell)."""
    candidates = by_name.get(name_key(facts.name), [])
    if facts.member_id and facts.member_id in by_id:
        return _by_number(facts, by_id[facts.member_id])
    if facts.member_id:
        others = [m for m in candidates if m.member_id != facts.member_id]
        return _confirm(facts, others, by_id, ctx, numbered=True) if others else Match("new")
    return _confirm(facts, candidates, by_id, ctx, numbered=False) if candidates else Match("new")


def _by_number(facts: RowFacts, known: KnownMember) -> Match:
    """The member with the row's number. A different name is a rename, asked about when the plan is
    made ("is this the same person?", keyed RENAME_PREFIX + Member ID)."""
    return Match("known", known, rename=name_key(known.name) != name_key(facts.name))


def _confirm(facts: RowFacts, candidates: list[KnownMember], by_id: dict[str, KnownMember],
             ctx: Context, numbered: bool) -> Match:
    listed = ", ".join(f"{m.name} ({m.member_id})" for m in candidates)
    single = len(candidates) == 1
    expects = ("new, skip or the member ID to use" if numbered else
               ("yes, new, skip or a member ID" if single else "new, skip or one of the member IDs"))
    lead = (f"No member has number {facts.member_id}, but the register has {listed} by that name."
            if numbered else f"{facts.name!r} matches {listed} in the register by name only.")
    answered, answer = ctx.ask(facts.name_cell, f"{lead} Same person?", expects, parse_match_answer)
    if not answered:
        return Match("waiting", question_key=facts.name_cell)
    if answer in ("yes", "y") and single and not numbered:
        return Match("known", candidates[0])
    if answer in ("new", "skip"):
        return Match(answer)
    if answer in by_id:
        return Match("known", by_id[answer])
    ctx.problem(facts.name_cell, f"the answer {answer!r} for {facts.name_cell} is not {expects}")
    return Match("waiting", question_key=facts.name_cell)
