"""fpp.imports.guard: hostile workbooks refused before openpyxl parses them, against lowered limits.

The builders here write small bombs of each kind; bench/bench_import_bombs.py builds them at full size.
"""
from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from fpp.imports.guard import (MAX_ENTRIES, NO_SAVED_VALUE, Deadline, Limits, StreamedSheet, WorkbookRefused,
                               counted_chunks, inspect, open_workbook, sheet_names)
from fpp.imports.tracker import TrackerError, read_tracker
from fpp.imports.workbook import WorkbookError, read_workbook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SMALL = Limits(max_cells=1_000, max_unzipped_mb=1, max_seconds=60)
TRACKER_HEADER = [("A", "Name"), ("B", "DBS date")]


def cell_xml(ref: str, value) -> str:
    if isinstance(value, str) and value.startswith("="):
        return f'<c r="{ref}"><f>{value[1:]}</f></c>'  # a formula with no saved value
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def sheet_xml(rows: dict[int, list[tuple[str, object]]], dimension: str | None = None, prefix: str = "") -> bytes:
    """A worksheet part: ``rows`` maps a row number to (column letter, value) pairs."""
    p = f"{prefix}:" if prefix else ""
    body = "".join(f'<{p}row r="{n}">' + "".join(cell_xml(f"{col}{n}", v) for col, v in cells)
                   .replace("<c ", f"<{p}c ").replace("</c>", f"</{p}c>") + f"</{p}row>" for n, cells in rows.items())
    dim = f'<{p}dimension ref="{dimension}"/>' if dimension else ""
    ns = f'xmlns{":" + prefix if prefix else ""}="{MAIN}"'
    return (f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {ns}>{dim}<{p}sheetData>{body}</{p}sheetData>'
            f"</{p}worksheet>").encode()


def build_xlsx(sheets: dict[str, bytes | object], extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .xlsx written by hand (as an attacker would): ``sheets`` maps a name to its part, or to a
    callable writing the part to an open zip entry (for parts too big to hold in memory)."""
    names = list(sheets)
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                        f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                        for i in range(1, len(names) + 1))
    content_types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                     'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
                     'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/'
                     'xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                     f'officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>')
    root_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                 'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    workbook = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
                + "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
                + "</sheets></workbook>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships">' + "".join(
                f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(names) + 1)) + "</Relationships>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        for i, part in enumerate(sheets.values(), 1):
            if callable(part):
                with archive.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as stream:
                    part(stream)
            else:
                archive.writestr(f"xl/worksheets/sheet{i}.xml", part)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def dimension_bomb(sheet: str = "Checks") -> bytes:
    """One cell at XFD1048576 and a dimension saying so: 17,179,869,184 cells declared, a tiny file."""
    return build_xlsx({sheet: sheet_xml({1048576: [("XFD", 1)]}, dimension="A1:XFD1048576")})


def write_row_bomb(stream, rows: int, dimension: str | None = None) -> None:
    """Many rows of one tiny cell each: compresses to almost nothing."""
    stream.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode())
    if dimension:
        stream.write(f'<dimension ref="{dimension}"/>'.encode())
    stream.write(b"<sheetData>")
    block = []
    for n in range(1, rows + 1):
        block.append(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>')
        if len(block) == 10_000:
            stream.write("".join(block).encode())
            block = []
    stream.write("".join(block).encode() + b"</sheetData></worksheet>")


def row_bomb(rows: int, dimension: str | None = None, sheet: str = "Tracker") -> bytes:
    return build_xlsx({sheet: lambda stream: write_row_bomb(stream, rows, dimension)})


def lie_about_sizes(data: bytes, name: str, size: int) -> bytes:
    """The archive with ``name``'s uncompressed size rewritten as ``size`` (in its local and central headers)."""
    data = bytearray(data)
    encoded = name.encode()
    central = data.find(b"PK\x01\x02")
    while central != -1:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46:central + 46 + length]) == encoded:
            struct.pack_into("<I", data, central + 24, size)
            local = struct.unpack_from("<I", data, central + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def refused(source, limits=SMALL) -> str:
    with pytest.raises(WorkbookRefused) as caught:
        inspect(source, limits)
    return str(caught.value)


# The kinds of hostile file, each refused with the limit named.

def test_a_declared_xfd1048576_cell_is_refused_from_the_dimension():
    data = dimension_bomb()
    assert len(data) < 2_000
    assert refused(data, Limits()) == ("the workbook declares 17,179,869,184 cells (A1:XFD1048576 on sheet "
                                       "Checks); the limit is 2,000,000 ([imports] max_cells)")


def test_a_row_bomb_without_a_dimension_is_counted_while_streaming():
    message = refused(row_bomb(5_000))
    assert message == ("sheet Tracker holds more than 1,000 cells, rows and merged ranges; the limit is 1,000 "
                       "([imports] max_cells)")


def test_a_sheet_that_lies_in_its_dimension_is_counted_too():
    assert "sheet Tracker holds more than 1,000 cells" in refused(row_bomb(5_000, dimension="A1:A2"))


def test_a_sheet_too_big_once_unzipped_is_refused_from_the_declared_size():
    message = refused(row_bomb(40_000), Limits(max_cells=10**9, max_unzipped_mb=1))
    assert message.startswith("xl/worksheets/sheet1.xml declares ") and "the limit is 1.0 MB" in message
    assert "[imports] max_unzipped_mb" in message


def test_the_total_unzipped_size_is_limited_too():
    parts = {f"Sheet{i}": sheet_xml({1: [("A", "x" * 200_000)]}) for i in range(1, 7)}
    message = refused(build_xlsx(parts), Limits(max_unzipped_mb=1))
    assert message.startswith("the workbook declares 1.") and "the limit is 1.0 MB ([imports] max_unzipped_mb)" in message


def test_a_zip_whose_declared_size_is_smaller_than_the_real_one_is_refused():
    data = lie_about_sizes(row_bomb(40_000), "xl/worksheets/sheet1.xml", 1_000)
    message = refused(data, Limits(max_cells=10**9, max_unzipped_mb=1))
    assert message == "is damaged: xl/worksheets/sheet1.xml does not match what the archive declares"


def test_the_counting_stream_stops_at_the_limit_whatever_was_declared():
    stream = io.BytesIO(b"x" * 300_000)
    chunks = counted_chunks(stream, 100_000, "sheet Checks", Deadline(60), declared=1_000)
    with pytest.raises(WorkbookRefused, match=r"sheet Checks unzips to more than 0.1 MB \(the archive declares "
                                              r"0.0 MB\); the limit is 0.1 MB"):
        list(chunks)
    assert stream.tell() <= 100_000 + 65_536  # it stopped reading one chunk past the limit


@pytest.mark.parametrize("data, words", [
    (b"just text", "is damaged or not a real .xlsx workbook (it is not a zip archive)"),
    (b"PK\x03\x04 truncated", "is damaged or not a real .xlsx workbook (it is not a zip archive)"),
    (dimension_bomb()[:-30], "is damaged or not a real .xlsx workbook (it is not a zip archive)"),
])
def test_a_file_that_is_not_a_zip(data, words):
    assert refused(data) == words


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_without_a_workbook():
    assert refused(_zip({"word/document.xml": b"<w/>"})) == ("is not a readable .xlsx workbook (the archive has "
                                                             "no xl/workbook.xml)")


def test_a_zip_of_too_many_entries():
    message = refused(_zip({"xl/workbook.xml": b"<x/>", **{f"f{i}": b"" for i in range(MAX_ENTRIES + 1)}}))
    assert message.startswith(f"the archive holds {MAX_ENTRIES + 2:,} entries; the limit is {MAX_ENTRIES:,}")


def test_an_archive_inside_the_archive():
    data = build_xlsx({"Tracker": sheet_xml({1: [("A", "Name")]})}, extra={"xl/embeddings/inner.xlsx": b"PK"})
    assert refused(data).startswith("holds another archive (xl/embeddings/inner.xlsx)")
    renamed = build_xlsx({"Tracker": sheet_xml({1: [("A", "Name")]})}, extra={"xl/media/image1.bin": _zip({"a": b""})})
    assert refused(renamed).startswith("holds another archive (xl/media/image1.bin)")


def test_an_encrypted_entry():
    data = bytearray(build_xlsx({"Tracker": sheet_xml({1: [("A", "Name")]})}))
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, central + 8, struct.unpack_from("<H", data, central + 8)[0] | 1)
    assert refused(bytes(data)).startswith("is encrypted ([Content_Types].xml)")


def test_a_document_type_declaration_is_refused():
    part = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + sheet_xml({1: [("A", "x")]})[38:]
    assert refused(build_xlsx({"Tracker": part})) == "declares an XML document type: no workbook Excel writes does"


def test_a_prefixed_namespace_is_counted_as_well():
    rows = {n: [("A", 1)] for n in range(1, 800)}
    assert "holds more than 1,000 cells" in refused(build_xlsx({"Tracker": sheet_xml(rows, prefix="x")}))


def test_a_deadline_refuses_once_the_time_is_up():
    now = [0.0]
    deadline = Deadline(5, clock=lambda: now[0])
    deadline.check()
    now[0] = 6
    with pytest.raises(WorkbookRefused, match=r"took longer than 5 seconds, the limit \(\[imports\] max_seconds\)"):
        inspect(build_xlsx({"Tracker": sheet_xml({1: [("A", "Name")]})}), SMALL, deadline)


def test_the_cells_really_read_are_bounded_while_reading(tmp_path):
    # 600 cells pass the guard; the tracker's grid pads the row to column XFD, and that is counted.
    rows = {1: TRACKER_HEADER, 2: [("A", "Ann"), ("XFD", 1)]}
    with pytest.raises(TrackerError, match="sheet Tracker holds more than 1,000 cells"):
        read_tracker(build_xlsx({"Tracker": sheet_xml(rows)}), filename="t.xlsx", limits=SMALL)


# Both readers refuse with the guard's message, naming the file.

def test_both_readers_refuse_a_bomb_naming_the_file(tmp_path):
    path = tmp_path / "board.xlsx"
    path.write_bytes(dimension_bomb())
    with pytest.raises(WorkbookError, match=r"board.xlsx: the workbook declares 17,179,869,184 cells"):
        read_workbook(path)
    with pytest.raises(TrackerError, match=r"^board.xlsx: the workbook declares 17,179,869,184 cells"):
        read_tracker(path)
    with pytest.raises(TrackerError, match=r"^t.xlsx: sheet Tracker holds more than 1,000 cells"):
        read_tracker(row_bomb(5_000), filename="t.xlsx", limits=SMALL)


def test_sheet_names_are_read_within_the_limits():
    assert sheet_names(build_xlsx({"Members": sheet_xml({}), "Checks": sheet_xml({})})) == ["Members", "Checks"]
    with pytest.raises(WorkbookRefused):
        sheet_names(b"not a zip")


def test_rows_stream_only_the_cells_the_file_holds():
    data = build_xlsx({"Tracker": sheet_xml({1: [("A", "Name")], 5: [("C", 2)]}, dimension="A1:XFD5")},)
    with open_workbook(data, Limits(max_cells=10**12)) as opened:
        rows = list(StreamedSheet(opened, opened.book.worksheets[0]).rows())
    assert rows == [(1, [(1, "Name")]), (5, [(3, 2)])]


# Formula cells: a saved value is used; none is named.

def _with_formula(value_xml: str) -> bytes:
    part = sheet_xml({1: [("A", "Name"), ("B", "DBS date")], 2: [("A", "Ann"), ("B", "=TODAY()")]})
    return build_xlsx({"Tracker": part.replace(b"<f>TODAY()</f>", b"<f>TODAY()</f>" + value_xml.encode())})


def test_a_formula_without_a_saved_value_is_named_by_the_tracker_reader():
    for data in (_with_formula(""), _with_formula("<v></v>")):
        with pytest.raises(TrackerError) as caught:
            read_tracker(data, filename="t.xlsx")
        assert str(caught.value) == ("t.xlsx: Tracker!B2 holds a formula with no saved value: open and save the "
                                     "workbook in Excel, or paste values")


def test_a_formula_with_a_saved_value_uses_the_value():
    tracker = read_tracker(_with_formula("<v>45000</v>"), filename="t.xlsx")
    assert tracker.rows[0].cells[1].value == 45000
    with open_workbook(_with_formula("")) as opened:
        assert list(StreamedSheet(opened, opened.book.worksheets[0]).rows())[1][1][1] == (2, NO_SAVED_VALUE)


def test_a_formula_without_a_saved_value_is_named_by_the_workbook_reader(tmp_path):
    members = sheet_xml({1: [("A", "Member ID"), ("B", "Name"), ("C", "Position"), ("D", "Start date")],
                         2: [("A", "A01"), ("B", "Ann"), ("C", "Chair"), ("D", "2024-01-01")]})
    checks = sheet_xml({1: [("A", "Member ID"), ("B", "Check"), ("C", "Completed on")],
                        11: [("A", "A01"), ("B", "identity"), ("C", "=TODAY()")]})
    path = tmp_path / "board.xlsx"
    path.write_bytes(build_xlsx({"Members": members, "Checks": checks}))
    messages = [str(p) for p in read_workbook(path).problems]
    assert messages == ["sheet Checks, row 11, column Completed on (C11): Checks!C11 holds a formula with no saved "
                        "value: open and save the workbook in Excel, or paste values"]


def test_the_default_limits_are_the_configuration_defaults():
    from fpp.config import SCHEMA
    defaults = Limits()
    assert (defaults.max_cells, defaults.max_unzipped_mb, defaults.max_seconds) == (
        SCHEMA["imports_max_cells"][1], SCHEMA["imports_max_unzipped_mb"][1], SCHEMA["imports_max_seconds"][1])
    assert Limits.from_settings({"imports_max_cells": 5, "imports_max_unzipped_mb": 6, "imports_max_seconds": 7}) \
        == Limits(5, 6, 7)


def test_a_real_workbook_passes(tmp_path):
    from openpyxl import Workbook
    book = Workbook()
    book.active.append(["Name", "DBS date"])
    path = Path(tmp_path / "real.xlsx")
    book.save(path)
    found = inspect(path, SMALL)
    assert found.names == ["Sheet"] and found.cells == {"xl/worksheets/sheet1.xml": 3}


def test_a_shared_strings_table_of_more_strings_than_cells_is_refused():
    strings = (f'<sst xmlns="{MAIN}">' + "<si><t>x</t></si>" * 1_500 + "</sst>").encode()
    data = build_xlsx({"Tracker": sheet_xml({1: [("A", "Name")]})}, extra={"xl/sharedStrings.xml": strings})
    assert refused(data).startswith("xl/sharedStrings.xml holds more than 1,000 cells")


def test_a_big_part_other_than_sheets_is_refused():
    styles = (f'<styleSheet xmlns="{MAIN}"><cellXfs>' + "<xf/>" * 2_200_000 + "</cellXfs></styleSheet>").encode()
    data = build_xlsx({"Tracker": sheet_xml({1: [("A", "Name")]})}, extra={"xl/styles.xml": styles})
    message = refused(data, Limits(max_unzipped_mb=40))
    assert message == ("xl/styles.xml declares 10.5 MB of XML once unzipped; the limit is 10.0 MB ([imports] "
                       "max_unzipped_mb, a tenth for this part)")


def test_a_csv_tracker_is_limited_by_its_size():
    text = b"Name,DBS date\n" + b"Ann,1/2/2023\n" * 100_000
    with pytest.raises(TrackerError, match=r"^t.csv: is 1.2 MB of text; the limit is 1.0 MB \(\[imports\] max_unzipped_mb\)"):
        read_tracker(text, filename="t.csv", limits=SMALL)


def test_a_row_of_more_cells_than_excel_allows_is_refused_while_reading():
    row = "<row>" + "<c><v>1</v></c>" * 16_385 + "</row>"
    part = sheet_xml({}).replace(b"<sheetData></sheetData>", f"<sheetData>{row}</sheetData>".encode())
    with pytest.raises(TrackerError, match="sheet Sheet1 has a row of more than 16,384 cells"):
        read_tracker(build_xlsx({"Sheet1": part}), filename="t.xlsx", limits=Limits(max_cells=10**6))
