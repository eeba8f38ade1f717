"""Streaming sheet writers shared by the workbook builders (openpyxl write-only mode).

Every value goes through a per-column converter: text through ``safe_text``, dates and datetimes into
a cell carrying a day-first number format, booleans to "Yes"/"No". Styled cells are made once per
column and reused for every row: openpyxl writes each row before the next is built, and creating a
styled cell per value is what makes write-only openpyxl slow.

People read labels ("Action required"), machines read codes ("action_required"): a sheet shows the
label where a person looks and keeps the code in a column of its own, after the printed columns. Every
sheet is set up to print (``print_setup``): landscape A4, fitted to the page's width, the header row
repeated on every page, and a footer with the organisation and "Page x of y".
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from exports.safe import _ILLEGAL_XML, safe_text

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
TABLE_STYLE = "TableStyleMedium2"

# The words for the codes the workbooks carry. exports/ imports nothing of checks/, so they are written
# out here; tests/app/reports/test_print.py holds them equal to the pages' words (fpp/templating.py
# STATUS_LABELS) and to checks/ (annual.ASSESSMENT_OUTCOME_LABELS, records.*_LABELS).
STATUS_LABELS = {
    "valid": "Valid", "due_soon": "Due soon", "expired": "Expired", "missing": "Missing",
    "concern": "Concern", "not_required": "Not required", "compliant": "Compliant",
    "action_required": "Action required", "left": "Left", "not_started": "Not started",
}
OUTCOME_LABELS = {
    "fit_and_proper": "Fit and proper", "fit_and_proper_with_mitigations": "Fit and proper with mitigations",
    "not_fit_and_proper": "Not fit and proper", "under_review": "Under review",
    "no_outcome_recorded": "No outcome recorded",
}
RECORD_OUTCOME_LABELS = {"clear": "Clear", "issue": "Issue found", "not_applicable": "Not applicable"}
DBS_LEVEL_LABELS = {"basic": "Basic", "standard": "Standard", "enhanced": "Enhanced",
                    "enhanced_barred": "Enhanced with barred lists"}
EXCEPTION_KIND_LABELS = {"concern": "Concern", "issue": "Issue found", "mitigation": "Mitigation",
                         "decision": "Decision"}


def label(code: str | None, labels: dict[str, str]) -> str | None:
    """The words for ``code``; a code without words is shown as it is (never guessed at)."""
    return None if code is None else labels.get(code, code)


def _footer_text(text: str) -> str:
    """Text for a header or footer: no control characters, "&" doubled (a lone one starts a code)."""
    return _ILLEGAL_XML.sub("", text).replace("\r", " ").replace("\n", " ").replace("&", "&&")[:100]


def print_setup(ws, organisation: str, title_row: int | None = None, one_page: bool = False) -> None:
    """Landscape A4, fitted to the width of the page (to one page with ``one_page``), ``title_row``
    repeated at the top of every page, and a footer: the organisation, then "Page x of y".

    Call it before the sheet's first row: the fit-to-page flag is written with the sheet's head."""
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0  # 0: as many pages down as it takes
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_row is not None:
        ws.print_title_rows = f"{title_row}:{title_row}"
    ws.oddFooter.left.text = _footer_text(organisation)
    ws.oddFooter.left.size = 9
    ws.oddFooter.right.text = "Page &P of &N"
    ws.oddFooter.right.size = 9


@dataclass(frozen=True)
class Column:
    """One column of a data sheet: header text, value kind and width in characters."""

    header: str
    kind: str = "text"  # text, date, datetime, int, bool
    width: float = 16


def unique_headers(columns: Sequence[Column]) -> list[Column]:
    """Make headers unique (case-insensitively), as an Excel table requires, by numbering repeats."""
    seen: set[str] = set()
    result = []
    for column in columns:
        header, n = column.header, 2
        while header.casefold() in seen:
            header, n = f"{column.header} ({n})", n + 1
        seen.add(header.casefold())
        result.append(Column(header, column.kind, column.width))
    return result


def naive_utc(value: datetime) -> datetime:
    """Excel has no time zones: aware datetimes are converted to UTC and made naive."""
    if value.tzinfo is None:
        return value
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def yes_no(value: bool | None) -> str | None:
    return None if value is None else ("Yes" if value else "No")


def styled_cell(ws, number_format: str | None = None, bold: bool = False, wrap: bool = False):
    """A reusable write-only cell with its style fixed once."""
    cell = WriteOnlyCell(ws)
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _filled(cell):
    def convert(value: Any):
        if value is None:
            return None
        if isinstance(value, str):  # a caller's mistake must not bypass safe_text
            return safe_text(value)
        if isinstance(value, datetime):
            value = naive_utc(value)
        cell.value = value
        return cell
    return convert


def _plain_number(value: Any):
    return safe_text(value) if isinstance(value, str) else value


def converter(ws, kind: str) -> Callable[[Any], Any]:
    """The function turning one value of ``kind`` into what is appended for it."""
    if kind == "date":
        return _filled(styled_cell(ws, DATE_FORMAT))
    if kind == "datetime":
        return _filled(styled_cell(ws, DATETIME_FORMAT))
    if kind == "int":
        return _plain_number
    if kind == "bool":
        return yes_no
    return safe_text


def print_first_columns(ws, columns: int) -> Callable[[], None]:
    """Count the rows appended to write-only sheet ``ws`` (openpyxl does not); returns the function
    that, once every row is in, makes the first ``columns`` columns of those rows the print area."""
    append, count = ws.append, [0]

    def counting(row) -> None:
        append(row)
        count[0] += 1
    ws.append = counting

    def finish() -> None:
        ws.print_area = f"A1:{get_column_letter(columns)}{max(count[0], 1)}"
    return finish


class TableSheet:
    """A write-only data sheet: frozen header, column widths, rows streamed, an Excel table at the end.

    The table's own auto filter is the sheet's filter: a sheet-level filter overlapping a table makes
    Excel "repair" the file. A sheet with no rows gets one row saying there is nothing to list, because a table must have
    at least one data row to open cleanly in Excel and LibreOffice.

    With ``organisation`` the sheet is set up to print (``print_setup``); only its first ``printed``
    columns are printed (the code columns for machines come after them). ``intro`` lines, if any, go
    above the header row.
    """

    def __init__(self, wb: Workbook, title: str, table_name: str, columns: Sequence[Column],
                 organisation: str | None = None, printed: int | None = None, intro: Sequence[str] = ()):
        self.ws = wb.create_sheet(title)
        self.table_name = table_name
        self.columns = unique_headers(columns)
        self.rows = 0
        self.header_row = len(intro) + 1
        self.printed = printed
        for index, column in enumerate(self.columns, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = column.width
        if organisation is not None:
            print_setup(self.ws, organisation, title_row=self.header_row)
        # Freeze panes and widths are written with the sheet's head, i.e. before the first row.
        self.ws.freeze_panes = f"A{self.header_row + 1}"
        for line in intro:
            self.ws.append([safe_text(line)])
        self.ws.append([safe_text(column.header) for column in self.columns])
        self._converters = [converter(self.ws, column.kind) for column in self.columns]

    def append(self, values: Sequence[Any]) -> None:
        self.ws.append([convert(v) for convert, v in zip(self._converters, values)])
        self.rows += 1

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        for values in rows:
            self.append(values)

    def close(self, empty_text: str = "None") -> None:
        """Finish the sheet: a "nothing to list" row if it is empty, then the table over all rows."""
        if self.rows == 0:
            self.ws.append([safe_text(empty_text)])
            self.rows = 1
        last = self.header_row + self.rows
        ref = f"A{self.header_row}:{get_column_letter(len(self.columns))}{last}"
        if self.printed is not None:
            self.ws.print_area = f"A1:{get_column_letter(self.printed)}{last}"
        table = Table(displayName=self.table_name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
        table.autoFilter = AutoFilter(ref=ref)
        table.tableColumns = [
            TableColumn(id=i, name=safe_text(c.header)) for i, c in enumerate(self.columns, 1)
        ]
        with warnings.catch_warnings():
            # openpyxl warns that write-only tables need their columns set by hand: they are, above.
            warnings.simplefilter("ignore", UserWarning)
            self.ws.add_table(table)


def set_properties(wb: Workbook, title: str, organisation: str, created_at: datetime | None) -> None:
    """Document properties: title, creator (the organisation) and the created date."""
    props = wb.properties
    props.title = safe_text(title)
    props.creator = safe_text(organisation)
    props.lastModifiedBy = safe_text(organisation)
    props.created = naive_utc(created_at or datetime.now(timezone.utc))
