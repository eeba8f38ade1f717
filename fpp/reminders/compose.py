"""Who hears about a pass's reminders, and what their one message says (templates/email/reminder.*).

A pass writes one message per recipient (issue 13): a member's message lists every reminder about
them; a secretary's lists the leaver references, the members the register cannot write to (no e-mail
address), the declaration and the weekly digest; a chair's, the declaration. Members get mail only
about themselves, and no message addressed to a member ever goes to a secretary: with
`[reminders] secretary_copies = true` the secretaries get a copy of each member's message, marked as one.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from checks.reminders import (
    ATTESTATION, DECLARATION, DIGEST, EXPIRY, LEAVER, OVERDUE, DigestItem, Due, declaration_year,
)
from checks.rules import DUE_SOON
from checks.text import one_line
from checks.wording import reminder_phrase, short_date
from checks.years import year_label, year_of
from fpp.config import Settings
from fpp.people.models import Member
from fpp.reminders.mail import render
from fpp.templating import format_date

ACTIONS = {
    EXPIRY: "Please arrange for it to be renewed before then.",
    OVERDUE: "Please arrange for it to be done now and send the evidence to the company secretary.",
    LEAVER: "Please complete the Board Member Reference.",
    ATTESTATION: "Please complete your annual self-attestation.",
}


@dataclass(frozen=True)
class Audience:
    """The addresses a pass may write to, read once per pass."""

    secretaries: list[str]
    chairs: list[str]
    accounts: dict[int, str]  # member pk -> their own account's e-mail
    copy_secretaries: bool


@dataclass(frozen=True)
class Queued:
    """One reminder step the pass has just queued: the step, its row, and how many earlier steps of the same
    reminder (kind, member, check, anchor) were sent before it: 0 makes it a first notice, whatever its step."""

    due: Due
    reminder_id: int
    earlier: int = 0


@dataclass
class Letter:
    """One message to one recipient about one pass."""

    recipient: str
    member: Member | None = None  # the member it is addressed to (their own message, or a copy of it)
    own: list[Queued] = field(default_factory=list)
    leavers: list[Queued] = field(default_factory=list)
    unreachable: dict[int, list[Queued]] = field(default_factory=dict)  # member pk -> what could not be sent
    declaration: Queued | None = None
    digest: Queued | None = None
    copy_of: str | None = None  # the address of the member's own message this is a copy of

    @property
    def queued(self) -> list[Queued]:
        extra = [q for q in (self.declaration, self.digest) if q is not None]
        return self.own + self.leavers + [q for items in self.unreachable.values() for q in items] + extra

    @property
    def reminder_ids(self) -> list[int]:
        return list(dict.fromkeys(q.reminder_id for q in self.queued))

    @property
    def about_one_member(self) -> bool:
        """Every reminder it lists is about `member` (so the message goes with that member's record)."""
        return self.member is not None and all(q.due.member is self.member for q in self.queued)


def _clean(address: str | None) -> str | None:
    return address.strip().lower() if address and address.strip() else None


def own_address(member: Member, audience: Audience) -> str | None:
    """The member's e-mail on record, else their own account's sign-in address."""
    return _clean(member.email) or _clean(audience.accounts.get(member.id))


def letters(queued: Iterable[Queued], audience: Audience) -> list[Letter]:
    """Group what a pass queued into one letter per recipient (plus, when configured, one copy of each
    member's letter per secretary). Order: as queued; a recipient's letter comes where they first appear."""
    found: dict[str, Letter] = {}

    def letter(address: str) -> Letter:
        return found.setdefault(address, Letter(address))

    secretaries = [a for a in dict.fromkeys(_clean(a) for a in audience.secretaries) if a]
    chairs = [a for a in dict.fromkeys(_clean(a) for a in audience.chairs) if a]
    for item in queued:
        kind = item.due.kind
        if kind == DIGEST:
            for address in secretaries:
                letter(address).digest = item
        elif kind == DECLARATION:
            for address in dict.fromkeys(chairs + secretaries):
                letter(address).declaration = item
        elif kind == LEAVER:
            for address in secretaries:
                letter(address).leavers.append(item)
        else:
            member: Member = item.due.member
            address = own_address(member, audience)
            if address:
                own = letter(address)
                own.member = own.member or member
                own.own.append(item)
            else:
                for secretary in secretaries:
                    letter(secretary).unreachable.setdefault(member.id, []).append(item)
    result = list(found.values())
    if audience.copy_secretaries:
        result += [_copy(original, secretary) for original in list(result) if original.own
                   for secretary in secretaries if secretary != original.recipient]
    return result


def _copy(original: Letter, secretary: str) -> Letter:
    return Letter(secretary, member=original.member, own=list(original.own), copy_of=original.recipient)


def member_url(settings: Settings, member: Member) -> str:
    return f"{settings['base_url'].rstrip('/')}/members/{member.id}"


def compose(letter: Letter, as_of: date, settings: Settings,
            digest: list[DigestItem] | None = None) -> tuple[str, str, str]:
    """(subject, text, html) of one letter."""
    base_url = settings["base_url"].rstrip("/")
    context = {
        "letter": letter, "as_of": as_of, "organisation": settings["organisation_name"], "base_url": base_url,
        "format_date": format_date, "short_date": short_date,
        "member": letter.member, "member_url": member_url(settings, letter.member) if letter.member else None,
        "own": [_line(q, as_of, settings) for q in letter.own],
        "leavers": [_line(q, as_of, settings) for q in letter.leavers],
        "unreachable": sorted((_unreachable(items, as_of, settings) for items in letter.unreachable.values()),
                              key=lambda person: person["member_id"]),
        "declaration": _declaration(letter.declaration, base_url),
        "digest": None if letter.digest is None else [_digest_line(i, as_of, settings) for i in digest or []],
        "digest_horizon": settings["reminders_digest_horizon_days"],
    }
    text, html = render("reminder", **context)
    return subject(letter, context), text, html


def _line(item: Queued, as_of: date, settings: Settings) -> dict:
    """One reminder as the letter lists it: the check, its state in the pages' words, what to do."""
    due, member = item.due, item.due.member
    check = settings.rules.check(due.code)
    label = f"Self-attestation for {year_label(year_of(due.anchor_on))}" if due.kind == ATTESTATION else check.label
    notice = None
    if due.kind in (EXPIRY, OVERDUE):
        notice = "First notice." if item.earlier == 0 else f"Reminder {item.earlier + 1}."
    days_left = (due.anchor_on - as_of).days if due.kind == EXPIRY else None
    return {"kind": due.kind, "label": label, "description": check.description, "name": member.name,
            "member_id": member.member_id, "state": reminder_phrase(due.kind, due.step, due.anchor_on),
            "days_left": days_left, "notice": notice, "action": ACTIONS[due.kind],
            "end_on": member.end_on, "url": member_url(settings, member)}


def _unreachable(items: list[Queued], as_of: date, settings: Settings) -> dict:
    member: Member = items[0].due.member
    return {"name": member.name, "member_id": member.member_id, "count": len(items),
            "url": member_url(settings, member), "lines": [_line(q, as_of, settings) for q in items]}


def _declaration(item: Queued | None, base_url: str) -> dict | None:
    if item is None:
        return None
    return {"year_label": year_label(declaration_year(item.due.anchor_on)), "deadline": item.due.anchor_on,
            "url": f"{base_url}/board"}


def _digest_line(item: DigestItem, as_of: date, settings: Settings) -> dict:
    member: Member = item.member
    if item.code == "leaver_reference":
        state = reminder_phrase(LEAVER, "overdue" if item.on < as_of else "left", item.on)
    else:
        kind, step = (EXPIRY, "") if item.status == DUE_SOON else (OVERDUE, item.status)
        state = reminder_phrase(kind, step, item.on)
    return {"name": member.name, "member_id": member.member_id, "check": settings.rules.label(item.code),
            "status": item.status, "on": item.on, "state": state, "url": member_url(settings, member)}


def digest_sort_key(item: DigestItem) -> tuple:
    return (item.on or date.min, item.member.member_id, item.code)


def subject(letter: Letter, context: dict) -> str:
    """The subject: the one thing the letter is about, or how many; a copy says so first. Names are kept to
    one line (checks.text.one_line), so no text from the register can start a header."""
    organisation = one_line(context["organisation"])
    staff_items = letter.leavers or letter.unreachable or letter.declaration or letter.digest
    if letter.member is not None and letter.own and not staff_items:
        name = one_line(letter.member.name)
        if len(context["own"]) == 1:
            line = context["own"][0]
            about = f"{line['label']} for {name}: {line['state']}"
        else:
            about = f"{len(context['own'])} fit and proper checks for {name} need attention"
        return f"Copy: {about}" if letter.copy_of else about
    parts = []
    count = len(letter.own) + len(letter.leavers) + sum(len(items) for items in letter.unreachable.values())
    if count:
        parts.append(f"{count} reminder{'s' if count != 1 else ''}")
    if context["declaration"]:
        parts.append(f"the {context['declaration']['year_label']} declaration due by "
                     f"{short_date(context['declaration']['deadline'])}")
    if letter.digest is not None:
        parts.append("the weekly digest")
    listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return f"{organisation} fit and proper register, {short_date(context['as_of'])}: {listed}"
