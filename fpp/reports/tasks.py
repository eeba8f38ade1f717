"""The scheduler's job for evidence packs: build what the web queued, delete what has expired.

`run_pack_jobs` runs every minute in `fpp scheduler` (and once with `fpp export run-packs`). Two
processes may run it at once: a job is taken by one conditional UPDATE (`... WHERE state = 'queued'`),
which only one of them can win, and the database allows one queued or running job per year.

A job left `running` by a process that died is taken again once its build has shown no sign of life for
STALE_AFTER: a build touches its row after each evidence file (at most every PROGRESS_EVERY), so only a
single file or the workbook taking longer than that would be mistaken for a dead build, and then the
first build to finish finds the job no longer its own and drops its file.
"""
from __future__ import annotations

import logging
import os
import re
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import or_, select, update

from fpp.audit import operations as audit
from fpp.config import Settings
from fpp.extensions import db, own_transaction, write_intent
from fpp.reports.models import FAILED, QUEUED, READY, RUNNING, PackJob
from fpp.reports.operations import packs_dir, write_pack
from fpp.timeutil import utcnow

log = logging.getLogger("fpp.reports")
WORKER = f"{socket.gethostname()}:{os.getpid()}"  # as the scheduler names its process
STALE_AFTER = timedelta(minutes=30)
PROGRESS_EVERY = timedelta(seconds=2)
LEGACY_FILE = re.compile(r"^[0-9a-f]{24}\.(zip|json)$")  # packs of the former thread-based builder


@dataclass
class PackRun:
    """What one run did: jobs built, jobs failed (with why) and expired packs deleted."""

    built: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)


def run_pack_jobs(settings: Settings, worker: str = WORKER) -> PackRun:
    """Delete expired packs, then build every queued job (and any left running by a dead process)."""
    result = PackRun()
    db.session.rollback()  # each step below starts its own transaction
    delete_expired(settings["reports_pack_keep_days"], result)
    while (job_id := _claim_next(worker)) is not None:
        _build(job_id, worker, result)
    return result


def _claim_next(worker: str) -> int | None:
    """Take the oldest job that is queued or abandoned; None when there is none left to take."""
    now = utcnow()
    takeable = or_(PackJob.state == QUEUED, (PackJob.state == RUNNING) & (PackJob.updated_at < now - STALE_AFTER))
    candidates = list(db.session.execute(select(PackJob.id).where(takeable)
                                         .order_by(PackJob.requested_at, PackJob.id)).scalars())
    db.session.rollback()
    for job_id in candidates:
        with write_intent():
            claimed = db.session.execute(
                update(PackJob).where(PackJob.id == job_id, takeable)
                .values(state=RUNNING, worker=worker, started_at=now, updated_at=now, done=0, total=0)
                .execution_options(synchronize_session=False)).rowcount
            db.session.commit()
        if claimed:
            return job_id
    return None


class _Progress:
    """`on_file(done, total)` for write_pack: the count on the job's row, written in a transaction of its
    own (the build's read goes on), at most every PROGRESS_EVERY and always for the last file."""

    def __init__(self, job_id: int, worker: str) -> None:
        self.job_id, self.worker, self.last = job_id, worker, datetime.min

    def __call__(self, done: int, total: int) -> None:
        now = utcnow()
        if done < total and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        with own_transaction() as session:
            session.execute(update(PackJob).where(PackJob.id == self.job_id, PackJob.worker == self.worker)
                            .values(done=done, total=total, updated_at=now)
                            .execution_options(synchronize_session=False))


def _build(job_id: int, worker: str, result: PackRun) -> None:
    job = db.session.get(PackJob, job_id, populate_existing=True)
    year, name = job.year, f"pack-{job.id}-{job.year}.zip"
    previous_actor = audit.current_actor()
    audit.set_actor(job.requested_by_id, job.requested_by)  # the export is the requester's, as on the web
    folder = packs_dir()
    part = folder / f"{name}.part"
    try:
        with part.open("wb") as out:
            count = write_pack(year, out, _Progress(job_id, worker))
        db.session.commit()  # end the build's read before the write below
        with write_intent():
            job = db.session.get(PackJob, job_id, populate_existing=True)
            if job is None or job.state != RUNNING or job.worker != worker:
                part.unlink(missing_ok=True)  # taken over as abandoned meanwhile: the other build counts
                db.session.rollback()
                return
            part.rename(folder / name)
            job.state, job.done, job.total, job.file_name = READY, count, count, name
            job.finished_at = job.updated_at = utcnow()
            audit.record("export.pack", "exports", year, after={"year": year, "files": count, "job": job_id})
            db.session.commit()
        result.built.append(job_id)
        log.info("evidence pack %s for %s built: %d evidence files", job_id, year, count)
    except Exception as error:  # the reason is shown on the pack's page; the partial file is removed
        db.session.rollback()
        part.unlink(missing_ok=True)
        reason = str(error) or error.__class__.__name__
        log.warning("evidence pack %s for %s failed: %s", job_id, year, reason)
        _fail(job_id, worker, reason)
        result.failed.append((job_id, reason))
    finally:
        audit.set_actor(*previous_actor)


def _fail(job_id: int, worker: str, reason: str) -> None:
    with write_intent():
        job = db.session.get(PackJob, job_id, populate_existing=True)
        if job is not None and job.state == RUNNING and job.worker == worker:
            job.state, job.error, job.finished_at = FAILED, reason[:2000], utcnow()
            audit.record("export.pack_failed", "pack_jobs", job_id, after={"year": job.year, "error": job.error})
        db.session.commit()


def delete_expired(keep_days: int, result: PackRun | None = None) -> list[int]:
    """Delete built or failed packs (file and row, each audited) finished more than `keep_days` ago, and
    files of the former builder older than that."""
    cutoff = utcnow() - timedelta(days=keep_days)
    folder = packs_dir()
    deleted = []
    with write_intent():
        expired = db.session.execute(select(PackJob).where(PackJob.state.in_((READY, FAILED)),
                                                           PackJob.finished_at < cutoff)).scalars().all()
        for job in expired:
            audit.record("export.pack_deleted", "pack_jobs", job.id, before={
                "year": job.year, "state": job.state, "file_name": job.file_name, "requested_by": job.requested_by,
                "finished_at": job.finished_at})
            db.session.delete(job)
            deleted.append(job.id)
        db.session.commit()
    for job in expired:  # after the commit: a file is never gone while its row still offers it
        if job.file_name:
            (folder / job.file_name).unlink(missing_ok=True)
    _delete_legacy_files(folder, cutoff)
    if result is not None:
        result.deleted.extend(deleted)
    return deleted


def _delete_legacy_files(folder: Path, cutoff: datetime) -> None:
    limit = cutoff.replace(tzinfo=timezone.utc).timestamp()
    for path in folder.iterdir():
        if LEGACY_FILE.match(path.name) and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
