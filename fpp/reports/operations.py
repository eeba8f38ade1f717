"""Writing the year's files: the declaration workbook, the board summary and the evidence pack.

Each download or export is an audit entry. A pack asked for on the web is a queued job (`PackJob`)
that the scheduler builds (fpp.reports.tasks): the web process never builds one, nor starts a thread.
"""
from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from exports import build_declaration_workbook, build_evidence_pack, build_summary_workbook
from exports.data import EvidenceFile
from fpp.audit import operations as audit
from fpp.extensions import db, settings
from fpp.annual.queries import year_rows
from fpp.reports.models import QUEUED, RUNNING, PackJob
from fpp.reports.queries import declaration_data, evidence_files
from fpp.timeutil import utcnow

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
    from fpp.audit.checkpoints import write_checkpoint
    from fpp.reports.queries import audit_segment, audit_start
    # The export checkpoint signs the head and the year's segment up to it; the pack carries both.
    checkpoint = write_checkpoint(f"pack export {data.year_label}", segment_from=audit_start(year))
    segment = audit_segment(checkpoint["segment"]["first_id"], checkpoint["last_id"])
    build_evidence_pack(data, workbook.getvalue(), files, segment, output, checkpoint=checkpoint)
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


def request_pack(year: int, user_id: int | None, actor: str) -> PackJob:
    """Queue the year's pack for the scheduler, or return the job already queued or running for that
    year (one build per year at a time). Flushes, never commits; a new request is audited."""
    existing = active_job(year)
    if existing is not None:
        return existing
    job = PackJob(year=year, requested_by_id=user_id, requested_by=actor, requested_at=utcnow(), state=QUEUED,
                  done=0, total=0)
    try:
        with db.session.begin_nested():  # a concurrent request for the year may have queued one just now
            db.session.add(job)
    except IntegrityError:
        found = active_job(year)
        if found is None:
            raise
        return found
    audit.record("export.pack_requested", "pack_jobs", job.id, after={"year": year})
    return job


def active_job(year: int) -> PackJob | None:
    return db.session.execute(select(PackJob).where(PackJob.year == year, PackJob.state.in_((QUEUED, RUNNING)))
                              ).scalar()


def get_job(job_id: int) -> PackJob | None:
    return db.session.get(PackJob, job_id)


def pack_queue(limit: int = 20) -> list[PackJob]:
    """The newest requests first (expired packs are deleted by the scheduler, so this stays short)."""
    return list(db.session.execute(select(PackJob).order_by(PackJob.requested_at.desc(), PackJob.id.desc())
                                   .limit(limit)).scalars())


def pack_file(job: PackJob) -> Path:
    return packs_dir() / job.file_name


def pack_expires_on(job: PackJob, keep_days: int) -> date | None:
    """The last day a built pack can be downloaded: the scheduler deletes it after `keep_days` days."""
    return (job.finished_at + timedelta(days=keep_days)).date() if job.finished_at else None
