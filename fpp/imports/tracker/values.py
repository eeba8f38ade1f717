"""What a single cell means: dates typed by hand, N/A, "outstanding", DBS levels, Yes/No.

Every reader here answers "certain" or "not certain"; the planner turns "not certain" into a
question. Day first always (UK): ``3.11.22`` is 3 November 2022.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from checks.records import BASIC, DBS_LEVELS, ENHANCED, ENHANCED_BARRED, STANDARD
from checks.text import control_character_problem

from .model import CellValue

DBS_LEVEL_CHOICES = ", ".join(DBS_LEVELS[:-1]) + f" or {DBS_LEVELS[-1]}"  # in messages and questions
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
# Full names, three-letter abbreviations and "sept": the forms people type.
_MONTHS = {name: n for n, full in enumerate(_MONTH_NAMES, 1) for name in (full, full[:3])}
_MONTHS["sept"] = 9
_NUMERIC_DATE = re.compile(r"^(\d{1,2})\s*([./-])\s*(\d{1,2})\s*\2\s*(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_WORD_DATE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]{3,9})\.?,?[\s-]+(\d{2}|\d{4})$")

_NOT_APPLICABLE = ("n/a", "na", "n.a.", "n.a", "not applicable")
# Wordings that mean "nothing done yet": the check stays missing, which is the safe reading.
_NO_RECORD_PREFIXES = (
    "outstanding", "awaiting", "not due", "chased", "pending", "requested", "in progress",
    "not yet due", "not yet received", "overdue", "tbc",
)
_NO_RECORD_EXACT = ("-", "–", "—")


@dataclass(frozen=True, slots=True)
class Reading:
    """How a check cell reads: ``kind`` is date, not_applicable, no_record, blank or unclear."""

    kind: str
    on: date | None = None
    note: str | None = None


def clean_text(value: CellValue) -> str:
    """The value as trimmed text with internal whitespace collapsed ('' for None)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def control_problem(value: CellValue, multiline: bool = False) -> str | None:
    """Why a text cell is refused (the rule of checks.text), once trimmed: a single-line cell holds no
    control character at all, a multi-line one (notes) keeps its line breaks. None for other values."""
    if not isinstance(value, str):
        return None
    return control_character_problem(value.strip(), multiline)


def identifier_text(value: CellValue) -> str:
    """A number or reference as text: 30145566.0 becomes '30145566'; text keeps leading zeros."""
    if isinstance(value, bool):
        return clean_text(str(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(value)


def parse_date(value: CellValue) -> date | None:
    """The date the cell holds, or None unless it is certain.

    Accepts Excel dates (time of day ignored) and text in the forms people type:
    ``14/03/2023``, ``14.03.2023``, ``14-03-2023``, ``3.11.22``, ``2023-03-14``, ``14 Mar 2023``,
    ``14 March 2023``. Two-digit years are 2000-2068 or 1969-1999, as Python's ``%y``.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = clean_text(value).lower()
    for pattern, order in ((_NUMERIC_DATE, (1, 3, 4)), (_ISO_DATE, (3, 2, 1)), (_WORD_DATE, (1, 2, 3))):
        match = pattern.match(text)
        if match:
            day, month, year = (match.group(i) for i in order)
            return _safe_date(year, month, day)
    return None


def _safe_date(year: str, month: str, day: str) -> date | None:
    month_number = int(month) if month.isdigit() else _month_number(month)
    if month_number is None:
        return None
    year_number = int(year)
    if len(year) == 2:
        year_number += 2000 if year_number < 69 else 1900
    try:
        return date(year_number, month_number, int(day))
    except ValueError:
        return None


def _month_number(word: str) -> int | None:
    return _MONTHS.get(word)


def read_check_cell(value: CellValue) -> Reading:
    """What a check cell says: a date, N/A (with any trailing words as a note), no record, or unclear."""
    on = parse_date(value)
    if on is not None:
        return Reading("date", on=on)
    text = clean_text(value)
    if not text:
        return Reading("blank")
    folded = text.casefold()
    note = not_applicable_note(folded, text)
    if note is not None:
        return Reading("not_applicable", note=note or None)
    if folded in _NO_RECORD_EXACT or folded.startswith(_NO_RECORD_PREFIXES):
        return Reading("no_record", note=text)
    return Reading("unclear", note=text)


def not_applicable_note(folded: str, text: str) -> str | None:
    """'' for a bare N/A, the trailing words for 'N/A - NED', or None when it is not an N/A."""
    for word in _NOT_APPLICABLE:
        if folded == word:
            return ""
        if folded.startswith(word) and not folded[len(word)].isalnum():
            return text[len(word):].strip(" -–:;,()")
    return None


def parse_dbs_level(value: CellValue) -> str | None:
    """``basic``, ``standard``, ``enhanced`` or ``enhanced_barred``, or None unless certain."""
    words = re.sub(r"[^a-z]+", " ", clean_text(value).casefold()).split()
    if not words:
        return None
    if words[0] in ("enhanced", "enh") and any(w.startswith("barr") for w in words[1:]):
        rest = [w for w in words[1:] if w not in ("w", "with", "and", "plus", "list", "lists")]
        return ENHANCED_BARRED if all(w.startswith("barr") or w in ("child", "children", "adult",
                                        "adults", "s", "both") for w in rest) else None
    single = {BASIC: BASIC, STANDARD: STANDARD, "std": STANDARD, ENHANCED: ENHANCED, "enh": ENHANCED}
    return single.get(words[0]) if len(words) == 1 else None


def parse_yes_no(value: CellValue) -> bool | None:
    """True or False for the usual Yes/No wordings, None unless certain."""
    if isinstance(value, bool):
        return value
    folded = clean_text(value).casefold()
    if folded in ("yes", "y", "true", "1"):
        return True
    if folded in ("no", "n", "false", "0"):
        return False
    return None


_HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "dame", "sir",
               "lady", "lord", "rev", "revd", "cllr"}


def name_key(name: str) -> str:
    """A name folded for matching: case, accents, punctuation, titles and '(interim)' ignored."""
    text = re.sub(r"\([^)]*\)", " ", name)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = re.sub(r"[^\w\s-]", "", text.casefold()).replace("-", " ").split()
    while words and words[0] in _HONORIFICS:
        words.pop(0)
    return " ".join(words)


def strip_interim_marker(name: str) -> tuple[str, bool]:
    """The name without an '(interim)' marker, and whether it had one."""
    cleaned = re.sub(r"\s*\(\s*interim\s*\)\s*", " ", name, flags=re.IGNORECASE).strip()
    return cleaned, cleaned != name.strip()
