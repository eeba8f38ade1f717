"""Rendering reminder e-mails from templates/email/ and delivering them (file or SMTP backend)."""
from __future__ import annotations

import smtplib
from datetime import timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from checks.text import control_character_problem
from fpp.config import Settings
from fpp.reminders.models import OutboxMessage
from fpp.templating import render_mail


class MailError(Exception):
    """A delivery failed; the message says why (kept on the outbox row for the secretary)."""


class BuildError(MailError):
    """The outbox row cannot be turned into a message (a header with a line break, text that cannot be
    encoded): trying again would fail the same way. The reason names the header, never its value."""


def render(template: str, **context) -> tuple[str, str]:
    """The plain-text (not HTML-escaped) and HTML bodies of `templates/email/<template>.txt|.html`."""
    return render_mail(template, **context)


def build(message: OutboxMessage, settings: Settings) -> EmailMessage:
    """The MIME message: plain text with an HTML alternative, and a Message-ID stable per outbox row.

    Exactly these headers, each on one line: a value with a control character is refused (BuildError),
    so text from the register can never add a header. The message is encoded here, before any
    connection, so one that cannot be written fails as a whole."""
    domain = settings["mail_from"].rpartition("@")[2] or "localhost"
    headers = {"From": settings["mail_from"], "To": message.recipient, "Subject": message.subject,
               "Date": format_datetime(message.created_at.replace(tzinfo=timezone.utc)),
               "Message-ID": f"<fpp-outbox-{message.id}@{domain}>"}
    mail = EmailMessage(policy=policy.default)
    for name, value in headers.items():
        _set_header(mail, name, value)
    try:
        mail.set_content(message.body_text)
        mail.add_alternative(message.body_html, subtype="html")
        bytes(mail)
    except (ValueError, TypeError, LookupError) as exc:
        raise BuildError(f"could not build the message body ({exc.__class__.__name__})") from None
    return mail


def _set_header(mail: EmailMessage, name: str, value: str) -> None:
    problem = control_character_problem(value)
    if problem:
        raise BuildError(f"could not build the message: the {name} header {problem}")
    try:
        mail[name] = value  # the policy refuses CR and LF too, and folds long values safely
    except (ValueError, TypeError, IndexError) as exc:
        raise BuildError(f"could not build the message: the {name} header is not valid "
                         f"({exc.__class__.__name__})") from None


def deliver(message: OutboxMessage, settings: Settings) -> str | None:
    """Hand one message to the configured backend; returns the .eml path (file backend). Raises MailError."""
    mail = build(message, settings)
    if settings["mail_backend"] == "file":
        return _write_file(mail, message, settings)
    _send_smtp(mail, settings)
    return None


def _write_file(mail: EmailMessage, message: OutboxMessage, settings: Settings) -> str:
    folder = settings.data_dir / "mail"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{message.id:08d}.eml"
        path.write_bytes(bytes(mail))
    except OSError as exc:
        raise MailError(f"could not write to {folder}: {exc}") from None
    return str(path)


def _send_smtp(mail: EmailMessage, settings: Settings) -> None:
    host, port = settings["smtp_host"], settings["smtp_port"]
    try:
        with smtplib.SMTP(host, port, timeout=settings["outbox_smtp_timeout_seconds"]) as smtp:
            if settings["smtp_starttls"]:
                smtp.starttls()
            if settings["smtp_user"]:
                smtp.login(settings["smtp_user"], settings["smtp_password"])
            smtp.send_message(mail)
    except (OSError, smtplib.SMTPException, ValueError) as exc:  # ValueError: an address it cannot encode
        raise MailError(f"SMTP {host}:{port}: {exc.__class__.__name__}: {exc}") from None


def read_stored(path: str | None) -> str | None:
    """The raw .eml text the file backend wrote, if it is still there."""
    if not path or not Path(path).is_file():
        return None
    return Path(path).read_text(errors="replace")
