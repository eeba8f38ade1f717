"""Answers to the preview's questions, keyed by cell reference (``V7``) or column header.

The answers file is TOML, for example::

    V7 = 2025-05-02                 # a date: a clear record of that date
    R9 = "issue 2025-04-14"         # outcome and date
    P11 = "skip"                    # no record
    A13 = "yes"                     # the name match is the right person
    "Extra column" = "check.social_media"
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping

from .errors import TrackerError
from .headers import normalise_header
from .positions import parse_position
from .values import DBS_LEVEL_CHOICES, clean_text, not_applicable_note, parse_date, parse_dbs_level

_CELL_REF = re.compile(r"^\s*([A-Za-z]{1,3})\s*(\d+)\s*$")
_SKIP_WORDS = ("skip", "none", "no record", "nothing", "")


def answer_key(key: str) -> str:
    """The canonical form of a key: upper-case cell references, folded headers."""
    match = _CELL_REF.match(str(key))
    if match:
        return f"{match.group(1).upper()}{match.group(2)}"
    return "header:" + normalise_header(key)


class Answers:
    """A set of answers; remembers which were used so unused ones can be reported."""

    def __init__(self, data: Mapping[str, Any] | None = None):
        self._values = {answer_key(k): v for k, v in (data or {}).items()}
        self._keys = {answer_key(k): str(k) for k in (data or {})}
        self._used: set[str] = set()

    @classmethod
    def from_toml(cls, text: str, *, source: str = "answers") -> "Answers":
        """Answers from a TOML document; raises TrackerError naming the file if it is not TOML."""
        try:
            return cls(tomllib.loads(text))
        except tomllib.TOMLDecodeError as error:
            raise TrackerError(f"is not valid TOML ({error})", filename=source) from None

    @classmethod
    def from_file(cls, path: str | Path) -> "Answers":
        """Answers from a TOML file; raises TrackerError naming the file if unreadable."""
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise TrackerError(f"cannot be read ({error})", filename=str(path)) from None
        return cls.from_toml(text, source=str(path))

    def take(self, key: str) -> Any:
        """The answer for a cell reference or header, or None if there is none."""
        canonical = answer_key(key)
        if canonical in self._values:
            self._used.add(canonical)
        return self._values.get(canonical)

    def unused(self) -> list[str]:
        """The keys, as written, that answered no question."""
        return [self._keys[k] for k in self._values if k not in self._used]


@dataclass(frozen=True)
class RecordAnswer:
    """A check cell answered: no record (``outcome`` None), or a record of that outcome and date."""

    outcome: str | None
    on: date | None = None


def parse_record_answer(value: Any) -> RecordAnswer:
    """A check-cell answer: a date, ``clear DATE``, ``issue DATE``, ``n/a`` or ``skip``.

    Raises ValueError for anything else.
    """
    if isinstance(value, (date, datetime)):
        return RecordAnswer("clear", parse_date(value))
    text = clean_text(value)
    folded = text.casefold()
    if folded in _SKIP_WORDS:
        return RecordAnswer(None)
    if not_applicable_note(folded, text) is not None or folded == "not_applicable":
        return RecordAnswer("not_applicable")
    outcome, _, rest = folded.partition(" ")
    if outcome in ("clear", "issue") and parse_date(rest):
        return RecordAnswer(outcome, parse_date(rest))
    if parse_date(text):
        return RecordAnswer("clear", parse_date(text))
    raise ValueError("a date, 'clear DATE', 'issue DATE', 'n/a' or 'skip'")


def parse_date_answer(value: Any) -> date:
    """A date answer (TOML date or typed text); raises ValueError otherwise."""
    parsed = parse_date(value if isinstance(value, (date, datetime)) else clean_text(value))
    if parsed is None:
        raise ValueError("a date such as 2025-04-14")
    return parsed


def parse_position_answer(value: Any) -> str:
    """One of the board positions; raises ValueError otherwise."""
    position = parse_position(value)
    if position is None:
        raise ValueError("a position such as 'Executive director'")
    return position


def parse_level_answer(value: Any) -> str:
    """A DBS level; raises ValueError otherwise."""
    level = parse_dbs_level(str(value).replace("_", " "))
    if level is None:
        raise ValueError(DBS_LEVEL_CHOICES)
    return level


def parse_rename_answer(value: Any) -> str:
    """"yes" (the same person) or "skip" (leave the row out), for "is this the same person?"."""
    answer = clean_text(value).casefold()
    if answer in ("yes", "y", "true"):
        return "yes"
    if answer in ("skip", "no", "n", "false"):
        return "skip"
    raise ValueError("yes or skip")


def parse_match_answer(value: Any) -> str:
    """'yes', 'new', 'skip' or a member ID (returned as given, trimmed)."""
    text = clean_text(value)
    if not text:
        raise ValueError("yes, new, skip or a member ID")
    return text.casefold() if text.casefold() in ("yes", "y", "new", "skip") else text
