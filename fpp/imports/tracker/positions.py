"""Board positions from what trackers hold: a position, a job title and an Exec/NED column."""

from __future__ import annotations

import re

from checks.people import POSITION_LABELS

from .model import CellValue
from .values import clean_text

# The board positions by their labels (defined once, with their codes, in checks.people).
POSITIONS = tuple(POSITION_LABELS.values())
CHAIR, SID, NED, CEO, EXECUTIVE, ASSOCIATE = (POSITION_LABELS[code] for code in
                                              ("chair", "sid", "ned", "ceo", "executive", "associate"))
_NON_EXECUTIVE = {CHAIR, SID, NED}
_ALIASES = {
    "ned": NED, "non exec": NED, "non executive": NED, "sid": SID,
    "ceo": CEO, "chief executive officer": CEO, "exec": EXECUTIVE, "executive": EXECUTIVE,
    "chairman": CHAIR, "chairwoman": CHAIR, "chairperson": CHAIR, "trust chair": CHAIR, "board chair": CHAIR,
}


def _words(value: CellValue) -> str:
    return " ".join(re.sub(r"[^a-z]+", " ", clean_text(value).casefold().replace("-", " ")).split())


def parse_position(value: CellValue) -> str | None:
    """One of POSITIONS when the text names it (case, hyphens, usual abbreviations ignored)."""
    words = _words(value)
    for position in POSITIONS:
        if words == _words(position):
            return position
    return _ALIASES.get(words)


def parse_executive(value: CellValue) -> bool | None:
    """True for Exec, False for NED (and the usual spellings), None unless certain."""
    words = _words(value)
    if words in ("exec", "executive", "e", "ed", "yes", "y", "executive director"):
        return True
    if words in ("ned", "non exec", "non executive", "ne", "n", "no", "non executive director"):
        return False
    return None


def position_from_title(title: CellValue) -> str | None:
    """The position a job title states outright, or None when the title does not settle it."""
    words = _words(title)
    if not words:
        return None
    exact = parse_position(title)
    if exact is not None:
        return exact
    if re.search(r"\bassociate\b", words):
        return ASSOCIATE
    if re.search(r"\bsenior independent\b|\bsid\b", words):
        return SID
    if re.search(r"\b(vice|deputy) chair", words):
        return NED
    if re.fullmatch(r"(interim )?(trust |board )?chair(man|woman|person)?( of the (trust|board))?", words):
        return CHAIR
    if re.search(r"\b(chief executive|ceo)\b", words) and not re.search(r"\bdeputy\b", words):
        return CEO
    if re.search(r"\bnon executive\b|\bned\b", words):
        return NED
    return None


def derive_position(position: CellValue, title: CellValue, executive: bool | None) -> str | None:
    """The position, from a position cell, else the job title and the Exec/NED flag together.

    None when the sources are silent or disagree (a "Chair" marked Exec): the planner asks.
    """
    stated = parse_position(position)
    if stated is not None:
        return stated
    from_title = position_from_title(title)
    if from_title is None:
        return {True: EXECUTIVE, False: NED}.get(executive)
    if executive is True and from_title in _NON_EXECUTIVE:
        return None
    if executive is False and from_title == CEO:
        return None
    return from_title


def is_interim_title(title: CellValue) -> bool:
    """True when the job title says the post is interim (e.g. 'Interim Director of Operations')."""
    return re.search(r"\binterim\b", _words(title)) is not None
