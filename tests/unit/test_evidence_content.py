"""checks.evidence: an evidence file's bytes must be what its extension claims."""
import io
import zipfile

import pytest

from checks.evidence import content_problem
from checks.records import missing_facts

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program cannot be run in DOS mode"


def ooxml(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            package.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize("name, data", [
    ("passport.pdf", PDF), ("scan.png", PNG), ("photo.JPG", JPEG), ("photo.jpeg", JPEG),
    ("letter.docx", ooxml("[Content_Types].xml", "word/document.xml")),
    ("log.xlsx", ooxml("[Content_Types].xml", "xl/workbook.xml")),
    ("note.txt", "Searched on 1 March: nothing found – Grace".encode()),
    ("reply.eml", b"From: registry@example.gov.uk\r\nSubject: Search result\r\n\r\nNo match.\r\n"),
    ("reply.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "__substg1.0_0037001F".encode("utf-16-le")),
])
def test_files_that_are_what_they_claim_are_accepted(name, data):
    assert content_problem(name, data) is None


@pytest.mark.parametrize("name, data, reason", [
    ("passport.pdf", EXE, "passport.pdf is not a PDF: its content is a Windows program"),
    ("scan.png", PDF, "scan.png is not a PNG image: its content is a PDF"),
    ("photo.jpg", b"just words", "photo.jpg is not a JPEG image: its content is not recognised"),
    ("letter.docx", ooxml("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"), "contains macros"),
    ("log.xlsx", ooxml("[Content_Types].xml", "word/document.xml"), "without the xl/workbook.xml"),
    ("letter.docx", EXE, "letter.docx is not a Word document: its content is a Windows program"),
    ("letter.docx", b"PK\x03\x04broken", "damaged zip"),
    ("note.txt", b"caf\xe9", "note.txt is not plain text: its content is not UTF-8 text"),
    ("note.txt", b"a\x00b", "NUL bytes"),
    ("reply.eml", b"no headers here at all", "no From or Subject header"),
    ("reply.eml", EXE, "Windows program"),
    ("reply.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Office (OLE) file"),
    ("tool.exe", EXE, "Evidence must be one of these file types"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Evidence must be one of these file types"),
])
def test_anything_else_is_refused_saying_why(name, data, reason):
    assert reason in (content_problem(name, data) or "")


def test_a_dbs_record_needs_a_12_digit_number_and_a_level():
    assert missing_facts("dbs", {"reference": "001234567890", "dbs_level": "basic"}) == []
    assert missing_facts("dbs", {"reference": "0012 3456 7890", "dbs_level": "basic"}) == []
    assert [f for f, _ in missing_facts("dbs", {"reference": "12345", "dbs_level": None})] == ["reference", "dbs_level"]
    assert [f for f, _ in missing_facts("dbs", {"reference": "٠٠١٢٣٤٥٦٧٨٩٠", "dbs_level": "basic"})] == ["reference"]
    assert missing_facts("dbs", {"outcome": "not_applicable"}) == []


def test_a_register_search_needs_the_name_and_date_of_birth_searched_on_and_who_searched():
    fields = [f for f, _ in missing_facts("insolvency", {"searched_name": " ", "outcome": "clear"})]
    assert fields == ["searched_name", "searched_dob", "searched_by"]
    assert missing_facts("social_media", {}) == [] and missing_facts("identity", {}) == []
