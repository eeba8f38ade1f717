"""Secret calendar feeds (ICS): create, revoke, look up by token, and build the calendar."""
from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select

from checks.reminders import ReminderPolicy, declaration_deadline
from checks.years import year_of
from checks.rules import Rules, leaver_reference_due_on
from checks.wording import date_phrase, phrase_day
from fpp.access import READ_ALL
from fpp.audit.operations import record as audit
from fpp.auth.models import User
from fpp.extensions import db
from fpp.register.queries import members_with_statuses
from fpp.reminders.models import CalendarFeed
from fpp.timeutil import utcnow


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_feed(user: User) -> CalendarFeed | None:
    """The user's feed that has not been revoked."""
    query = select(CalendarFeed).where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
    return db.session.execute(query).scalar()


def create_feed(user: User) -> str:
    """A new secret feed for `user` (the previous one is revoked); returns the token, which is not stored."""
    revoke_feed(user)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(user_id=user.id, token_hash=token_hash(token))
    db.session.add(feed)
    db.session.flush()
    audit("calendar.created", "calendar_feeds", feed.id, after={"user_id": user.id})
    return token


def revoke_feed(user: User) -> bool:
    """Revoke the user's active feed, if any; its URL stops working at once."""
    feed = active_feed(user)
    if feed is None:
        return False
    feed.revoked_at = utcnow()
    db.session.flush()
    audit("calendar.revoked", "calendar_feeds", feed.id, after={"user_id": user.id})
    return True


def feed_user(token: str) -> User | None:
    """The enabled user whose active feed has this token, or None."""
    query = (select(User).join(CalendarFeed, CalendarFeed.user_id == User.id)
             .where(CalendarFeed.token_hash == token_hash(token), CalendarFeed.revoked_at.is_(None),
                    User.is_enabled.is_(True)))
    return db.session.execute(query).scalar()


def visible_pks(user: User) -> list[int] | None:
    """Everyone (None) for the readers; a member's own record only."""
    return None if user.role in READ_ALL else [user.member_pk or -1]


def build_calendar(user: User, as_of: date, rules: Rules, policy: ReminderPolicy, organisation: str,
                   base_url: str) -> bytes:
    """The ICS: each visible check's last valid day ("valid until"; the day after, "expired since", once
    it has expired: checks.wording), leaver-reference deadlines, and (for readers) the
    declaration deadline. All-day events with stable UIDs, so calendars update rather than duplicate."""
    calendar = Calendar()
    calendar.add("prodid", "-//fpp-register//reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{organisation}: fit and proper register")
    for row in members_with_statuses(as_of, rules, visible_pks(user)).rows:  # on the board by as_of
        member, statuses = row.member, row.status.checks
        url = f"{base_url.rstrip('/')}/members/{member.id}"
        for status in statuses.values():
            day = phrase_day(status.status, status.expires_on)  # the last valid day, or the first day expired
            if day is not None:
                phrase = date_phrase(status.status, status.expires_on)
                summary = f"{rules.check(status.code).label} {phrase}: {member.name}"
                calendar.add_component(_event(f"{member.id}-{status.code}-{status.expires_on}", day, summary, url))
        if member.facts.has_left(as_of) and statuses["leaver_reference"].status == "missing":
            due = leaver_reference_due_on(member.facts, rules)
            calendar.add_component(_event(f"{member.id}-leaver_reference-{due}", due,
                                          f"Leaver reference due: {member.name}", url))
    if user.role in READ_ALL:
        deadline = declaration_deadline(year_of(as_of) - 1, policy)
        calendar.add_component(_event(f"declaration-{deadline}", deadline, "Annual FPPT declaration due",
                                      f"{base_url.rstrip('/')}/board"))
    return calendar.to_ical()


def _event(uid: str, day: date, summary: str, url: str) -> Event:
    event = Event()
    event.add("uid", f"{uid}@fpp-register")
    event.add("dtstamp", utcnow())
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("url", url)
    event.add("description", url)
    return event
