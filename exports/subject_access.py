"""A subject access archive (UK GDPR article 15): everything the register holds about one member.

Plain data in, a zip out: ``summary.html`` (readable, saying what each file holds), ``data.json`` (the same
data, complete and machine-readable) and the member's evidence files under ``evidence/``. No Flask, no
database: the app gathers the sections (fpp.people.subject_access) and calls ``build_subject_access``.
"""

from __future__ import annotations

import hashlib
import html
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from exports.paths import PathAllocator

SUMMARY = "summary.html"
DATA = "data.json"
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Section:
    """One kind of data held (check records, attestations, ...): a title, what it is, and its items."""

    key: str  # the key in data.json, e.g. "check_records"
    title: str
    explanation: str
    items: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class SubjectFile:
    """An evidence file to include: where it is now (None if missing from the data folder), its name as
    uploaded, the folder it goes in (the check and date) and its SHA-256 as recorded."""

    evidence_id: int
    folder: str
    name: str
    sha256: str
    source: Path | None


@dataclass(frozen=True)
class SubjectAccessData:
    organisation: str
    member_name: str
    member_id: str
    generated_at: datetime  # UTC
    generated_by: str
    sections: tuple[Section, ...]
    files: tuple[SubjectFile, ...] = ()
    notes: tuple[str, ...] = field(default=())  # sentences shown at the top of the summary


def build_subject_access(data: SubjectAccessData, target: str | Path | BinaryIO) -> int:
    """Write the archive to `target` (a path or a binary file); returns how many evidence files it holds.

    Each evidence file is copied in chunks and hashed on the way; one whose bytes no longer match the
    SHA-256 recorded, or that is missing, is listed in data.json and the summary as such."""
    paths = PathAllocator()  # evidence goes under evidence/, so never over the summary or the data
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        listed = [_add_file(archive, paths, item) for item in data.files]
        document = _document(data, listed)
        archive.writestr(DATA, json.dumps(document, indent=2, default=_jsonable, ensure_ascii=False) + "\n")
        archive.writestr(SUMMARY, render_summary(data, listed))
    return sum(1 for item in listed if item["path"])


def _add_file(archive: zipfile.ZipFile, paths: PathAllocator, item: SubjectFile) -> dict[str, Any]:
    entry = {"evidence_id": item.evidence_id, "original_name": item.name, "sha256": item.sha256,
             "path": None, "state": "missing from the register's data folder"}
    if item.source is None or not item.source.is_file():
        return entry
    path = paths.allocate("evidence", item.folder, item.name)
    digest = hashlib.sha256()
    with item.source.open("rb") as data, archive.open(path, "w") as out:
        while chunk := data.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    matches = digest.hexdigest() == item.sha256
    return entry | {"path": path, "state": "as uploaded" if matches else "changed since it was uploaded"}


def _document(data: SubjectAccessData, files: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "about": {"organisation": data.organisation, "member_id": data.member_id, "name": data.member_name,
                  "generated_at": data.generated_at, "generated_by": data.generated_by, "notes": list(data.notes)},
        **{section.key: list(section.items) for section in data.sections},
        "evidence_files": files,
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + ("Z" if value.tzinfo is None else "")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def render_summary(data: SubjectAccessData, files: list[dict[str, Any]]) -> str:
    """The readable summary: what the archive is, what each file and section holds, then the data."""
    e = _escape
    parts = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Information held about {e(data.member_name)}</title>", f"<style>{_STYLE}</style></head><body>",
        f"<h1>Information held about {e(data.member_name)} ({e(data.member_id)})</h1>",
        f"<p>Everything the Fit and Proper Persons register of {e(data.organisation)} held about you on "
        f"{e(_display(data.generated_at))} UTC, produced for a subject access request (UK GDPR article 15) "
        f"by {e(data.generated_by)}.</p>",
        *[f"<p>{e(note)}</p>" for note in data.notes],
        "<h2>What this archive holds</h2><ul>",
        f"<li><code>{SUMMARY}</code>: this page.</li>",
        f"<li><code>{DATA}</code>: the same information, complete, in a machine-readable form (JSON).</li>",
        "<li><code>evidence/</code>: the evidence files held on your check records, one folder per check "
        "and date, under the names they were uploaded with.</li></ul>",
        "<h2>Contents</h2><ul>",
        *[f'<li><a href="#{section.key}">{e(section.title)}</a> ({len(section.items)})</li>' for section in
          data.sections],
        f'<li><a href="#evidence_files">Evidence files</a> ({len(files)})</li></ul>',
    ]
    for section in data.sections:
        parts += [f'<h2 id="{section.key}">{e(section.title)}</h2>', f"<p>{e(section.explanation)}</p>"]
        parts += [_item(item) for item in section.items] or ["<p><em>None held.</em></p>"]
    parts += ['<h2 id="evidence_files">Evidence files</h2>']
    parts += [_item(item) for item in files] or ["<p><em>None held.</em></p>"]
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _item(item: dict[str, Any]) -> str:
    rows = "".join(f"<tr><th scope=\"row\">{_escape(_label(key))}</th><td>{_value(value)}</td></tr>"
                   for key, value in item.items())
    return f"<table>{rows}</table>"


def _value(value: Any) -> str:
    if value is None:
        return "<em>not recorded</em>"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        return _item(value) if value else "<em>none</em>"
    if isinstance(value, (list, tuple)):
        if not value:
            return "<em>none</em>"
        return "<ol>" + "".join(f"<li>{_value(v)}</li>" for v in value) + "</ol>"
    if isinstance(value, (date, datetime)):
        return _escape(_display(value))
    return _escape(str(value)).replace("\n", "<br>")


def _display(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d %B %Y %H:%M")
    return value.strftime("%d %B %Y")


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


_STYLE = ("body{font-family:Arial,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.4}"
          "table{border-collapse:collapse;margin:0 0 1em;width:100%}th,td{border:1px solid #ccc;padding:.3em;"
          "text-align:left;vertical-align:top}th{width:14em;background:#f3f3f3}td table th{width:10em}"
          "ol{margin:0;padding-left:1.2em}")
