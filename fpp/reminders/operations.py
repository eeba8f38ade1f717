"""The verbs of the reminder feature. They validate, flush and audit; they never commit (tasks.py does).

Decision on staleness: a reminder is queued from the statuses on the pass's as-of date, and checked
again at send time (sender.py): a message none of whose reminders still applies (the checks were renewed,
the declaration signed) is marked `cancelled`, not sent; one that still has a reminder due is sent as written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from checks import Rules
from checks.reminders import (
    DIGEST, Due, ReminderPolicy, attestation_request, check_reminders, declaration_reminder, digest_due,
    digest_items,
)
from fpp.audit.operations import record as audit
from fpp.config import Settings
from fpp.extensions import db
from fpp.register.queries import board, members_with_statuses
from fpp.reminders import queries
from fpp.reminders.compose import Audience, Letter, Queued, compose, digest_sort_key, letters
from fpp.reminders.models import OutboxMessage, Reminder, ReminderPass, outbox_message_reminders
from fpp.reminders.policy import reminder_policy
from fpp.timeutil import utcnow


@dataclass
class PassResult:
    """What one pass found and queued."""

    as_of: date
    candidates: int | None = None  # None: every member was looked at
    queued: list[str] = field(default_factory=list)  # the reminder keys
    messages: int = 0  # one per recipient (and per copy)


def due_on(as_of: date, policy: ReminderPolicy, rules: Rules, member_pks: set[int] | None) -> list[Due]:
    """Every reminder step due on `as_of` for the given members (all when None) who are on the board that
    day (`members_with_statuses`), plus the board-wide ones."""
    due: list[Due] = []
    for row in members_with_statuses(as_of, rules, member_pks).rows:  # on the board: no later or short interim
        member, statuses = row.member, row.status.checks
        due += check_reminders(member, member.facts, statuses, as_of, policy, rules)
        attested = [r.completed_on for r in row.records.get("self_attestation", ())]  # all on or before as_of
        request = attestation_request(member, member.facts, max(attested, default=None), as_of, policy)
        due += [request] if request else []
    declaration = declaration_reminder(queries.signed_years(), as_of, policy)
    return due + ([declaration] if declaration else []) + [digest_due(as_of, policy)]


def reminder_key(due: Due) -> str:
    return due.key(None if due.member is None else due.member.id)


def run_pass(as_of: date, settings: Settings) -> PassResult:
    """Queue, once, every reminder step due on `as_of` (latest step only), then one message per recipient
    listing them (compose.letters). The first write is the pass row, so on SQLite the pass holds the write
    lock before it reads; each step is inserted under its unique key, so a concurrent pass that got there
    first keeps it, and only the steps this pass inserted go into its messages."""
    policy, rules = reminder_policy(settings), settings.rules
    started = utcnow()
    this_pass = ReminderPass(as_of=as_of, started_at=started, finished_at=started)
    db.session.add(this_pass)
    db.session.flush()
    previous = queries.last_pass(exclude_id=this_pass.id)
    candidates = queries.candidate_members(as_of, previous, policy, rules)
    result = PassResult(as_of, None if candidates is None else len(candidates))
    due = {reminder_key(d): d for d in due_on(as_of, policy, rules, candidates)}
    new = sorted(set(due) - queries.existing_keys(list(due)))
    member_pks = sorted({due[k].member.id for k in new if due[k].member is not None})
    earlier = queries.earlier_steps(member_pks)
    queued = []
    for key in new:
        reminder_id = _insert_reminder(key, due[key], as_of)
        if reminder_id is not None:
            item = due[key]
            queued.append(Queued(item, reminder_id, earlier.get(_reminder_of(item), 0)))
            result.queued.append(key)
    digest = _digest(as_of, rules, policy) if any(q.due.kind == DIGEST for q in queued) else None
    for letter in letters(queued, _audience(settings, member_pks)):
        _write_message(letter, as_of, settings, digest)
        result.messages += 1
    this_pass.candidates, this_pass.queued, this_pass.finished_at = result.candidates or 0, len(result.queued), utcnow()
    if result.queued:
        audit("reminders.queued", "reminder_passes", this_pass.id,
              after={"as_of": as_of.isoformat(), "count": len(result.queued), "messages": result.messages,
                     "keys": result.queued[:200]})
    return result


def _reminder_of(due: Due) -> tuple:
    """A reminder whatever its step: kind, member, check, anchor date (its steps share these)."""
    return due.kind, due.member.id if due.member is not None else None, due.code, due.anchor_on


def _audience(settings: Settings, member_pks: list[int]) -> Audience:
    return Audience(queries.role_emails("secretary"), queries.role_emails("chair"),
                    queries.account_emails(member_pks), settings["reminders_secretary_copies"])


def _insert_reminder(key: str, due: Due, as_of: date) -> int | None:
    """Insert one reminder step in a savepoint; None when a concurrent pass inserted it first."""
    try:
        with db.session.begin_nested():
            reminder = Reminder(key=key, kind=due.kind, member_pk=None if due.member is None else due.member.id,
                                code=due.code, anchor_on=due.anchor_on, step=due.step, due_on=due.due_on, as_of=as_of)
            db.session.add(reminder)
            db.session.flush()
    except IntegrityError:
        return None
    return reminder.id


def _write_message(letter: Letter, as_of: date, settings: Settings, digest) -> OutboxMessage:
    """The letter's one outbox row, linked to every reminder it lists."""
    subject, text, html = compose(letter, as_of, settings, digest)
    ids = letter.reminder_ids
    message = OutboxMessage(reminder_id=ids[0] if letter.about_one_member else None, recipient=letter.recipient,
                            subject=subject, body_text=text, body_html=html, next_attempt_at=utcnow())
    db.session.add(message)
    db.session.flush()
    db.session.execute(insert(outbox_message_reminders),
                       [{"message_id": message.id, "reminder_id": reminder_id} for reminder_id in ids])
    return message


def _digest(as_of: date, rules: Rules, policy: ReminderPolicy):
    """Everything overdue and everything due within the horizon, over the whole board (weekly)."""
    items = [item for row in board(as_of, rules).rows
             for item in digest_items(row.member, row.member.facts, row.status.checks, as_of, policy, rules)]
    return sorted(items, key=digest_sort_key)


def queue_message(recipient: str, subject: str, body_text: str, body_html: str,
                  confidential: bool = False) -> OutboxMessage:
    """Queue one e-mail that belongs to no reminder (an invitation, a password reset) in this transaction;
    the sender delivers it as any other. Features that may not import this one (auth: reminders imports
    it) reach it as `current_app.extensions["fpp_outbox"]` (views.py offers it). A `confidential` message
    (one holding a single-use link) is delivered as any other, but no page shows its body."""
    message = OutboxMessage(recipient=recipient, subject=subject, body_text=body_text, body_html=body_html,
                            is_confidential=confidential)
    db.session.add(message)
    db.session.flush()
    return message


def retry_message(message: OutboxMessage, now: datetime) -> None:
    """Put a failed (or waiting) message back in the queue for the next send, and audit it."""
    before = {"status": message.status, "attempts": message.attempts}
    message.status, message.next_attempt_at = "queued", now
    db.session.flush()
    audit("outbox.retry", "outbox_messages", message.id, before=before, after={"status": "queued"})
