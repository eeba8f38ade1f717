"""Refusing hostile workbooks before openpyxl parses them, and reading sheets within the same limits.

Pure (no Flask, no database): both readers, the contract workbook's (`fpp.imports.workbook`) and the
tracker's (`fpp.imports.tracker.reading`), call `open_workbook` and then `stream_sheet`. In order:

1. The zip itself, from its directory only: a zip at all, not too many entries, none encrypted, none an
   archive inside the archive, an `xl/workbook.xml`, declared sizes within `[imports] max_unzipped_mb`.
2. Every entry decompressed once through a counting stream that stops at the limit (the directory's sizes
   are the sender's word), each worksheet's `<dimension ref>` read by a streaming parse of its first bytes
   and refused when it declares more than `[imports] max_cells`; the cells, rows and merged ranges each
   sheet really holds are counted while streaming, so a sheet that lies in its dimension is refused too.
3. openpyxl in read-only mode, its rows streamed (never padded to the declared dimension) with a budget
   that counts the cells really read, and a deadline (`[imports] max_seconds`) over reading and planning.
"""
from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError, iterparse
from xml.parsers import expat

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._reader import CELL_TAG, FORMULA_TAG, ROW_TAG, VALUE_TAG, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

MAX_ENTRIES = 1_000  # an Excel workbook holds a few dozen parts; a thousand is a hundred sheets with extras
MAX_COLUMNS = 16_384  # Excel's last column, XFD
CHUNK = 1 << 16
HEAD_BYTES = 1 << 20  # the <dimension> comes before <sheetData>, within the first few hundred bytes
ARCHIVE_SUFFIXES = (".zip", ".xlsx", ".xlsm", ".xlsb", ".docx", ".pptx", ".jar", ".7z", ".gz", ".rar")
MERGE_CELL_TAG = f"{{{SHEET_MAIN_NS}}}mergeCell"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass(frozen=True)
class Limits:
    """The `[imports]` limits (CONTRACT.md "Configuration"); the defaults are config.py's."""

    max_cells: int = 2_000_000
    max_unzipped_mb: int = 200
    max_seconds: float = 120

    @classmethod
    def from_settings(cls, values) -> Limits:
        """The limits from the effective configuration (anything indexable by key, e.g. `settings()`)."""
        return cls(values["imports_max_cells"], values["imports_max_unzipped_mb"], values["imports_max_seconds"])

    @property
    def max_bytes(self) -> int:
        return self.max_unzipped_mb * 1024 * 1024

    @property
    def max_part_bytes(self) -> int:
        """Parts other than sheets and shared strings (styles, comments, ...) are small in any real workbook,
        and openpyxl holds them in memory whole: a tenth of the unzipped limit, at least 10 MB."""
        return max(self.max_bytes // 10, 10 * 1024 * 1024)


class WorkbookRefused(Exception):
    """A file refused before or while it is read: ``str()`` says which limit, the value found and the limit."""


class Deadline:
    """The time one import may take, reading and planning together (`[imports] max_seconds`)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds, self.clock = seconds, clock
        self.ends = clock() + seconds

    def check(self, error: Callable[[str], Exception] = WorkbookRefused) -> None:
        """Raise ``error(message)`` (WorkbookRefused unless told) once the time is up."""
        if self.clock() > self.ends:
            raise error(f"reading and planning the import took longer than {self.seconds:g} seconds, the "
                        "limit ([imports] max_seconds); split the file into smaller ones")


class Budget:
    """The cells one import may read, counted as they are really read (not as the file declares them)."""

    def __init__(self, limits: Limits, deadline: Deadline):
        self.limits, self.deadline, self.used = limits, deadline, 0
        self._next_check = 0

    def spend(self, count: int, sheet: str) -> None:
        """Count ``count`` more cells of ``sheet``; refuse past the limit; look at the clock now and then."""
        self.used += count
        if self.used > self.limits.max_cells:
            raise WorkbookRefused(f"sheet {sheet} holds more than {self.limits.max_cells:,} cells; the limit is "
                                  f"{self.limits.max_cells:,} ([imports] max_cells)")
        if self.used >= self._next_check:
            self._next_check = self.used + 4096
            self.deadline.check()


@dataclass
class Inspection:
    """What the guard learnt: sheet names by part path, and what each part really holds."""

    sheets: dict[str, str] = field(default_factory=dict)  # "xl/worksheets/sheet1.xml" -> "Checks"
    names: list[str] = field(default_factory=list)  # sheet names in workbook order
    cells: dict[str, int] = field(default_factory=dict)  # part path -> cells, rows and merged ranges counted
    unzipped: int = 0


# 1. The zip, from its directory.

def _open_zip(source: bytes | str | Path, limits: Limits) -> zipfile.ZipFile:
    stream = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
    try:
        end = zipfile._EndRecData(stream)  # the entry count, before ZipFile reads every directory entry
        if end is None:
            raise WorkbookRefused("is damaged or not a real .xlsx workbook (it is not a zip archive)")
        if end[zipfile._ECD_ENTRIES_TOTAL] > MAX_ENTRIES:
            raise WorkbookRefused(f"the archive holds {end[zipfile._ECD_ENTRIES_TOTAL]:,} entries; the limit is "
                                  f"{MAX_ENTRIES:,}: it is not a workbook Excel writes")
        return zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        stream.close()
        raise WorkbookRefused("is damaged or not a real .xlsx workbook (its zip archive cannot be read)") from None
    except WorkbookRefused:
        stream.close()
        raise


def _check_directory(archive: zipfile.ZipFile, limits: Limits) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise WorkbookRefused(f"the archive holds {len(infos):,} entries; the limit is {MAX_ENTRIES:,}")
    if "xl/workbook.xml" not in archive.NameToInfo:
        raise WorkbookRefused("is not a readable .xlsx workbook (the archive has no xl/workbook.xml)")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise WorkbookRefused(f"is encrypted ({info.filename}): save it without a password and try again")
        if info.filename.lower().endswith(ARCHIVE_SUFFIXES):
            raise WorkbookRefused(f"holds another archive ({info.filename}): embedded files are not accepted; "
                                  "copy the cells into a new workbook")
        _check_size(info.filename, info.file_size, limits, declared=True)
        total += info.file_size
        _check_total(total, limits, declared=True)


def _check_size(name: str, size: int, limits: Limits, declared: bool = False) -> None:
    limit = limits.max_bytes if _is_big_part(name) else limits.max_part_bytes
    if size > limit:
        says = "declares" if declared else "unzips to more than"
        raise WorkbookRefused(f"{name} {says} {_mb(size)} of XML once unzipped; the limit is {_mb(limit)} "
                              f"([imports] max_unzipped_mb{'' if _is_big_part(name) else ', a tenth for this part'})")


def _check_total(total: int, limits: Limits, declared: bool = False) -> None:
    if total > limits.max_bytes:
        says = "declares" if declared else "unzips to more than"
        raise WorkbookRefused(f"the workbook {says} {_mb(total)} once unzipped; the limit is "
                              f"{_mb(limits.max_bytes)} ([imports] max_unzipped_mb)")


def _is_big_part(name: str) -> bool:
    """Sheets and the shared strings may be large; every other part of a real workbook is small."""
    return name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml" or not name.endswith((".xml", ".rels"))


def _mb(size: int) -> str:
    return f"{size / 1048576:,.1f} MB" if size < 100 * 1048576 else f"{size // 1048576:,} MB"


# 2. Every entry, decompressed once through a counting stream.

def counted_chunks(stream, limit: int, name: str, deadline: Deadline, declared: int = 0) -> Iterator[bytes]:
    """The bytes of ``stream`` in chunks; refuses once more than ``limit`` bytes came out, whatever the
    archive ``declared``, and when the deadline passes."""
    seen = 0
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return
        seen += len(chunk)
        if seen > limit:
            raise WorkbookRefused(f"{name} unzips to more than {_mb(limit)} (the archive declares {_mb(declared)}); "
                                  f"the limit is {_mb(limit)} ([imports] max_unzipped_mb)")
        deadline.check()
        yield chunk


class _Head:
    """A streaming parse of a part's first bytes: its root element, and a worksheet's <dimension ref>."""

    class Done(Exception):
        pass

    def __init__(self):
        self.root: str | None = None
        self.dimension: str | None = None
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self._start
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.fed = 0
        self.done = False

    def _start(self, name: str, attributes: dict) -> None:
        local = name.rpartition(":")[2]
        if self.root is None:
            self.root = name
            if local not in ("worksheet", "dialogsheet"):
                raise self.Done
        elif local == "dimension":
            self.dimension = attributes.get("ref")
            raise self.Done
        elif local == "sheetData":
            raise self.Done

    def _doctype(self, *_args) -> None:
        raise WorkbookRefused("declares an XML document type: no workbook Excel writes does")

    def feed(self, chunk: bytes, name: str) -> None:
        if self.done:
            return
        self.fed += len(chunk)
        try:
            self.parser.Parse(chunk, False)
        except self.Done:
            self.done = True
        except expat.ExpatError as error:
            raise WorkbookRefused(f"{name} is not well-formed XML ({expat.ErrorString(error.code)})") from None
        if self.fed > HEAD_BYTES:
            self.done = True

    @property
    def prefix(self) -> bytes:
        return (self.root or "").rpartition(":")[0].encode() + (b":" if ":" in (self.root or "") else b"")


class _TagCounter:
    """Counts start tags of the given local names in a byte stream (a chunk boundary never hides one).

    At C speed: a tag followed by a space, ">" or "/", as every writer writes them. A file that writes
    ``<c\n r=...>`` to slip past this count is still stopped by the reader's budget (`Budget`)."""

    def __init__(self, prefix: bytes, names: tuple[bytes, ...], sheet: bool = False):
        self.sheet = sheet
        self.needles = [b"<" + prefix + n + end for n in names for end in (b" ", b">", b"/")]
        self.keep = max(len(n) for n in self.needles) - 1
        self.tail = b""
        self.count = 0

    def feed(self, chunk: bytes) -> None:
        text = self.tail + chunk
        self.count += sum(text.count(n) for n in self.needles)
        self.tail = text[-self.keep:]


def inspect(source: bytes | str | Path, limits: Limits, deadline: Deadline | None = None) -> Inspection:
    """Check ``source`` against ``limits`` without openpyxl; raise WorkbookRefused naming the limit."""
    deadline = deadline or Deadline(limits.max_seconds)
    with _open_zip(source, limits) as archive:
        _check_directory(archive, limits)
        found = _sheet_paths(archive, limits, deadline)
        total = 0
        for info in archive.infolist():
            total += _inspect_part(archive, info, found, limits, deadline, total)
        found.unzipped = total
    return found


def _inspect_part(archive, info, found: Inspection, limits: Limits, deadline: Deadline, total: int) -> int:
    name = info.filename
    label = f"sheet {found.sheets[name]}" if name in found.sheets else name
    head, counter, size = _Head(), None, 0
    limit = min(limits.max_bytes if _is_big_part(name) else limits.max_part_bytes, limits.max_bytes - total)
    try:
        with archive.open(info) as stream:
            for chunk in counted_chunks(stream, limit, label, deadline, info.file_size):
                if size == 0 and chunk.startswith(b"PK\x03\x04"):
                    raise WorkbookRefused(f"holds another archive ({name}): embedded files are not accepted")
                size += len(chunk)
                if name.endswith((".xml", ".rels")):
                    head.feed(chunk, label)
                    counter = counter or _counter_for(head, name, found, limits)
                    if counter is not None:
                        counter.feed(chunk)
                        _check_count(counter.count, label, limits)
    except zipfile.BadZipFile:
        raise WorkbookRefused(f"is damaged: {name} does not match what the archive declares") from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as error:
        raise WorkbookRefused(f"is damaged: {name} cannot be unzipped ({type(error).__name__})") from None
    if counter is not None and counter.sheet:
        found.cells[name] = counter.count
        _check_count(sum(found.cells.values()), "the workbook's sheets together", limits)
    _check_total(total + size, limits)
    return size


def _counter_for(head: _Head, name: str, found: Inspection, limits: Limits) -> _TagCounter | None:
    """Once the head is parsed: a counter of what openpyxl will hold for this part, or None."""
    if not head.done and head.fed <= HEAD_BYTES:
        return None
    local = (head.root or "").rpartition(":")[2]
    if local in ("worksheet", "dialogsheet"):
        _check_dimension(head.dimension, found.sheets.get(name, name), limits)
        return _TagCounter(head.prefix, (b"c", b"row", b"mergeCell"), sheet=True)
    if local == "sst":  # openpyxl holds every shared string in memory: no more of them than cells
        return _TagCounter(head.prefix, (b"si",))
    return None


def _check_dimension(ref: str | None, sheet: str, limits: Limits) -> None:
    if not ref:
        return
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref.split()[0])
        cells = (max_col - min_col + 1) * (max_row - min_row + 1)
    except (TypeError, ValueError, IndexError):
        return  # a damaged dimension says nothing; the count while streaming still applies
    if cells > limits.max_cells:
        raise WorkbookRefused(f"the workbook declares {cells:,} cells ({ref} on sheet {sheet}); the limit is "
                              f"{limits.max_cells:,} ([imports] max_cells)")


def _check_count(count: int, label: str, limits: Limits) -> None:
    if count > limits.max_cells:
        raise WorkbookRefused(f"{label} holds more than {limits.max_cells:,} cells, rows and merged ranges; the "
                              f"limit is {limits.max_cells:,} ([imports] max_cells)")


def _sheet_paths(archive: zipfile.ZipFile, limits: Limits, deadline: Deadline) -> Inspection:
    """Sheet names and their parts, from xl/workbook.xml and its relationships (each read within limits)."""
    found = Inspection()
    workbook = _small_part(archive, "xl/workbook.xml", limits, deadline)
    rels = _small_part(archive, "xl/_rels/workbook.xml.rels", limits, deadline) if \
        "xl/_rels/workbook.xml.rels" in archive.NameToInfo else b""
    targets = {}
    for element in _elements(rels, f"{{{_PKG_REL_NS}}}Relationship"):
        target = element.get("Target", "")
        targets[element.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    for element in _elements(workbook, f"{{{SHEET_MAIN_NS}}}sheet"):
        name = element.get("name", "")
        found.names.append(name)
        path = targets.get(element.get(f"{{{_REL_NS}}}id"))
        if path:
            found.sheets[path] = name
    return found


def _small_part(archive: zipfile.ZipFile, name: str, limits: Limits, deadline: Deadline) -> bytes:
    try:
        with archive.open(name) as stream:
            return b"".join(counted_chunks(stream, limits.max_part_bytes, name, deadline,
                                           archive.getinfo(name).file_size))
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as error:
        raise WorkbookRefused(f"is damaged: {name} cannot be unzipped ({type(error).__name__})") from None


def _elements(data: bytes, tag: str) -> Iterator:
    head = _Head()
    head.feed(data[:HEAD_BYTES], "xl/workbook.xml")  # refuses a document type declaration
    try:
        for _, element in iterparse(io.BytesIO(data)):
            if element.tag == tag:
                yield element
    except ParseError:
        raise WorkbookRefused("is damaged: xl/workbook.xml is not well-formed XML") from None


def sheet_names(source: bytes | str | Path, limits: Limits | None = None) -> list[str]:
    """The workbook's sheet names, read within ``limits`` (the whole file is inspected when it is read)."""
    limits = limits or Limits()
    deadline = Deadline(limits.max_seconds)
    with _open_zip(source, limits) as archive:
        _check_directory(archive, limits)
        return _sheet_paths(archive, limits, deadline).names


# 3. openpyxl, read-only, within the budget.

class _NoSavedValue:
    """A formula cell that holds no saved value (a file no spreadsheet program has calculated)."""

    def __repr__(self) -> str:
        return "NO_SAVED_VALUE"


NO_SAVED_VALUE = _NoSavedValue()


def formula_message(sheet: str, ref: str) -> str:
    """The one sentence both readers use for a formula cell without a saved value."""
    return (f"{sheet}!{ref} holds a formula with no saved value: open and save the workbook in Excel, "
            "or paste values")


@dataclass
class Opened:
    """A workbook opened by `open_workbook`: openpyxl's read-only workbook, the inspection and the budget."""

    book: Any
    inspection: Inspection
    budget: Budget
    deadline: Deadline


@contextmanager
def open_workbook(source: bytes | str | Path, limits: Limits | None = None,
                  deadline: Deadline | None = None) -> Iterator[Opened]:
    """Inspect ``source``, then open it with openpyxl (read-only, cached values); closes it afterwards.

    Raises WorkbookRefused for a refused file, and whatever openpyxl raises for a damaged one.
    """
    limits = limits or Limits()
    deadline = deadline or Deadline(limits.max_seconds)
    inspection = inspect(source, limits, deadline)
    stream = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
        try:
            deadline.check()
            yield Opened(book, inspection, Budget(limits, deadline), deadline)
        finally:
            book.close()
    finally:
        stream.close()


class _Parser(WorkSheetParser):
    """openpyxl's cell parsing; marks a formula without a saved value, keeps nothing about rows."""

    def parse_cell(self, element) -> dict:
        cell = super().parse_cell(element)
        if element.find(FORMULA_TAG) is not None and not element.findtext(VALUE_TAG) \
                and element.get("t") != "str":  # an empty text result is a saved value; an empty number is not
            cell["value"] = NO_SAVED_VALUE
        return cell

    def parse_row(self, row) -> tuple[int, list[dict]]:
        number = row.get("r")
        try:
            self.row_counter = int(float(number)) if number else self.row_counter + 1
        except ValueError:
            raise WorkbookRefused(f"is damaged: {number!r} is not a row number") from None
        self.col_counter = 0
        return self.row_counter, [self.parse_cell(el) for el in row if el.tag == CELL_TAG]


@dataclass
class StreamedSheet:
    """A worksheet read row by row: ``rows()`` yields (row number, [(column number, value), ...]) for the
    cells the file really holds, in order; ``merged`` lists the merged ranges once the rows are read."""

    opened: Opened
    worksheet: Any
    merged: list[str] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[int, list[tuple[int, Any]]]]:
        book, budget, title = self.opened.book, self.opened.budget, self.worksheet.title
        parser = _Parser(None, book.shared_strings, data_only=True, epoch=book.epoch,
                         date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        try:
            with book._archive.open(self.worksheet._worksheet_path) as source:
                for number, cells in self._rows(source, parser, title):
                    budget.spend(len(cells) + 1, title)
                    yield number, [(c["column"], c["value"]) for c in cells]
        except (ParseError, ValueError, KeyError, IndexError) as error:
            if isinstance(error, WorkbookRefused):
                raise
            raise WorkbookRefused(f"is damaged: sheet {title} cannot be read ({type(error).__name__})") from None

    def _rows(self, source, parser: _Parser, title: str) -> Iterator[tuple[int, list[dict]]]:
        """Rows as they end; every element outside a row is dropped once read, so memory stays flat."""
        stack, in_row, width = [], False, 0
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                stack.append(element)
                if element.tag == ROW_TAG:
                    in_row, width = True, 0
                elif in_row and element.tag == CELL_TAG:
                    width += 1
                    if width > MAX_COLUMNS:
                        raise WorkbookRefused(f"sheet {title} has a row of more than {MAX_COLUMNS:,} cells")
                continue
            stack.pop()
            if element.tag == ROW_TAG:
                in_row = False
                yield parser.parse_row(element)
            elif element.tag == MERGE_CELL_TAG:
                self.opened.budget.spend(1, title)
                self.merged.append(element.get("ref", ""))
            if not in_row and stack:
                stack[-1].remove(element)
