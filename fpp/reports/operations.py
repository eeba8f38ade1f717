"""Writing the year's files: the declaration workbook, the board summary and the evidence pack.

Each download or export is an audit entry. Packs for the web are built in a background thread with
their progress in a small JSON file, so a large pack does not hold a request open.
"""
from __future__ import annotations

import io
import json
import secrets
import threading
from pathlib import Path

from flask import Flask, current_app

from exports import build_declaration_workbook, build_evidence_pack, build_summary_workbook
from exports.data import EvidenceFile
from fpp.audit import operations as audit
from fpp.extensions import db, settings
from fpp.annual.queries import year_rows
from fpp.reports.queries import audit_rows, declaration_data, evidence_files

KINDS = {"declaration": "declaration workbook", "summary": "board summary", "pack": "evidence pack"}


def write_declaration(year: int, output) -> None:
    build_declaration_workbook(declaration_data(year), output)


def write_summary(year: int, output) -> None:
    build_summary_workbook(declaration_data(year), output)


def write_pack(year: int, output, on_file=None) -> int:
    """The evidence pack: the workbook, the evidence, manifest.csv, audit.jsonl and README.txt.
    `on_file(done, total)` is told after each evidence file. Returns the number of evidence files."""
    rows = year_rows(year, settings().rules)  # read the year once for the workbook and the evidence
    data = declaration_data(year, rows)
    files = evidence_files(year, rows)
    if on_file is not None:
        files = [_counting(f, index, len(files), on_file) for index, f in enumerate(files, start=1)]
    workbook = io.BytesIO()
    build_declaration_workbook(data, workbook)  # consumes data's row generators; the pack reads its scalars
    build_evidence_pack(data, workbook.getvalue(), files, audit_rows(year), output)
    return len(files)


def _counting(file: EvidenceFile, index: int, total: int, on_file) -> EvidenceFile:
    def source():
        on_file(index, total)
        return open(file.source, "rb")
    return EvidenceFile(file.member_id, file.check_code, file.original_name, file.sha256, file.size, source)


def record_export(kind: str, year: int, **details) -> None:
    """Audit a download or export of the year's files (in a transaction of its own: downloads only read)."""
    audit.record_read(f"export.{kind}", "exports", year, after={"year": year, **details})


def packs_dir() -> Path:
    folder = Path(current_app.config["DATA_DIR"]) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start_pack(year: int, user_id: int, actor: str) -> str:
    """Begin building the year's pack in the background; returns the job id to follow it by."""
    job = secrets.token_hex(12)
    folder = packs_dir()
    _write_state(folder, job, {"year": year, "user_id": user_id, "state": "running", "done": 0, "total": 0})
    spawn(_build_pack, current_app._get_current_object(), folder, job, year, user_id, actor)
    return job


def spawn(target, *args) -> None:
    """Run `target(*args)` in a background thread (tests replace this to run it inline)."""
    threading.Thread(target=target, args=args, daemon=True).start()


def _build_pack(app: Flask, folder: Path, job: str, year: int, user_id: int, actor: str) -> None:
    with app.app_context():
        audit.set_actor(user_id, actor)
        state = {"year": year, "user_id": user_id, "state": "running", "done": 0, "total": 0}
        part = folder / f"{job}.zip.part"
        try:
            with part.open("wb") as out:
                count = write_pack(year, out, lambda done, total: _write_state(
                    folder, job, state | {"done": done, "total": total}))
            part.rename(folder / f"{job}.zip")
            record_export("pack", year, files=count)
            db.session.commit()
            _write_state(folder, job, state | {"state": "ready", "done": count, "total": count})
        except Exception as error:  # reported on the progress page; the partial file is removed
            db.session.rollback()
            part.unlink(missing_ok=True)
            _write_state(folder, job, state | {"state": "failed", "error": str(error) or error.__class__.__name__})
        finally:
            db.session.remove()


def _write_state(folder: Path, job: str, state: dict) -> None:
    tmp = folder / f"{job}.json.tmp"
    tmp.write_text(json.dumps(state))
    tmp.replace(folder / f"{job}.json")


def pack_state(job: str) -> dict | None:
    """The job's progress, or None for an unknown job id."""
    if not job.isalnum():
        return None
    path = packs_dir() / f"{job}.json"
    return json.loads(path.read_text()) if path.exists() else None


def pack_file(job: str) -> Path:
    return packs_dir() / f"{job}.zip"
