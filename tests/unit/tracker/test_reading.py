"""Reading real tracker files: header rows, merged cells, CSV encodings, broken files."""

from datetime import date

import pytest

from fpp.imports.tracker import TrackerError, read_tracker

from .conftest import HEADERS, member_row


def test_header_on_row_one(make_xlsx):
    tracker = read_tracker(make_xlsx([HEADERS, member_row()]))
    assert tracker.header_row == 1
    assert [c.key for c in tracker.columns] == HEADERS
    assert tracker.rows[0].cells[0].ref == "A2"


def test_header_on_row_six_under_title_rows(make_xlsx):
    titles = ["Fit and Proper Persons Test - Board tracker", "Maintained by the Trust Secretary", None,
              "RED = outstanding", None]
    path = make_xlsx([HEADERS, member_row()], titles=titles, merge=["A1:H1"])
    tracker = read_tracker(path)
    assert tracker.header_row == 6
    assert tracker.rows[0].number == 7
    assert tracker.rows[0].cells[6].ref == "G7"


def test_merged_cells_carry_their_value(make_xlsx):
    rows = [HEADERS, member_row(name="Ann Smith", esr="1"), member_row(name="Bob Jones", esr="2", identity=None)]
    tracker = read_tracker(make_xlsx(rows, merge=["F2:F3"]))
    assert tracker.rows[1].cells[5].value == date(2019, 12, 1)
    assert tracker.rows[1].cells[5].merged_from == "F2"


def test_comments_are_kept(make_xlsx):
    tracker = read_tracker(make_xlsx([HEADERS, member_row()], comments={"F2": "seen passport"}))
    assert tracker.rows[0].cells[5].comment == "seen passport"


def test_csv_in_windows_1252(tmp_path):
    path = tmp_path / "tracker.csv"
    path.write_bytes("Name,ESR no.,DBS date,Notes\r\nRenée Côté,1001,14/03/2023,Fee £40\r\n".encode("cp1252"))
    tracker = read_tracker(path)
    cells = tracker.rows[0].cells
    assert (cells[0].value, cells[3].value, cells[2].ref) == ("Renée Côté", "Fee £40", "C2")


def test_csv_in_utf8_with_bom(tmp_path):
    path = tmp_path / "tracker.csv"
    path.write_bytes("Name;ESR no.;DBS date\nZoë Brontë;1001;14.03.2023\n".encode("utf-8-sig"))
    tracker = read_tracker(path)
    assert tracker.columns[0].header == "Name"
    assert tracker.rows[0].cells[0].value == "Zoë Brontë"


def test_csv_from_bytes_uses_the_given_filename():
    tracker = read_tracker(b"Name,DBS date\nAnn,1/2/2023\n", filename="upload.csv")
    assert tracker.filename == "upload.csv" and tracker.rows[0].cells[1].value == "1/2/2023"


@pytest.mark.parametrize("content, words", [
    (b"PK\x03\x04truncated zip", "damaged"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a spreadsheet"),
    (b"just some notes, not a workbook\n", "not a spreadsheet"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
])
def test_unreadable_files_raise_one_clear_error(tmp_path, content, words):
    path = tmp_path / "board.xlsx"
    path.write_bytes(content)
    with pytest.raises(TrackerError) as caught:
        read_tracker(path)
    assert str(caught.value).startswith("board.xlsx: ") and words in str(caught.value)


def test_truncated_real_workbook(make_xlsx):
    data = make_xlsx([HEADERS, member_row()]).read_bytes()
    with pytest.raises(TrackerError, match="tracker.xlsx: is damaged"):
        read_tracker(data[: len(data) // 2], filename="tracker.xlsx")


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(TrackerError, match="nothere.xlsx: cannot be opened"):
        read_tracker(tmp_path / "nothere.xlsx")


def test_unknown_sheet_lists_the_sheets(make_xlsx):
    with pytest.raises(TrackerError, match="no sheet named 'Board'.*'Tracker'"):
        read_tracker(make_xlsx([HEADERS, member_row()]), sheet="Board")


def test_no_header_row(make_xlsx):
    with pytest.raises(TrackerError, match="no header row"):
        read_tracker(make_xlsx([["apples", "pears"], [1, 2]]))
