"""The jobs: one reminder pass, one outbox send. Each commits (the pass once; the sender per message)."""
from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import date, timedelta

from fpp.config import Settings
from fpp.extensions import db
from fpp.reminders import queries, sender
from fpp.reminders.mail import BuildError, MailError, deliver
from fpp.reminders.models import OutboxMessage
from fpp.reminders.operations import PassResult, run_pass
from fpp.reminders.policy import retry_policy
from fpp.timeutil import utcnow

log = logging.getLogger("fpp.reminders")
WORKER = f"{socket.gethostname()}:{os.getpid()}"
INTERRUPTED_AFTER = timedelta(minutes=10)


def reminder_job(as_of: date, settings: Settings) -> PassResult:
    """One pass of the policy, committed once."""
    try:
        result = run_pass(as_of, settings)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("reminder pass as of %s: %d reminders queued, %d messages", as_of, len(result.queued), result.messages)
    return result


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    errors: list[str] = field(default_factory=list)


def send_outbox(settings: Settings, retry_now: bool = False, worker: str = WORKER) -> SendResult:
    """Deliver what is due: claim (commit), check it still applies, deliver, mark (commit).

    Each message on its own: one that cannot be built, or that meets an unexpected error, is marked
    failed with a short reason and the pass goes on to the next."""
    result = SendResult()
    _recover_interrupted()
    ids = queries.sendable_ids(utcnow(), retry_now)
    db.session.rollback()  # end the read, so each claim starts its own write transaction
    for message_id in ids:
        claimed = sender.claim(message_id, worker, utcnow(), retry_now)
        db.session.commit()
        if claimed:
            _send_guarded(message_id, settings, result)
    return result


def _send_guarded(message_id: int, settings: Settings, result: SendResult) -> None:
    try:
        _send_one(message_id, settings, result)
    except Exception as error:  # a bug or bad data in one row must not hold up the rest of the outbox
        db.session.rollback()
        log.error("outbox message %s: unexpected error", message_id, exc_info=True)
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        if message is not None:
            reason = f"stopped by an unexpected error ({error.__class__.__name__}); see the server log"
            _failed(message, reason, settings, result, final=True)


def _send_one(message_id: int, settings: Settings, result: SendResult) -> None:
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    if message is None:  # its member was deleted since the claim: nothing left to send
        return
    reason = sender.still_applies(sender.reminders_of(message), settings)
    db.session.commit()  # end the read: on SQLite the marking below must start its own write transaction
    if reason:
        sender.cancel(message, reason)
        db.session.commit()
        result.cancelled += 1
        return
    try:
        stored_as = deliver(message, settings)
    except MailError as error:
        _failed(message, str(error), settings, result, final=isinstance(error, BuildError))
        return
    sender.mark_sent(message, utcnow(), stored_as)
    db.session.commit()
    result.sent += 1


def _failed(message: OutboxMessage, reason: str, settings: Settings, result: SendResult, final: bool) -> None:
    sender.mark_failed(message, reason, utcnow(), retry_policy(settings), final=final)
    db.session.commit()
    result.failed += 1
    result.errors.append(f"message {message.id} to {message.recipient}: {reason}")
    log.warning("outbox message %s not delivered: %s", message.id, reason)


def _recover_interrupted() -> None:
    ids = queries.stale_sending_ids(utcnow() - INTERRUPTED_AFTER)
    for message_id in ids:
        sender.interrupted(db.session.get(OutboxMessage, message_id))
    db.session.commit()
