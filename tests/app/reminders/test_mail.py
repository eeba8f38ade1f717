"""The reminder pass and the outbox against a real SMTP server on loopback."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from fpp.extensions import db
from fpp.reminders.models import OutboxMessage, Reminder
from fpp.timeutil import freeze

from .conftest import AS_OF


def run(runner, *args):
    result = runner(*args)
    assert result.exit_code == 0, result.output
    return result.output


def subjects(server) -> set[tuple[str, str]]:
    return {(to, subject) for to, subject, _ in server.inbox.received}


def test_the_right_people_get_the_right_mails(runner, board, smtp_server, frozen):
    run(runner, "reminders", "run", "--as-of", AS_OF.isoformat())
    output = run(runner, "outbox", "send")
    assert "4 sent" in output  # one message per person: the secretary's holds the leaver, declaration and digest
    assert subjects(smtp_server) == {
        ("alice@example.nhs.uk", "DBS check for Alice Able: valid until 31/07/2026"),
        ("bob@example.nhs.uk", "Insolvency search for Bob Brown: expired since 21/05/2026"),
        ("sec@example.nhs.uk", "Test NHS Trust fit and proper register, 01/06/2026: 1 reminder, "
                               "the 2025/26 declaration due by 30/06/2026 and the weekly digest"),
        ("carol@example.nhs.uk", "Test NHS Trust fit and proper register, 01/06/2026: "
                                 "the 2025/26 declaration due by 30/06/2026"),
    }
    alice = next(text for to, _, text in smtp_server.inbox.received if to == "alice@example.nhs.uk")
    assert alice.startswith("Dear Alice Able,") and "DBS check: valid until 31/07/2026 (60 days from now)" in alice
    assert f"https://fpp.example.nhs.uk/members/{board['alice'].id}" in alice
    secretary = next(text for to, _, text in smtp_server.inbox.received if to == "sec@example.nhs.uk")
    assert secretary.startswith("Hello,") and "Dear" not in secretary
    assert f"Colin Cole ({board['colin'].member_id}), who left on 15/05/2026: due by 14/06/2026" in secretary
    assert "declaration for 2025/26 has not been signed yet" in secretary
    digest = secretary.split("Weekly digest", 1)[1]
    assert "Bob Brown" in digest and "Alice Able" in digest and "Colin Cole" in digest
    assert "Dora Dean" not in digest and "Carol Chair" not in digest


def test_a_second_run_sends_nothing(runner, board, smtp_server, frozen):
    run(runner, "reminders", "run", "--as-of", AS_OF.isoformat())
    run(runner, "outbox", "send")
    first = len(smtp_server.inbox.received)
    assert "queued 0 reminder(s)" in run(runner, "reminders", "run", "--as-of", AS_OF.isoformat())
    assert "0 sent" in run(runner, "outbox", "send")
    assert len(smtp_server.inbox.received) == first


def test_secretary_copies_when_configured(app, runner, board, smtp_server, frozen, monkeypatch):
    settings = app.extensions["fpp_settings"]
    monkeypatch.setitem(settings.values, "reminders_secretary_copies", True)
    run(runner, "reminders", "run", "--as-of", AS_OF.isoformat())
    run(runner, "outbox", "send")
    assert ("sec@example.nhs.uk", "Copy: DBS check for Alice Able: valid until 31/07/2026") in subjects(smtp_server)
    assert not any(to == "alice@example.nhs.uk" and "Bob" in s for to, s in subjects(smtp_server))


def test_a_scheduler_down_for_weeks_sends_the_latest_step_once(runner, create_full_member, smtp_server, frozen):
    create_full_member({"dbs": date(2023, 7, 31)}, name="Alice Able", email="alice@example.nhs.uk")
    run(runner, "reminders", "run", "--as-of", "2026-05-01")   # nothing due yet for Alice
    run(runner, "reminders", "run", "--as-of", "2026-07-26")   # 60- and 30-day steps missed
    run(runner, "outbox", "send")
    alice = [s for to, s in subjects(smtp_server) if to == "alice@example.nhs.uk"]
    assert alice == ["DBS check for Alice Able: valid until 31/07/2026"]
    [(_, _, text)] = [m for m in smtp_server.inbox.received if m[0] == "alice@example.nhs.uk"]
    assert "(5 days from now). First notice." in text
    steps = db.session.execute(select(Reminder.step).where(Reminder.code == "dbs")).scalars().all()
    assert steps == ["before_7"]


def test_weekly_overdue_reminders_stop_after_six(runner, create_full_member, smtp_server, frozen):
    create_full_member({"insolvency": date(2025, 5, 20)}, name="Bob Brown", email="bob@example.nhs.uk")
    day = date(2026, 5, 21)
    while day <= date(2026, 8, 31):
        run(runner, "reminders", "run", "--as-of", day.isoformat())
        day += timedelta(days=1)
    steps = db.session.execute(select(Reminder.step).where(Reminder.code == "insolvency")
                               .order_by(Reminder.id)).scalars().all()
    assert steps == [f"expired_{n}" for n in range(1, 7)]


def test_fresh_import_sends_one_overdue_notice_not_six(runner, create_full_member, smtp_server, frozen):
    create_full_member({"qualifications": None}, name="Mo Missing", email="mo@example.nhs.uk")
    run(runner, "reminders", "run", "--as-of", AS_OF.isoformat())
    run(runner, "outbox", "send")
    mo = [s for to, s in subjects(smtp_server) if to == "mo@example.nhs.uk"]
    assert mo == ["Qualifications for Mo Missing: missing, required since 01/01/2020"]
    [(_, _, text)] = [m for m in smtp_server.inbox.received if m[0] == "mo@example.nhs.uk"]
    assert "First notice." in text and "eminder 6" not in text
    step = db.session.execute(select(Reminder.step).where(Reminder.code == "qualifications")).scalar()
    assert step == "missing_6"  # the latest step is recorded, and worded as the first notice it is


def test_a_renewed_check_is_not_sent(runner, board, create_record, smtp_server, frozen):
    run(runner, "reminders", "run", "--as-of", AS_OF.isoformat())
    create_record(board["alice"], "dbs", AS_OF)  # renewed before the sender ran
    output = run(runner, "outbox", "send")
    assert "1 cancelled" in output
    assert not any(to == "alice@example.nhs.uk" for to, _ in subjects(smtp_server))
    status = db.session.execute(select(OutboxMessage.status, OutboxMessage.last_error)
                                .where(OutboxMessage.recipient == "alice@example.nhs.uk")).one()
    assert status[0] == "cancelled" and "renewed" in status[1]


def test_server_down_then_up_delivers_each_message_once(runner, board, smtp_server, frozen):
    smtp_server.stop()
    run(runner, "reminders", "run", "--as-of", AS_OF.isoformat())
    result = runner("outbox", "send")
    assert result.exit_code == 0 and "0 sent, 4 failed" in result.output
    assert "127.0.0.1" in result.output  # the error names the server
    assert "0 sent, 0 failed" in run(runner, "outbox", "send")  # waiting for the backoff
    smtp_server.start()
    with freeze(datetime(2026, 6, 1, 6, 2)):  # the first backoff (60 s) has passed
        assert "4 sent" in run(runner, "outbox", "send")
        assert "0 sent" in run(runner, "outbox", "send")
    recipients = [to for to, _, _ in smtp_server.inbox.received]
    assert len(recipients) == 4 and len(set(subjects(smtp_server))) == 4
    attempts = db.session.execute(select(OutboxMessage.attempts)).scalars().all()
    assert set(attempts) == {2}


def test_gives_up_after_max_attempts_and_retry_now(app, runner, board, smtp_server, frozen, monkeypatch, client, login):
    monkeypatch.setitem(app.extensions["fpp_settings"].values, "outbox_max_attempts", 2)
    smtp_server.stop()
    run(runner, "reminders", "run", "--as-of", AS_OF.isoformat())
    run(runner, "outbox", "send")
    with freeze(datetime(2026, 6, 1, 7, 0)):
        run(runner, "outbox", "send")
        assert "0 sent, 0 failed" in run(runner, "outbox", "send")
    failed = db.session.execute(select(func.count()).where(OutboxMessage.status == "failed")).scalar()
    assert failed == 4
    login("secretary")
    page = client.get("/outbox").data.decode()
    assert "4 messages could not be delivered" in page and "ConnectionRefusedError" in page
    smtp_server.start()
    assert "4 sent" in run(runner, "outbox", "send", "--retry-now")
    assert len(smtp_server.inbox.received) == 4


def test_unreachable_host_is_reported_in_the_outbox(app, runner, board, frozen, monkeypatch, free_port_closed):
    monkeypatch.setitem(app.extensions["fpp_settings"].values, "smtp_port", free_port_closed)
    run(runner, "reminders", "run", "--as-of", AS_OF.isoformat())
    result = runner("outbox", "send")
    assert result.exit_code == 0 and "Not delivered" in result.output
    message = db.session.execute(select(OutboxMessage).limit(1)).scalar()
    assert message.status == "queued" and f"127.0.0.1:{free_port_closed}" in message.last_error
    assert db.session.execute(select(func.count()).select_from(OutboxMessage)).scalar() == 4  # nothing lost
