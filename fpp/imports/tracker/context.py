"""The state one planning run collects: questions, problems, notices and the answers given."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from .answers import Answers
from .model import KnownMember, Notice, Problem, Question

Applies = Callable[[KnownMember, str], bool]


@dataclass
class Context:
    """What every planning step shares; ``ask`` is the only way a step consults a person."""

    answers: Answers
    as_of: date
    applies: Applies
    codes: tuple[str, ...]
    catalogue: tuple[tuple[str, str], ...] = ()
    accept_renames: bool = False
    questions: list[Question] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def ask(self, key: str, message: str, expects: str, parse: Callable[[Any], Any], *,
            cell: str | None = None, default: str | None = None, context: str | None = None,
            suggestion: str | None = None) -> tuple[bool, Any]:
        """Record a question and return (answered, parsed answer).

        An answer that ``parse`` rejects leaves the question open and adds a problem saying why.
        """
        raw = self.answers.take(key)
        parsed, answered = None, False
        if raw is not None:
            try:
                parsed, answered = parse(raw), True
            except ValueError as error:
                self.problem(key, f"the answer {raw!r} for {key} is not understood: expected {error}")
        self.questions.append(Question(key, cell or key, message, expects, default, context,
                                       raw if answered else None, suggestion))
        return answered, parsed

    def problem(self, cell: str, message: str) -> None:
        """Record something an answer cannot fix."""
        self.problems.append(Problem(cell, message))

    def notice(self, key: str, message: str) -> None:
        """Record information for the preview."""
        self.notices.append(Notice(key, message))
