"""What an evidence file may be: its bytes must be what its extension claims, from an allow-list.

Pure: bytes and a file name in, None or the reason for refusing out. The magic numbers come from the
`filetype` package; Word and Excel files are opened as the OOXML zip packages they claim to be.
"""
from __future__ import annotations

import email.policy
import io
import zipfile
from email.parser import BytesParser
from pathlib import Path

import filetype

EVIDENCE_TYPES = {
    ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain", ".eml": "message/rfc822", ".msg": "application/vnd.ms-outlook",
}
_CLAIMS = {".pdf": "a PDF", ".png": "a PNG image", ".jpg": "a JPEG image", ".jpeg": "a JPEG image",
           ".docx": "a Word document", ".xlsx": "an Excel workbook", ".txt": "plain text",
           ".eml": "an e-mail message", ".msg": "an Outlook message"}
_MAGIC = {".pdf": "pdf", ".png": "png", ".jpg": "jpg", ".jpeg": "jpg"}
_MAIN_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
_KINDS = {"exe": "a Windows program", "elf": "a Linux program", "macho": "a macOS program", "zip": "a zip archive",
          "pdf": "a PDF", "png": "a PNG image", "jpg": "a JPEG image", "gif": "a GIF image", "doc": "an old Word file",
          "xls": "an old Excel file", "rar": "a RAR archive", "7z": "a 7-Zip archive", "gz": "a gzip archive"}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MSG_STREAM = "__substg1.0_".encode("utf-16-le")  # every Outlook message has streams named like this


def content_problem(filename: str, data: bytes) -> str | None:
    """Why `data` cannot be evidence named `filename`, or None when its content is what its extension says."""
    suffix = Path(filename).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        return f"Evidence must be one of these file types: {', '.join(sorted(EVIDENCE_TYPES))}"
    problem = _problem(suffix, data)
    return f"{filename} is not {_CLAIMS[suffix]}: {problem}" if problem else None


def _problem(suffix: str, data: bytes) -> str | None:
    if suffix in _MAGIC:
        kind = filetype.guess(data)
        return None if kind is not None and kind.extension == _MAGIC[suffix] else _content(data)
    if suffix in _MAIN_PART:
        return _ooxml_problem(data, _MAIN_PART[suffix])
    if suffix == ".msg":
        return None if data.startswith(OLE) and _MSG_STREAM in data else _content(data)
    if suffix == ".txt":
        return _text_problem(data)
    return _email_problem(data)


def _content(data: bytes) -> str:
    """`data` described for a person: what it really is, as far as its magic number tells."""
    kind = filetype.guess(data)
    if data.startswith(OLE) and (kind is None or kind.extension not in _KINDS):
        return "its content is an old Office (OLE) file"
    if kind is None:
        return "its content is not recognised"
    return f"its content is {_KINDS.get(kind.extension, f'a {kind.extension.upper()} file')}"


def _ooxml_problem(data: bytes, main_part: str) -> str | None:
    if not data.startswith(b"PK\x03\x04"):
        return _content(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "it is a damaged zip package"
    if "[Content_Types].xml" not in names or main_part not in names:
        return f"it is a zip archive without the {main_part} of an Office document"
    if any(name.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
        return "it contains macros (vbaProject.bin); save it without macros, or as a PDF"
    return None


def _text_problem(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return f"its content is not UTF-8 text (an invalid byte at position {error.start})"
    return "its content holds NUL bytes, so it is not text" if "\x00" in text else None


def _email_problem(data: bytes) -> str | None:
    if filetype.guess(data) is not None:
        return _content(data)
    try:
        message = BytesParser(policy=email.policy.default).parsebytes(data)
        if message["From"] or message["Subject"]:
            return None
    except Exception:  # a malformed header: the parser's errors are of many kinds
        pass
    return "its content is not an e-mail message (no From or Subject header)"
