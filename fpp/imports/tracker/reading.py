"""Reading a tracker file (.xlsx, or .csv in UTF-8 or Windows-1252) into plain rows of cells.

Nothing here interprets a cell; it finds the sheet, fills merged cells, keeps comments, finds the
header row below any title rows, and keeps every cell's real spreadsheet reference.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

from openpyxl.comments.comment_sheet import CommentSheet
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
from openpyxl.xml.constants import COMMENTS_NS
from openpyxl.xml.functions import fromstring

from fpp.imports.guard import (MAX_COLUMNS, NO_SAVED_VALUE, Budget, Deadline, Limits, Opened, StreamedSheet,
                               WorkbookRefused, formula_message, open_workbook)

from .errors import TrackerError
from .headers import find_header_row, header_score
from .model import Cell, CellValue, Column, Notice, ParsedTracker, TrackerRow
from .values import clean_text

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_CSV_SUFFIXES = (".csv", ".txt", ".tsv")
# Rows scanned for the header: trackers rarely carry more than a handful of title rows.
HEADER_SEARCH_ROWS = 30

Grid = list[list[Cell | None]]
_NO_CELLS: list = []  # shared by the rows a sheet skips; _put gives a row its own list before writing


def read_tracker(source: str | Path | bytes, *, filename: str | None = None,
                 sheet: str | None = None, header_row: int | None = None,
                 limits: Limits | None = None, deadline: Deadline | None = None) -> ParsedTracker:
    """Read a tracker from a path or from bytes (then ``filename`` names it in messages).

    Raises TrackerError, naming the file, when it is not a readable .xlsx or .csv, when the sheet
    does not exist or when no header row can be found. ``header_row`` (1-based) skips the search.
    An .xlsx passes `fpp.imports.guard` first and is read row by row within ``limits`` (default the
    `[imports]` defaults) and ``deadline``; a refusal is a TrackerError naming the limit.
    """
    data, name = _load(source, filename)
    if name.lower().endswith(_CSV_SUFFIXES):
        limit = (limits or Limits()).max_bytes
        if len(data) > limit:
            raise TrackerError(f"is {len(data) / 1048576:,.1f} MB of text; the limit is {limit / 1048576:,.1f} MB "
                               "([imports] max_unzipped_mb)", filename=name)
        grid, sheet_name, notices = _csv_grid(data, name), None, []
    else:
        grid, sheet_name, notices = _xlsx_grid(data, name, sheet, limits, deadline)
    return _parse_grid(grid, name, sheet_name, header_row, notices)


def _load(source: str | Path | bytes, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, filename or "tracker"
    path = Path(source)
    try:
        return path.read_bytes(), filename or path.name
    except OSError as error:
        raise TrackerError(f"cannot be opened ({error.strerror or error})", filename=str(path)) from None


def _xlsx_grid(data: bytes, name: str, sheet: str | None, limits: Limits | None,
               deadline: Deadline | None) -> tuple[Grid, str, list[Notice]]:
    if data.startswith(_OLE_MAGIC):
        raise TrackerError("is an old-style .xls workbook or a password-protected one; "
                           "save it as .xlsx (Excel Workbook) without a password and try again",
                           filename=name)
    if not data.startswith(_XLSX_MAGIC):
        raise TrackerError("is not a spreadsheet: expected an .xlsx workbook or a .csv file", filename=name)
    try:
        with open_workbook(data, limits, deadline) as opened:
            worksheet, notices = _pick_sheet(opened.book, sheet, name)
            return _worksheet_grid(opened, worksheet, name), worksheet.title, notices
    except WorkbookRefused as error:
        raise TrackerError(str(error), filename=name) from None
    except TrackerError:
        raise
    except Exception as error:  # noqa: BLE001 - any failure inside openpyxl means an unreadable file
        raise TrackerError(f"is damaged or not a real .xlsx workbook ({type(error).__name__})",
                           filename=name) from None


def _pick_sheet(workbook, sheet: str | None, name: str):
    if sheet is not None:
        for worksheet in workbook.worksheets:
            if worksheet.title.strip().casefold() == sheet.strip().casefold():
                return worksheet, []
        names = ", ".join(repr(ws.title) for ws in workbook.worksheets)
        raise TrackerError(f"has no sheet named {sheet!r} (its sheets: {names})", filename=name)
    visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    if not visible:
        raise TrackerError("has no visible worksheet", filename=name)
    if len(visible) == 1:
        return visible[0], []
    chosen = workbook.active if workbook.active in visible else visible[0]
    others = ", ".join(repr(ws.title) for ws in visible if ws is not chosen)
    return chosen, [Notice("sheet", f"Read sheet {chosen.title!r}, the one Excel opens on; "
                                    f"the workbook also has {others} (choose with --sheet).")]


def _worksheet_grid(opened: Opened, worksheet, name: str) -> Grid:
    """The sheet's rows as the file holds them (a missing row is an empty one), with comments and merges."""
    comments = _comments(opened, worksheet)
    streamed = StreamedSheet(opened, worksheet)
    grid: Grid = []
    formulas: list[str] = []
    for number, cells in streamed.rows():
        if number > len(grid) + 1:
            opened.budget.spend(number - len(grid) - 1, worksheet.title)
            grid.extend([_NO_CELLS] * (number - len(grid) - 1))
        width = cells[-1][0] if cells else 0
        opened.budget.spend(max(width - len(cells), 0), worksheet.title)  # the padding costs memory too
        line: list[Cell | None] = [None] * width
        for column, value in cells:
            ref = f"{get_column_letter(column)}{number}"
            if value is NO_SAVED_VALUE:
                formulas.append(ref)
                continue
            line[column - 1] = _cell(ref, value, comments.pop(ref, None))
        if number <= len(grid):  # a row written twice: Excel keeps the last
            grid[number - 1] = line
        else:
            grid.append(line)
    if formulas:
        more = f" (and {len(formulas) - 1:,} more formula cells like it)" if len(formulas) > 1 else ""
        raise TrackerError(formula_message(worksheet.title, formulas[0]) + more, filename=name)
    for ref, text in comments.items():  # a comment on a cell that holds nothing
        row, col = coordinate_to_tuple(ref)
        if row <= len(grid) + 1:
            if row == len(grid) + 1:
                grid.append([])
            _put(grid, row, col, Cell(ref, None, text))
    _fill_merged(grid, streamed.merged, opened.budget, worksheet.title)
    return grid


def _comments(opened: Opened, worksheet) -> dict[str, str]:
    """The sheet's cell comments by reference (their parts were size-checked by the guard)."""
    archive, path = opened.book._archive, worksheet._worksheet_path
    rels_path = get_rels_path(path)
    if rels_path not in archive.namelist():
        return {}
    found = {}
    for relation in get_dependents(archive, rels_path).find(COMMENTS_NS):
        if relation.target not in archive.namelist():
            continue
        for ref, comment in CommentSheet.from_tree(fromstring(archive.read(relation.target))).comments:
            opened.budget.spend(1, worksheet.title)
            if comment.text and comment.text.strip():
                found[ref] = comment.text.strip()
    return found


def _cell(ref: str, value: CellValue, comment: str | None) -> Cell | None:
    if isinstance(value, str):
        value = value.strip() or None
    if value is None and comment is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    return Cell(ref, value, comment)


def _fill_merged(grid: Grid, merged: list[str], budget: Budget, sheet: str) -> None:
    """Give every cell of a merged range the value of its top-left cell (Excel shows it so)."""
    for ref in merged:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (TypeError, ValueError):
            continue
        top = _at(grid, min_row, min_col)
        if top is None or top.value is None or max_col > MAX_COLUMNS:
            continue
        last = min(max_row, len(grid))
        budget.spend(max(last - min_row + 1, 0) * (max_col - min_col + 1), sheet)
        for row in range(min_row, last + 1):
            for col in range(min_col, max_col + 1):
                ref = f"{get_column_letter(col)}{row}"
                comment = top.comment if ref == top.ref else None
                _put(grid, row, col, Cell(ref, top.value, comment, merged_from=top.ref))


def _at(grid: Grid, row: int, col: int) -> Cell | None:
    if row > len(grid) or col > len(grid[row - 1]):
        return None
    return grid[row - 1][col - 1]


def _put(grid: Grid, row: int, col: int, cell: Cell) -> None:
    line = grid[row - 1]
    if line is _NO_CELLS:
        line = grid[row - 1] = []
    line.extend([None] * (col - len(line)))
    line[col - 1] = cell


def _csv_grid(data: bytes, name: str) -> Grid:
    text = _decode(data, name)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    grid: Grid = []
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), 1):
            grid.append([_cell(f"{get_column_letter(i)}{number}", v, None) for i, v in enumerate(values, 1)])
    except csv.Error as error:
        raise TrackerError(f"is not a readable CSV file ({error})", filename=name) from None
    return grid


def _decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; otherwise Windows-1252, Excel's UK default."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096] or data.startswith((_XLSX_MAGIC, _OLE_MAGIC, b"\x89PNG")):
        raise TrackerError("is not a CSV text file", filename=name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise TrackerError(f"is neither UTF-8 nor Windows-1252 text (byte {error.start})",
                           filename=name) from None


def _parse_grid(grid: Grid, name: str, sheet: str | None, header_row: int | None,
                notices: list[Notice]) -> ParsedTracker:
    where = f"sheet {sheet!r}" if sheet else None
    if header_row is None:
        header_row = find_header_row(grid[:HEADER_SEARCH_ROWS])
        if header_row is None:
            raise TrackerError("no header row found in the first 30 rows: expected a row of column "
                               "names such as 'Name', 'DBS', 'Date appointed'", filename=name, where=where)
    elif header_row < 1 or header_row > len(grid) or header_score(grid[header_row - 1]) == 0:
        raise TrackerError(f"row {header_row} is not a header row", filename=name, where=where)
    columns = _columns(grid[header_row - 1])
    rows = [_row(line, number) for number, line in enumerate(grid[header_row:], header_row + 1)]
    return ParsedTracker(name, sheet, header_row, columns, [r for r in rows if r.cells], notices)


def _columns(header: list[Cell | None]) -> list[Column]:
    texts = [(i, clean_text(c.value if not isinstance(c.value, date) else c.value.isoformat()))
             for i, c in enumerate(header) if c is not None and clean_text(c.value)]
    seen: dict[str, int] = {}
    for _, text in texts:
        seen[text.casefold()] = seen.get(text.casefold(), 0) + 1
    columns = []
    for index, text in texts:
        letter = get_column_letter(index + 1)
        key = text if seen[text.casefold()] == 1 else f"{text} [{letter}]"
        columns.append(Column(index, letter, text, key))
    return columns


def _row(line: list[Cell | None], number: int) -> TrackerRow:
    return TrackerRow(number, {i: c for i, c in enumerate(line) if c is not None})
