"""Who gets a reminder and what it says (templates/email/). Members get mail only about themselves."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from checks import get_check
from checks.reminders import (
    ATTESTATION, DECLARATION, DIGEST, EXPIRY, LEAVER, OVERDUE, DigestItem, Due, declaration_year,
)
from checks.text import one_line
from checks.years import year_label, year_of
from fpp.config import Settings
from fpp.people.models import Member
from fpp.reminders.mail import render
from fpp.templating import format_date


@dataclass(frozen=True)
class Audience:
    """The addresses a pass may write to, read once per pass."""

    secretaries: list[str]
    chairs: list[str]
    accounts: dict[int, str]  # member pk -> their own account's e-mail
    copy_secretaries: bool


def recipients(due: Due, audience: Audience) -> list[str]:
    """The member (about themselves), and the secretaries when configured, or when the member has no
    address; leaver references and the digest go to the secretaries, the declaration to chair and secretaries."""
    if due.kind in (LEAVER, DIGEST):
        found = audience.secretaries
    elif due.kind == DECLARATION:
        found = audience.chairs + audience.secretaries
    else:
        member: Member = due.member
        own = member.email or audience.accounts.get(member.id)
        copies = audience.secretaries if (audience.copy_secretaries and due.kind != ATTESTATION) or not own else []
        found = ([own] if own else []) + copies
    return list(dict.fromkeys(address.strip().lower() for address in found if address and address.strip()))


def member_url(settings: Settings, member: Member) -> str:
    return f"{settings['base_url'].rstrip('/')}/members/{member.id}"


def compose(due: Due, settings: Settings, digest: list[DigestItem] | None = None) -> tuple[str, str, str]:
    """(subject, text, html) of a reminder step."""
    context = {"kind": due.kind, "step": due.step, "due": due, "organisation": settings["organisation_name"],
               "base_url": settings["base_url"].rstrip("/"), "format_date": format_date}
    if due.kind == DIGEST:
        context["items"] = [_digest_line(item, settings) for item in digest or []]
        text, html = render("digest", **context)
        return f"Fit and proper register: weekly digest, {format_date(due.anchor_on, 'long')}", text, html
    if due.kind == DECLARATION:
        context |= {"year_label": year_label(declaration_year(due.anchor_on)), "deadline": due.anchor_on,
                    "url": f"{context['base_url']}/board"}
        text, html = render("declaration", **context)
        return f"Annual FPPT declaration for {context['year_label']} due by {format_date(due.anchor_on, 'long')}", text, html
    member: Member = due.member
    context |= {"member": member, "check": get_check(due.code), "url": member_url(settings, member),
                "number": _step_number(due.step), "lead": due.step.partition("_")[2]}
    text, html = render("reminder", **context)
    return _subject(due, member), text, html


def _step_number(step: str) -> int | None:
    tail = step.rpartition("_")[2]
    return int(tail) if tail.isdigit() else None


def _subject(due: Due, member: Member) -> str:
    label, when, name = get_check(due.code).label, format_date(due.anchor_on, "long"), one_line(member.name)
    if due.kind == EXPIRY:
        return f"{label} for {name} expires on {when}"
    if due.kind == OVERDUE:
        return f"{label} for {name} is {'overdue' if 'expired' in due.step else 'missing'}"
    if due.kind == LEAVER:
        return f"Leaver reference for {name} due by {when}"
    return f"Your annual fit and proper self-attestation for {year_label(year_of(due.anchor_on))}"


def _digest_line(item: DigestItem, settings: Settings) -> dict:
    member: Member = item.member
    return {"name": member.name, "member_id": member.member_id, "check": get_check(item.code).label,
            "status": item.status, "on": item.on, "url": member_url(settings, member)}


def digest_sort_key(item: DigestItem) -> tuple:
    return (item.on or date.min, item.member.member_id, item.code)
