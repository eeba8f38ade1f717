"""What the reminder pass and the outbox read. Every query the scheduler runs has an index
(migration 0201): the daily pass looks at the members whose dates fall in a window around the
as-of date, or whose records changed since the last pass, never at the whole register."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select

from checks import Rules, add_months
from checks.reminders import ReminderPolicy, prefilter_window
from fpp.annual.models import Declaration
from fpp.auth.models import User
from fpp.extensions import db
from fpp.people.models import Member
from fpp.register.models import CheckRecord
from fpp.reminders.models import FAILED, QUEUED, SENDING, OutboxMessage, Reminder, ReminderPass

SLACK_DAYS = 3  # month-end clamping moves an expiry by at most 3 days


def last_pass(exclude_id: int | None = None) -> ReminderPass | None:
    """The latest completed pass (by as-of date, then by start), other than the one running."""
    query = select(ReminderPass).order_by(ReminderPass.as_of.desc(), ReminderPass.id.desc()).limit(1)
    if exclude_id is not None:
        query = query.where(ReminderPass.id != exclude_id)
    return db.session.execute(query).scalar()


def candidate_members(as_of: date, previous: ReminderPass | None, policy: ReminderPolicy,
                      rules: Rules) -> set[int] | None:
    """Members who may have a reminder due on `as_of` (None: everyone, on the first pass and on the
    attestation request day).

    A superset filter: the windows come from `checks.reminders.prefilter_window`, built from the same
    policy and rules as the decision, and each branch is an indexed range query, so the cost grows with
    what is due, not with the register. Whether a reminder is due is decided afterwards, member by
    member, by `checks.reminders.due_anchor`.
    """
    if previous is None:
        return None
    since = min(previous.as_of, as_of)
    window = prefilter_window(since, as_of, policy, rules)
    if window.everyone:
        return None
    found = _expiring(window.early, window.late, rules) | _changed_since(previous.started_at)
    found |= _starting(window.early, as_of, rules) | _leaving(window.left_since, as_of)
    return found


def _expiring(early: date, late: date, rules: Rules) -> set[int]:
    """Members with a record whose expiry falls in [early, late]: one range per check on (code, completed_on)."""
    conditions = []
    for check in rules.catalogue:
        months = rules.validity(check.code)
        if months is None:
            continue
        low = add_months(early, -months) - timedelta(days=SLACK_DAYS)
        high = add_months(late, -months) + timedelta(days=SLACK_DAYS)
        conditions.append((CheckRecord.code == check.code) & CheckRecord.completed_on.between(low, high))
    if not conditions:
        return set()
    query = select(CheckRecord.member_pk).where(or_(*conditions), CheckRecord.deleted_at.is_(None)).distinct()
    return set(db.session.execute(query).scalars())


def _changed_since(moment: datetime) -> set[int]:
    """Members whose details or records changed since `moment` (an import, a correction, a deletion)."""
    records = select(CheckRecord.member_pk).where(
        or_(CheckRecord.recorded_at >= moment, CheckRecord.deleted_at >= moment))
    members = select(Member.id).where(Member.updated_at >= moment)
    return set(db.session.execute(records.union(members)).scalars())


def _starting(early: date, as_of: date, rules: Rules) -> set[int]:
    """Members whose checks (or appraisal) started to apply in the overdue window."""
    months = rules.appraisal_after_months
    appraisal_low = add_months(early, -months) - timedelta(days=SLACK_DAYS)
    appraisal_high = add_months(as_of, -months) + timedelta(days=SLACK_DAYS)
    query = select(Member.id).where(or_(Member.start_on.between(early, as_of),
                                        Member.start_on.between(appraisal_low, appraisal_high)))
    return set(db.session.execute(query).scalars())


def _leaving(early: date, as_of: date) -> set[int]:
    query = select(Member.id).where(Member.end_on.between(early, as_of))
    return set(db.session.execute(query).scalars())


def members_started_by(as_of: date, member_pks: set[int] | None) -> list[Member]:
    """The members (all, or those in `member_pks`) who started on or before `as_of`, in Member ID order."""
    query = select(Member).where(Member.start_on <= as_of).order_by(Member.member_id)
    if member_pks is not None:
        query = query.where(Member.id.in_(sorted(member_pks)))
    return list(db.session.execute(query).scalars())


def existing_keys(keys: list[str]) -> set[str]:
    """Which of `keys` were queued already."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found |= set(db.session.execute(select(Reminder.key).where(Reminder.key.in_(chunk))).scalars())
    return found


def signed_years() -> set[int]:
    """Financial years whose declaration has been signed."""
    return set(db.session.execute(select(Declaration.year).distinct()).scalars())


def role_emails(role: str) -> list[str]:
    """E-mail addresses of the enabled accounts with `role`."""
    query = select(User.email).where(User.role == role, User.is_enabled.is_(True)).order_by(User.email)
    return list(db.session.execute(query).scalars())


def account_emails(member_pks: list[int]) -> dict[int, str]:
    """The sign-in e-mail of each member's own account, used when the member has no e-mail on record."""
    query = select(User.member_pk, User.email).where(User.member_pk.in_(member_pks), User.is_enabled.is_(True))
    return {pk: email for pk, email in db.session.execute(query)}


def sendable_ids(now: datetime, retry_now: bool) -> list[int]:
    """Messages to try now: queued ones whose backoff has passed (all queued and failed with `retry_now`)."""
    if retry_now:
        condition = OutboxMessage.status.in_((QUEUED, FAILED))
    else:
        condition = (OutboxMessage.status == QUEUED) & (OutboxMessage.next_attempt_at <= now)
    query = select(OutboxMessage.id).where(condition).order_by(OutboxMessage.id)
    return list(db.session.execute(query).scalars())


def stale_sending_ids(before: datetime) -> list[int]:
    """Messages claimed before `before` and never marked: their sender died mid-delivery."""
    query = select(OutboxMessage.id).where(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < before)
    return list(db.session.execute(query).scalars())


def outbox_page(status: str | None, limit: int = 200) -> list[OutboxMessage]:
    """The newest messages, optionally with one status, for the secretary's outbox page."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    return list(db.session.execute(query).scalars())


def outbox_counts() -> dict[str, int]:
    query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    return {status: count for status, count in db.session.execute(query)}


def earlier_steps(member_pks: list[int]) -> dict[tuple, int]:
    """How many steps of each reminder (kind, member, check, anchor date) were queued already, for these
    members: a step with none before it is a first notice, even when it is the sixth step (a catch-up)."""
    found: dict[tuple, int] = {}
    for start in range(0, len(member_pks), 500):
        query = (select(Reminder.kind, Reminder.member_pk, Reminder.code, Reminder.anchor_on, func.count())
                 .where(Reminder.member_pk.in_(member_pks[start:start + 500]))
                 .group_by(Reminder.kind, Reminder.member_pk, Reminder.code, Reminder.anchor_on))
        found |= {tuple(row[:4]): row[4] for row in db.session.execute(query)}
    return found
