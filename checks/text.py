"""The one rule for text that must stay on one line: no control characters, no line breaks; and the
one-line form of a stored name, for a mail header.

Pure: the forms, both importers and the mail builder ask this, so a name, a Member ID or a subject is
refused (or reported) the same way wherever it comes in.
"""
from __future__ import annotations

import re

# C0 and C1 control characters (tab, CR and LF included) and Unicode line and paragraph separators.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The same, less the line breaks a multi-line value (notes) may keep: LF, and CR of a CRLF.
MULTILINE_CONTROL_CHARACTERS = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def control_character_problem(value: str | None, multiline: bool = False) -> str | None:
    """Why a value is refused (None when it is fine): a control character or line break would break a
    header, a log line or a spreadsheet cell. A multi-line value (notes) may keep CR and LF, nothing else."""
    pattern = MULTILINE_CONTROL_CHARACTERS if multiline else CONTROL_CHARACTERS
    match = pattern.search(value or "")
    if match is None:
        return None
    if multiline:
        return f"must not contain control characters other than line breaks (found U+{ord(match.group()):04X})"
    return f"must be on one line, without control characters (found U+{ord(match.group()):04X})"


def one_line(text: str) -> str:
    """`text` as a header or a log line may carry it: control characters and line breaks (an old
    record could hold them) become single spaces, so a name can never start a header of its own."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text).split())
