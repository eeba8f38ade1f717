"""The one place user text passes through on its way into a spreadsheet cell.

Decision: a value a spreadsheet could read as a formula or an error value is prefixed with a single
quote ``'``. The quote is visible, which is the point: the text stays text not only in this file but
also after a user copies cells, saves as CSV or re-types the cell, where a hidden "text" flag on the
cell would be lost. (A cell holding "=1+1" with a text type is safe in the file itself, but becomes a
live formula the moment someone edits and confirms it.) The builders also never hand openpyxl a
string that starts with "=", so it can never store a formula element.
"""

from __future__ import annotations

import re

# Leading characters that Excel, LibreOffice or Google Sheets treat as the start of a formula, or that
# hide one (a tab or carriage return before "=" is stripped by some CSV importers). OWASP's list.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Strings openpyxl would store as an error cell instead of text (openpyxl.cell.cell.ERROR_CODES).
ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})

# XML 1.0 forbids these control characters; openpyxl raises IllegalCharacterError on them.
# Tab, line feed and carriage return are legal and kept.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Excel's limit for one cell; longer text is cut (openpyxl would cut it silently anyway).
MAX_CELL_CHARS = 32767


def safe_text(value: object) -> str | None:
    """Return ``value`` as text that a spreadsheet will show as text and never evaluate.

    None stays None (an empty cell). Illegal XML characters are removed rather than raising. Text
    starting with a formula trigger, or equal to an error value, gets a leading ``'``.
    """
    if value is None:
        return None
    text = _ILLEGAL_XML.sub("", str(value))
    if text.startswith(FORMULA_TRIGGERS) or text in ERROR_VALUES:
        text = "'" + text
    return text[:MAX_CELL_CHARS]
