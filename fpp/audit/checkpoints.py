"""Signed checkpoints of the audit trail's head (count, last hash), kept away from the database.

A checkpoint is a small JSON file (exports/trail.py makes and checks it) written into `[audit]
checkpoint_dir` daily, at every declaration signature, pack export and retention purge, and on demand
(`fpp audit checkpoint --output FILE`). `fpp audit verify` checks the trail against the newest one: a trail
cut short after it, emptied, or rewritten before it no longer holds its head at its position.
Writing one only reads the database, so it works inside or outside a transaction.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from exports import trail
from fpp.audit.keys import register_keys
from fpp.audit.models import AuditEntry
from fpp.extensions import db, settings
from fpp.timeutil import utcnow

PATTERN = "checkpoint-*.json"


def trail_head(session=None) -> tuple[int, str, int | None]:
    """(number of entries, the last entry's hash, its id), read in one statement so the three agree."""
    session = session or db.session
    inner = AuditEntry.__table__.alias("b")
    count = select(func.count()).select_from(inner).where(inner.c.id <= AuditEntry.id).scalar_subquery()
    row = session.execute(select(count, AuditEntry.hash, AuditEntry.id)
                          .order_by(AuditEntry.id.desc()).limit(1)).first()
    return (row[0], row[1], row[2]) if row else (0, trail.GENESIS, None)


def checkpoint_dir() -> Path:
    return Path(settings()["audit_checkpoint_dir"])


def write_checkpoint(reason: str, output: str | Path | None = None, *, keep: bool = True,
                     segment_from: tuple[int | None, str] | None = None) -> dict[str, Any]:
    """Sign a checkpoint of the trail's head now and write it into `[audit] checkpoint_dir` (`keep`) and/or
    to `output`; returns the document. Only reads the database: usable inside or outside a transaction,
    but it signs the head this session sees, so call it after committing the entries it should cover (or
    use `checkpoint_on_commit` inside the transaction): a head that is then rolled back reads as tampering.

    `segment_from` (first entry id, anchor hash), for a pack: the checkpoint also signs the segment from
    that entry to the head (`segment`: anchor, first_id, count), so the pack's entries verify offline. With
    no first entry the segment is empty and anchored at the head."""
    key, _ = register_keys()
    count, head, last_id = trail_head()
    extra = None
    if segment_from is not None:
        first_id, anchor = segment_from
        if first_id is None or last_id is None:
            segment = {"anchor": head, "first_id": None, "count": 0}
        else:
            between = select(func.count()).where(AuditEntry.id >= first_id, AuditEntry.id <= last_id)
            segment = {"anchor": anchor, "first_id": first_id, "count": db.session.execute(between).scalar_one()}
        extra = {"segment": segment}
    doc = trail.make_checkpoint(key, count=count, head=head, last_id=last_id, at=utcnow(), reason=reason,
                                extra=extra)
    text = trail.dump_checkpoint(doc)
    if keep:
        folder = checkpoint_dir()
        folder.mkdir(parents=True, exist_ok=True)
        _write_new(folder, doc, text)
    if output is not None:
        Path(output).write_text(text, encoding="utf-8")
    return doc


def _write_new(folder: Path, doc: dict[str, Any], text: str) -> Path:
    stamp = doc["at"].replace("-", "").replace(":", "").replace(".", "")  # 20261202T004500123456Z
    for attempt in range(100):
        suffix = f"-{attempt}" if attempt else ""
        path = folder / f"checkpoint-{stamp}-{doc['count']:09d}{suffix}.json"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path
    raise RuntimeError(f"could not name a new checkpoint in {folder}")


def list_checkpoints(folder: str | Path | None = None) -> list[Path]:
    """The checkpoint files in the folder, oldest first (their names start with the time, UTC)."""
    folder = Path(folder) if folder is not None else checkpoint_dir()
    return sorted(folder.glob(PATTERN)) if folder.is_dir() else []


def newest_checkpoint(folder: str | Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The newest checkpoint file and its document, or None when the folder holds none."""
    found = list_checkpoints(folder)
    if not found:
        return None
    return found[-1], read_checkpoint(found[-1])


def read_checkpoint(path: str | Path) -> dict[str, Any]:
    """A checkpoint document from a file; ValueError naming the file and why it cannot be read."""
    try:
        return trail.parse_checkpoint(Path(path).read_bytes())
    except OSError as error:
        raise ValueError(f"{path}: cannot be read ({error.strerror})") from None
    except ValueError as error:
        raise ValueError(f"{path}: not a checkpoint ({error})") from None


def checkpoint_on_commit(reason: str, session=None) -> tuple[int, str, int | None]:
    """Inside a transaction that wrote entries (a declaration's signature): sign a checkpoint of the head
    this transaction ends with, written into `[audit] checkpoint_dir` only once it commits (a checkpoint
    of a head that was rolled back would later read as tampering). Returns that head (count, hash, id)."""
    from sqlalchemy import event
    from sqlalchemy.orm import scoped_session
    session = session or db.session
    session.flush()
    count, head, last_id = trail_head(session)
    key, _ = register_keys()
    real = session() if isinstance(session, scoped_session) else session
    if not real.info.get(_LISTENING):
        event.listen(real, "after_commit", _write_pending)
        event.listen(real, "after_transaction_end", _drop_pending)
        real.info[_LISTENING] = True
    real.info.setdefault(_PENDING, []).append((checkpoint_dir(), key, count, head, last_id, reason))
    return count, head, last_id


_LISTENING, _PENDING = "fpp_checkpoint_listeners", "fpp_pending_checkpoints"


def _write_pending(session) -> None:
    for folder, key, count, head, last_id, reason in session.info.pop(_PENDING, []):
        doc = trail.make_checkpoint(key, count=count, head=head, last_id=last_id, at=utcnow(), reason=reason)
        folder.mkdir(parents=True, exist_ok=True)
        _write_new(folder, doc, trail.dump_checkpoint(doc))


def _drop_pending(session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended: committed (written) or rolled back
        session.info.pop(_PENDING, None)
