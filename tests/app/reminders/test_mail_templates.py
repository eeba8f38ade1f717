"""Every e-mail template, both parts, rendered with hostile names: the plain text shows the name as typed
(less control characters, never HTML entities), the HTML part escapes it, and no header holds CR or LF.

The templates are found by globbing templates/email, so a new template is covered: it needs a context
below (the test says so) and must print the organisation's name, as every mail does."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from markupsafe import escape

from checks.reminders import DECLARATION, DIGEST, EXPIRY, LEAVER, OVERDUE, DigestItem, Due
from checks.text import one_line
from fpp.reminders import mail
from fpp.reminders.compose import Audience, Queued, compose, letters
from fpp.reminders.models import OutboxMessage
from fpp.templating import format_date, render_mail

EMAIL = Path(__file__).resolve().parents[3] / "templates" / "email"
TEMPLATES = sorted({path.stem for path in EMAIL.glob("*.txt")} | {path.stem for path in EMAIL.glob("*.html")})
HOSTILE = ["O'Brien <script>alert(1)</script>", "Mallory Mole\r\nBcc: x@evil.example", "=1+1",
           "Zed\u2028Zero\x0b\x00"]
AS_OF = date(2026, 6, 1)


def members(name: str) -> dict:
    def member(pk: int, email: str | None, **extra):
        return SimpleNamespace(id=pk, member_id=f"H{pk:03d}", name=name, email=email, end_on=None, **extra)
    return {"own": member(1, "own@example.nhs.uk"), "none": member(2, None),
            "leaver": member(3, None), "digest": member(4, "d@example.nhs.uk")}


def reminder_letters(name: str) -> list:
    """Every section of the reminder letter, with `name` as every member's name: a member's own message,
    its copy, and the secretary's (leaver, no e-mail address, declaration, digest)."""
    people = members(name)
    people["leaver"].end_on = date(2026, 5, 15)
    queued = [
        Queued(Due(EXPIRY, "dbs", date(2026, 7, 31), "before_60", date(2026, 6, 1), people["own"]), 1),
        Queued(Due(OVERDUE, "insolvency", date(2026, 5, 21), "expired_2", date(2026, 5, 28), people["own"]), 2, 1),
        Queued(Due(OVERDUE, "qualifications", date(2020, 1, 1), "missing_6", date(2020, 2, 5), people["none"]), 3),
        Queued(Due(LEAVER, "leaver_reference", date(2026, 6, 14), "left", date(2026, 5, 16), people["leaver"]), 4),
        Queued(Due(DECLARATION, "annual_declaration", date(2026, 6, 30), "before_30", date(2026, 5, 31)), 5),
        Queued(Due(DIGEST, "digest", AS_OF, "weekly", AS_OF), 6),
    ]
    audience = Audience(["sec@example.nhs.uk"], ["chair@example.nhs.uk"], {}, copy_secretaries=True)
    return letters(queued, audience)


def digest(name: str) -> list[DigestItem]:
    person = members(name)["digest"]
    return [DigestItem(person, "dbs", "due_soon", date(2026, 7, 31)), DigestItem(person, "dbs", "expired", AS_OF),
            DigestItem(person, "leaver_reference", "missing", date(2026, 6, 14)),
            DigestItem(person, "qualifications", "missing", date(2020, 1, 1))]


def account_context(name: str) -> dict:
    user = SimpleNamespace(email="someone@example.nhs.uk")
    return {"user": user, "invited_by": name, "role": "Company secretary", "url": "https://fpp.example.nhs.uk/x",
            "expires_at": datetime(2026, 6, 8, 12, 0), "days": 7, "minutes": 30, "needs_mfa": True,
            "organisation": name, "format_date": format_date}


def renders(template: str, name: str, app) -> list[tuple[str | None, str, str]]:
    """(subject or None, text, html) of every way `template` is rendered."""
    if template == "reminder":
        settings = app.extensions["fpp_settings"]
        return [compose(letter, AS_OF, settings, digest(name)) for letter in reminder_letters(name)]
    if template in ("invitation", "password_reset"):
        return [(None, *render_mail(template, **account_context(name)))]
    pytest.fail(f"templates/email/{template}: add a hostile context for it to this test")


def test_the_glob_finds_every_template_in_both_parts():
    assert {"reminder", "invitation", "password_reset"} <= set(TEMPLATES)
    for template in TEMPLATES:
        assert (EMAIL / f"{template}.txt").is_file() and (EMAIL / f"{template}.html").is_file(), template


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("template", TEMPLATES)
def test_hostile_names_in_every_template(app, monkeypatch, template, name):
    monkeypatch.setitem(app.extensions["fpp_settings"].values, "organisation_name", name)
    typed = one_line(name)  # as typed, less control characters
    for subject, text, html in renders(template, name, app):
        assert typed in text, "the plain text shows the name as typed"
        assert "&#39;" not in text and "&lt;" not in text and "&amp;" not in text and "&#34;" not in text
        assert not any(character in text for character in "\r\x0b\x00\u2028")
        assert not any(line.startswith("Bcc:") for line in text.splitlines())
        assert str(escape(typed)) in html, "the HTML part escapes the name"
        if "<script>" in name:
            assert "<script>" not in html
        if subject is not None:
            assert "\r" not in subject and "\n" not in subject and typed in subject
            message = OutboxMessage(id=1, recipient="sec@example.nhs.uk", subject=subject, body_text=text,
                                    body_html=html, created_at=datetime(2026, 6, 1, 6, 0))
            built = mail.build(message, app.extensions["fpp_settings"])
            for header, value in built.items():
                assert "\r" not in str(value) and "\n" not in str(value), header
            assert built["Bcc"] is None


def test_every_section_of_the_reminder_letter_is_rendered(app):
    """The hostile test above covers each section: own checks, the copy mark, leavers, no address,
    the declaration and the digest."""
    rendered = renders("reminder", "Ann", app)
    texts = "\n".join(text for _, text, _ in rendered)
    for words in ("Dear Ann,", "Copy for the company secretary", "Board Member References to complete",
                  "No email address for Ann (H002): 1 reminder could not be sent.", "has not been signed yet",
                  "Weekly digest", "Reminder 2.", "First notice."):
        assert words in texts, words
