"""A readable two-column (label, value) sheet, written in openpyxl write-only mode."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from openpyxl import Workbook

from exports.safe import safe_text
from exports.xlsx import DATE_FORMAT, DATETIME_FORMAT, naive_utc, styled_cell

# Text longer than this wraps so that the statement is readable on screen and in print.
WRAP_FROM = 60


def humanise(code: str) -> str:
    """A status or outcome code as words: "fit_and_proper_with_mitigations" -> "Fit and proper with mitigations"."""
    return code.replace("_", " ").capitalize()


def day(value: date | None) -> str:
    """A date as day-first text for a sentence; anything else as it is."""
    return f"{value:%d/%m/%Y}" if isinstance(value, date) else str(value)


class KeyValueSheet:
    """Label in column A, value in column B; headings in bold; dates with day-first formats."""

    def __init__(self, wb: Workbook, title: str, width_key: float = 38, width_value: float = 90):
        self.ws = wb.create_sheet(title)
        self.ws.column_dimensions["A"].width = width_key
        self.ws.column_dimensions["B"].width = width_value
        self._heading = styled_cell(self.ws, bold=True)
        self._date = styled_cell(self.ws, DATE_FORMAT)
        self._datetime = styled_cell(self.ws, DATETIME_FORMAT)
        self._wrap = styled_cell(self.ws, wrap=True)

    def heading(self, text: str) -> None:
        self.blank()
        self._heading.value = safe_text(text)
        self.ws.append([self._heading])

    def title(self, text: str) -> None:
        self._heading.value = safe_text(text)
        self.ws.append([self._heading])

    def blank(self) -> None:
        self.ws.append([])

    def pair(self, label: str, value: Any) -> None:
        self.ws.append([safe_text(label), self._value_cell(value)])

    def _value_cell(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, datetime):
            self._datetime.value = naive_utc(value)
            return self._datetime
        if isinstance(value, date):
            self._date.value = value
            return self._date
        if isinstance(value, (int, float)):
            return value
        text = safe_text(value)
        if len(text) > WRAP_FROM or "\n" in text:
            self._wrap.value = text
            return self._wrap
        return text
