"""The retention purge as a run: `fpp retention purge` and the scheduler's monthly job both call `run_purge`.

Each member is one transaction (all or nothing for that member): judged again inside it, purged, committed;
then their files are deleted. A member that fails is rolled back and reported, and the run goes on to the
next; a file that cannot be deleted is reported and counted on the purge log, never a traceback. After a run
that removed anything, a signed checkpoint of the audit trail's head is written.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from fpp.config import Settings
from fpp.extensions import db
from fpp.people.models import Member
from fpp.retention import operations, queries
from fpp.retention.operations import Removed

log = logging.getLogger("fpp.retention")
CHECKPOINT_REASON = "retention purge"


@dataclass(frozen=True)
class Planned:
    """Who a run purges (or would): the Member ID, the purge date and the rule that gave it."""

    member_id: str
    purge_on: date
    reason: str


@dataclass(frozen=True)
class PlannedEvidence:
    """An evidence file past its own retention: the Member ID, the check and the removal day."""

    member_id: str
    check: str
    sha256: str
    removal_on: date


@dataclass
class PurgeRun:
    """What a run did (or, dry, would do)."""

    as_of: date
    dry_run: bool
    members: list[Planned] = field(default_factory=list)
    evidence: list[PlannedEvidence] = field(default_factory=list)
    purged: list[Removed] = field(default_factory=list)
    evidence_removed: list[Removed] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (Member ID, why)
    files_left: list[tuple[str, str, str]] = field(default_factory=list)  # (Member ID, which file, why)
    checkpoint: str | None = None
    checkpoint_error: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.purged or self.evidence_removed)


def plan(as_of: date, settings: Settings) -> PurgeRun:
    """Who and what a purge on `as_of` removes, changing nothing."""
    policy = queries.retention_policy(settings)
    run = PurgeRun(as_of, dry_run=True)
    due = queries.due_members(as_of, settings)
    run.members = [Planned(j.member.member_id, j.retention.purge_on, j.retention.reason_label(policy)) for j in due]
    whole = {j.member.id for j in due}
    run.evidence = [PlannedEvidence(e.member.member_id, e.record.code, e.evidence.sha256, e.removal_on)
                    for e in queries.evidence_due(as_of, settings) if e.member.id not in whole]
    return run


def run_purge(as_of: date, settings: Settings, dry_run: bool = False) -> PurgeRun:
    """Purge what has passed its retention on `as_of` (see the module's docstring); with `dry_run`, only say."""
    run = plan(as_of, settings)
    run.dry_run = dry_run
    db.session.rollback()  # end the read: each member's purge is a transaction of its own
    if dry_run:
        return run
    for planned in run.members:
        _one(run, planned.member_id, lambda member: _purge_member(member, as_of, settings), run.purged)
    for member_id in dict.fromkeys(e.member_id for e in run.evidence):
        _one(run, member_id, lambda member: _remove_evidence(member, as_of, settings), run.evidence_removed)
    if run.changed:
        _checkpoint(run)
    return run


def _one(run: PurgeRun, member_id: str, work, into: list[Removed]) -> None:
    """One member's transaction: `work(member)` then commit, or roll back and report; files after commit."""
    try:
        member = db.session.execute(select(Member).where(Member.member_id == member_id)).scalar()
        removed = work(member) if member is not None else None
        db.session.commit()
    except Exception as exc:  # one member's failure must not stop the others' purge
        db.session.rollback()
        log.exception("retention purge of %s failed; nothing of it was changed", member_id)
        run.failed.append((member_id, f"{type(exc).__name__}: {exc}"))
        return
    if removed is not None:
        into.append(removed)
        _delete_files(run, member_id, removed)


def _purge_member(member: Member, as_of: date, settings: Settings) -> Removed | None:
    """Judge the member again inside the transaction (a date of birth or an end date may have changed since
    the run began) and purge them if they are still due."""
    judged = queries.judge_member(member, as_of, settings)
    if not judged.is_due:
        return None
    return operations.purge_member(member, judged, as_of)


def _remove_evidence(member: Member, as_of: date, settings: Settings) -> Removed | None:
    ids = [e.evidence.id for e in queries.evidence_due(as_of, settings, member.id)]
    return operations.remove_evidence(member, ids, as_of) if ids else None


def _delete_files(run: PurgeRun, member_id: str, removed: Removed) -> None:
    """Delete the files of a committed purge; one that cannot be deleted is reported and counted on its log."""
    left = 0
    for what, path in removed.paths:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError as exc:
            left += 1
            run.files_left.append((member_id, f"{what} at {path}", exc.strerror or type(exc).__name__))
    if left:
        try:
            operations.record_files_left(removed.log.id, left)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("could not note the files left on purge log %s", removed.log.id)


def _checkpoint(run: PurgeRun) -> None:
    """A signed checkpoint of the trail's head after the purge (fpp.audit.checkpoints). The purge is
    committed by then: a checkpoint that cannot be written is reported, and the daily one follows."""
    try:
        from fpp.audit.checkpoints import write_checkpoint
        doc = write_checkpoint(CHECKPOINT_REASON)
    except Exception as exc:
        db.session.rollback()
        log.exception("no checkpoint written after the retention purge")
        run.checkpoint_error = f"{type(exc).__name__}: {exc}"
        return
    run.checkpoint = f"entry number {doc['count']}, hash {doc['head'][:12]}…"


def monthly_purge(today: date, settings: Settings) -> PurgeRun:
    """The scheduler's job on the first of each month: the purge as of `today`, audited as "scheduler"
    (the scheduler names its actor). Logs what it did."""
    run = run_purge(today, settings)
    log.info("retention purge as of %s: %d members purged, %d members' evidence files removed, %d failed, "
             "%d files left", today, len(run.purged), len(run.evidence_removed), len(run.failed), len(run.files_left))
    return run
