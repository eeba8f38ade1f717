"""Board positions (CONTRACT.md import format) and what follows from them."""
from __future__ import annotations

POSITIONS: tuple[tuple[str, str], ...] = (
    ("chair", "Chair"),
    ("sid", "Senior independent director"),
    ("ned", "Non-executive director"),
    ("ceo", "Chief executive"),
    ("executive", "Executive director"),
    ("associate", "Associate director"),
)
POSITION_LABELS = dict(POSITIONS)
POSITION_LABEL_LIST = ", ".join(label for _, label in POSITIONS[:-1]) + f" or {POSITIONS[-1][1]}"  # messages
_BY_TEXT = {code: code for code, _ in POSITIONS} | {label.casefold(): code for code, label in POSITIONS}
EXECUTIVE_POSITIONS = frozenset({"ceo", "executive"})


def find_position(text: str) -> str | None:
    """The position code for a code or label (ignoring case and surrounding spaces), or None."""
    return _BY_TEXT.get(text.strip().casefold())


def default_is_executive(position: str) -> bool:
    """Executive by default for the chief executive and executive directors (CONTRACT.md)."""
    return position in EXECUTIVE_POSITIONS
