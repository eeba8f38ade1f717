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
    """``status``: known, new, waiting (for an answer) or skip; ``rename`` when a name change was confirmed."""

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
        return _by_number(facts, by_id[facts.member_id], ctx)
    if facts.member_id:
        others = [m for m in candidates if m.member_id != facts.member_id]
        return _confirm(facts, others, by_id, ctx, numbered=True) if others else Match("new")
    return _confirm(facts, candidates, by_id, ctx, numbered=False) if candidates else Match("new")


def _by_number(facts: RowFacts, known: KnownMember, ctx: Context) -> Match:
    if name_key(known.name) == name_key(facts.name):
        return Match("known", known)
    key = facts.id_cell
    answered, answer = ctx.ask(
        key, f"Number {facts.member_id} is {known.name!r} in the register but this row says "
             f"{facts.name!r}: is it the same person (the name is then updated)?",
        "yes or skip", _yes_or_skip)
    if not answered:
        return Match("waiting", question_key=key)
    return Match("known", known, rename=True) if answer == "yes" else Match("skip")


def _yes_or_skip(value) -> str:
    answer = parse_match_answer(value)
    if answer not in ("yes", "y", "skip"):
        raise ValueError("yes or skip")
    return "yes" if answer == "y" else answer


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
