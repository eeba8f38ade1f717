"""Reminder fixtures: a real SMTP server on loopback (aiosmtpd), a frozen clock, and a board."""
from __future__ import annotations

import socket
from datetime import date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from fpp.timeutil import freeze

AS_OF = date(2026, 6, 1)  # a Monday: the digest day


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """What the SMTP server received, as (recipient, subject, text) tuples, and each message as parsed."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, str]] = []
        self.messages: list[tuple[list[str], EmailMessage]] = []  # (envelope recipients, message)

    async def handle_DATA(self, server, session, envelope):
        mail = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), mail))
        text = mail.get_body(("plain",)).get_content()
        for rcpt in envelope.rcpt_tos:
            self.received.append((rcpt, " ".join(mail["Subject"].split()), text))
        return "250 OK"


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 that tests can stop and start again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings_overrides(settings_overrides, smtp_server):
    """Every app in these tests sends by SMTP to the loopback server."""
    return settings_overrides | {"mail_backend": "smtp", "smtp_host": "127.0.0.1", "smtp_port": smtp_server.port,
                                 "base_url": "https://fpp.example.nhs.uk", "outbox_smtp_timeout_seconds": 5}


@pytest.fixture
def frozen():
    with freeze(datetime(2026, 6, 1, 6, 0)):
        yield




@pytest.fixture
def board(create_full_member, create_member, create_user):
    """Alice's DBS expires in 60 days, Bob's insolvency search expired 11 days ago, Colin left on 15 May,
    Dora starts in July, Carol chairs with everything valid; one secretary."""
    people = {
        "alice": create_full_member({"dbs": date(2023, 7, 31)}, name="Alice Able", email="alice@example.nhs.uk"),
        "bob": create_full_member({"insolvency": date(2025, 5, 20)}, name="Bob Brown", email="bob@example.nhs.uk"),
        "colin": create_full_member(name="Colin Cole", email="colin@example.nhs.uk", end_on=date(2026, 5, 15)),
        "dora": create_member(name="Dora Dean", email="dora@example.nhs.uk", start_on=date(2026, 7, 1)),
        "carol": create_full_member(name="Carol Chair", email="carol@example.nhs.uk", position="chair"),
    }
    create_user("chair", member=people["carol"], email="carol@example.nhs.uk")
    create_user("secretary", email="sec@example.nhs.uk")
    return people


@pytest.fixture
def free_port_closed() -> int:
    """A loopback port with nothing listening."""
    return free_port()
