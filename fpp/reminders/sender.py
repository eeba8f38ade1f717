"""Outbox state changes: claim, mark sent, mark failed (backoff, give up, or at once), cancel. None of
them commits; tasks.send_outbox commits after each step, so a crash loses nothing and sends nothing twice."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from checks import Rules, member_status
from checks.reminders import DECLARATION, DIGEST, Situation, still_due
from fpp.audit.operations import record as audit
from fpp.config import Settings
from fpp.extensions import db
from fpp.people.models import Member
from fpp.register.queries import load_rule_records
from fpp.reminders import queries
from fpp.reminders.models import (
    CANCELLED, FAILED, QUEUED, SENDING, SENT, OutboxMessage, Reminder, outbox_message_reminders,
)
from fpp.reminders.policy import RetryPolicy, reminder_policy
from fpp.timeutil import today


def claim(message_id: int, worker: str, now: datetime, retry_now: bool) -> bool:
    """Take a message for delivery, atomically: only one sender's UPDATE matches a queued row."""
    allowed = (QUEUED, FAILED) if retry_now else (QUEUED,)
    result = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status.in_(allowed))
        .values(status=SENDING, claimed_by=worker, claimed_at=now))
    return result.rowcount == 1


def mark_sent(message: OutboxMessage, now: datetime, stored_as: str | None) -> None:
    """The backend accepted the message."""
    message.status, message.sent_at, message.stored_as = SENT, now, stored_as
    message.attempts += 1
    message.last_error = None
    db.session.flush()
    audit("outbox.sent", "outbox_messages", message.id, after={"to": message.recipient, "subject": message.subject},
          member_pk=_member_pk(message))


def mark_failed(message: OutboxMessage, error: str, now: datetime, retry: RetryPolicy, final: bool = False) -> None:
    """A try failed: back in the queue after the backoff, or `failed` for good after the last try, or at
    once when `final` (the message cannot be built: trying the same row again would fail the same way)."""
    message.attempts += 1
    message.last_error = error[:2000]
    if final or message.attempts >= retry.max_attempts:
        message.status = FAILED
        audit("outbox.failed", "outbox_messages", message.id,
              after={"to": message.recipient, "attempts": message.attempts, "error": message.last_error},
              member_pk=_member_pk(message))
    else:
        message.status = QUEUED
        message.next_attempt_at = now + timedelta(seconds=retry.delay(message.attempts))
    db.session.flush()


def cancel(message: OutboxMessage, reason: str) -> None:
    """The reminder no longer applies; the message is kept, marked, and never sent."""
    message.status, message.last_error = CANCELLED, reason
    db.session.flush()
    audit("outbox.cancelled", "outbox_messages", message.id, after={"to": message.recipient, "reason": reason},
          member_pk=_member_pk(message))


def interrupted(message: OutboxMessage) -> None:
    """A sender died between claiming and marking: it may or may not have gone out, so it is not resent
    automatically (that could double it); it shows as failed, and the secretary may retry it."""
    message.status = FAILED
    message.last_error = "interrupted while sending: it may have been delivered; retry to send it again"
    db.session.flush()
    audit("outbox.failed", "outbox_messages", message.id, after={"error": message.last_error})


def _member_pk(message: OutboxMessage) -> int | None:
    """The member a message is about (their own message or its copy); None for a message to the staff."""
    reminder = db.session.get(Reminder, message.reminder_id) if message.reminder_id else None
    return reminder.member_pk if reminder else None


def reminders_of(message: OutboxMessage) -> list[Reminder]:
    """The reminders a message lists (none for an invitation or a password reset)."""
    query = (select(Reminder).join(outbox_message_reminders, outbox_message_reminders.c.reminder_id == Reminder.id)
             .where(outbox_message_reminders.c.message_id == message.id).order_by(Reminder.id))
    found = list(db.session.execute(query).scalars())
    if not found and message.reminder_id:  # a row written before messages listed several reminders
        found = [db.session.get(Reminder, message.reminder_id)]
    return [r for r in found if r is not None]


def still_applies(reminders: list[Reminder], settings: Settings) -> str | None:
    """None if any of a message's reminders is still due today (or it has none); otherwise why not (the
    check was renewed, ...). A message listing several is sent while one still applies, as written.

    The decision is the pass's own rule (checks.reminders.still_due), asked of today's situation."""
    reasons = [_no_longer_due(reminder, settings) for reminder in reminders]
    if not reminders or any(reason is None for reason in reasons):
        return None
    unique = list(dict.fromkeys(reasons))
    return unique[0] if len(reminders) == 1 else f"none of its {len(reminders)} reminders applies any more: " + \
        "; ".join(unique)


def _no_longer_due(reminder: Reminder, settings: Settings) -> str | None:
    day = max(reminder.as_of, today())
    if reminder.kind in (DECLARATION, DIGEST):
        situation = Situation(day, signed_years=frozenset(queries.signed_years()))
    else:
        member = db.session.get(Member, reminder.member_pk)
        if member is None:
            return "the member is no longer in the register"
        situation = member_situation(member, day, settings.rules)
    return still_due(reminder.kind, reminder.code, reminder.anchor_on, situation, reminder_policy(settings),
                     settings.rules)


def member_situation(member: Member, day: date, rules: Rules) -> Situation:
    """What the reminder rule reads about one member on `day`: statuses and the latest attestation."""
    records = load_rule_records([member.id]).get(member.id, {})
    attested = [r.completed_on for r in records.get("self_attestation", ()) if r.completed_on <= day]
    statuses = member_status(member.facts, records, day, rules).checks
    return Situation(day, member.facts, statuses, max(attested, default=None))
