"""The outbox sender handles each message on its own: a row that cannot be built or sent is marked failed
with a short reason, the rest go out in the same pass, and no text from the register becomes a header."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from fpp.extensions import db
from fpp.people.models import Member
from fpp.reminders import mail
from fpp.reminders.models import OutboxMessage

from .conftest import AS_OF

HOSTILE = "Mallory Mole\r\nBcc: x@example.com"
HEADERS = {"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"}


def run(runner, *args) -> str:
    result = runner(*args)
    assert result.exit_code == 0, result.output
    return result.output


def expiring(create_full_member, name: str, email: str) -> Member:
    """A member whose DBS check expires on 31 July 2026: one reminder on 1 June."""
    return create_full_member({"dbs": date(2023, 7, 31)}, name=name, email=email)


def rename_in_the_database(member: Member, name: str) -> None:
    """As an old record would be: straight into the table, past the forms' validation."""
    db.session.execute(update(Member).where(Member.id == member.id).values(name=name))
    db.session.commit()


def outbox() -> dict[str, OutboxMessage]:
    db.session.expire_all()
    return {m.recipient: m for m in db.session.execute(select(OutboxMessage)).scalars()}


def assert_exactly_the_intended_headers(smtp_server) -> None:
    for recipients, message in smtp_server.inbox.messages:
        assert set(message.keys()) == HEADERS and len(message.keys()) == len(HEADERS)
        assert recipients == [message["To"]]
        assert "\n" not in message["Subject"] and "\r" not in message["Subject"]


def test_bad_rows_fail_with_a_reason_and_the_rest_go_out_in_one_pass(runner, create_full_member, smtp_server,
                                                                     frozen, monkeypatch):
    expiring(create_full_member, "Ann Able", "ann@example.nhs.uk")
    mallory = expiring(create_full_member, "Mallory Mole", "mallory@example.nhs.uk")
    expiring(create_full_member, "Carl Crash", "carl@example.nhs.uk")
    expiring(create_full_member, "Zoe Zed", "zoe@example.nhs.uk")
    rename_in_the_database(mallory, HOSTILE)
    run(runner, "reminders", "run", "--as-of", AS_OF.isoformat())
    # Mallory's row as the pass wrote it before subjects were kept to one line.
    outbox()["mallory@example.nhs.uk"].subject = f"DBS check for {HOSTILE}: valid until 31/07/2026"
    db.session.commit()
    real_build = mail.build

    def build(message, settings):
        if message.recipient == "carl@example.nhs.uk":
            raise RuntimeError("template broke on Carl Crash's record")
        return real_build(message, settings)

    monkeypatch.setattr(mail, "build", build)
    output = run(runner, "outbox", "send")

    assert "2 sent, 2 failed" in output
    assert sorted(to for to, _, _ in smtp_server.inbox.received) == ["ann@example.nhs.uk", "zoe@example.nhs.uk"]
    rows = outbox()
    assert {to: m.status for to, m in rows.items()} == {
        "ann@example.nhs.uk": "sent", "mallory@example.nhs.uk": "failed",
        "carl@example.nhs.uk": "failed", "zoe@example.nhs.uk": "sent"}
    assert rows["mallory@example.nhs.uk"].last_error == (
        "could not build the message: the Subject header must be on one line, without control characters "
        "(found U+000D)")
    assert rows["carl@example.nhs.uk"].last_error == (
        "stopped by an unexpected error (RuntimeError); see the server log")
    assert "Carl Crash" not in output and "Bcc" not in output
    assert_exactly_the_intended_headers(smtp_server)
    assert all("x@example.com" not in recipients for recipients, _ in smtp_server.inbox.messages)


def test_a_failed_bad_row_is_not_retried_by_the_next_pass(runner, create_full_member, smtp_server, frozen):
    expiring(create_full_member, "Mallory Mole", "mallory@example.nhs.uk")
    run(runner, "reminders", "run", "--as-of", AS_OF.isoformat())
    outbox()["mallory@example.nhs.uk"].subject = f"DBS check for {HOSTILE}: valid until 31/07/2026"
    db.session.commit()
    assert "0 sent, 1 failed" in run(runner, "outbox", "send")
    assert "0 sent, 0 failed" in run(runner, "outbox", "send")
    row = outbox()["mallory@example.nhs.uk"]
    assert row.status == "failed" and row.attempts == 1
    assert smtp_server.inbox.messages == []


def test_a_hostile_name_goes_out_on_one_line_with_no_header_of_its_own(runner, create_full_member, smtp_server,
                                                                       frozen):
    mallory = expiring(create_full_member, "Mallory Mole", "mallory@example.nhs.uk")
    rename_in_the_database(mallory, "Mallory\u2028Mole\r\nBcc: x@example.com\x0b")
    run(runner, "reminders", "run", "--as-of", AS_OF.isoformat())
    assert "1 sent" in run(runner, "outbox", "send")
    [(recipients, message)] = smtp_server.inbox.messages
    assert recipients == ["mallory@example.nhs.uk"]
    assert message["Subject"] == "DBS check for Mallory Mole Bcc: x@example.com: valid until 31/07/2026"
    assert message["Bcc"] is None
    assert_exactly_the_intended_headers(smtp_server)


def test_a_recipient_with_a_line_break_is_refused_not_sent(runner, create_full_member, smtp_server, frozen):
    expiring(create_full_member, "Ann Able", "ann@example.nhs.uk")
    run(runner, "reminders", "run", "--as-of", AS_OF.isoformat())
    outbox()["ann@example.nhs.uk"].recipient = "ann@example.nhs.uk\nBcc: x@example.com"
    db.session.commit()
    assert "0 sent, 1 failed" in run(runner, "outbox", "send")
    [row] = outbox().values()
    assert row.status == "failed" and "the To header must be on one line" in row.last_error
    assert smtp_server.inbox.messages == []
