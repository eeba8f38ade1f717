"""Two passes and two senders at once, on real commits in separate connections; the scheduler lock."""
from __future__ import annotations

import os
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from fpp.app import create_app
from fpp.audit.operations import set_actor
from fpp.extensions import db
from fpp.people.operations import create_member
from fpp.register.operations import record_check
from fpp.reminders.models import OutboxMessage, Reminder
from fpp.reminders.scheduler import Lease
from fpp.reminders.tasks import reminder_job, send_outbox
from tests.fixtures.app import CHEAP_ARGON2

from .conftest import AS_OF


@pytest.fixture
def committed_app(fresh_url, tmp_path, smtp_server, monkeypatch):
    for name in [n for n in os.environ if n.startswith("FPP_") and n != "FPP_TEST_DATABASE_URL"]:
        monkeypatch.delenv(name)
    app = create_app(config_path=os.devnull, overrides={
        "data_dir": str(tmp_path / "data"), "database_url": fresh_url, "secret_key": "x", **CHEAP_ARGON2,
        "mail_backend": "smtp", "smtp_host": "127.0.0.1", "smtp_port": smtp_server.port})
    # tests/fixtures/app.py leaves the session configured with join_transaction_mode="conservative_savepoint",
    # which SQLAlchemy rejects ("conditional_savepoint" is the default); reset it for real commits.
    db.session.configure(join_transaction_mode="conditional_savepoint")
    with app.app_context():
        set_actor(None, "test")
        for number in range(20):
            member = create_member(member_id=f"C{number:02d}", name=f"Member {number}", position="ned",
                                   start_on=date(2020, 1, 1), email=f"m{number}@example.nhs.uk")
            record_check(member, None, code="dbs", completed_on=date(2023, 7, 31), dbs_level="basic")
        db.session.commit()
        db.session.remove()
    yield app
    db.session.remove()
    db.engine.dispose()


def in_threads(app, work, count=2):
    barrier, errors = threading.Barrier(count), []

    def target():
        with app.app_context():
            set_actor(None, "test")
            try:
                barrier.wait()
                work(app.extensions["fpp_settings"])
            except Exception as exc:  # reported below, with the thread's error
                errors.append(exc)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


def test_two_concurrent_passes_and_senders_never_both_send(committed_app, smtp_server):
    in_threads(committed_app, lambda settings: reminder_job(AS_OF, settings))
    in_threads(committed_app, lambda settings: send_outbox(settings, worker=threading.current_thread().name),
               count=3)
    with committed_app.app_context():
        reminders = db.session.execute(select(func.count()).select_from(Reminder).where(Reminder.code == "dbs")).scalar()
        sent = db.session.execute(select(func.count()).where(OutboxMessage.status == "sent")).scalar()
        db.session.remove()
    assert reminders == 20
    received = [(to, subject) for to, subject, _ in smtp_server.inbox.received]
    assert len(received) == sent and len(received) == len(set(received))  # nothing twice
    # One message per member, listing their DBS check (and the year's self-attestation request).
    texts = {to: text for to, _, text in smtp_server.inbox.received}
    assert sorted(to for to, _ in received) == sorted(f"m{n}@example.nhs.uk" for n in range(20))
    assert all("DBS check: valid until 31/07/2026" in texts[f"m{n}@example.nhs.uk"] for n in range(20))


def test_only_one_scheduler_holds_the_lock_and_a_standby_takes_over(committed_app):
    with committed_app.app_context():
        first = Lease(db.engine, ttl_seconds=60, holder="first")
        second = Lease(db.engine, ttl_seconds=60, holder="second")
        assert first.tick() is True
        assert second.tick() is False
        assert first.tick() is True  # renewing
        first.release()  # a clean stop (a crash: the lease expires, or the PostgreSQL connection drops)
        assert second.tick() is True
        assert first.tick() is False
        second.release()


def test_an_expired_lease_is_taken_over(committed_app):
    from datetime import datetime
    from fpp.timeutil import freeze
    with committed_app.app_context():
        first = Lease(db.engine, ttl_seconds=30, holder="first")
        second = Lease(db.engine, ttl_seconds=30, holder="second")
        with freeze(datetime(2026, 6, 1, 6, 0, 0)):
            assert first.tick()
        if db.engine.dialect.name == "postgresql":
            first._pg.invalidate()  # the holder's process died: its connection, and its lock, are gone
            first._pg = None
        with freeze(datetime(2026, 6, 1, 6, 0, 20)):
            assert not second.tick() or db.engine.dialect.name == "postgresql"
        with freeze(datetime(2026, 6, 1, 6, 1, 0)):
            assert second.tick()
        second.release()


def test_scheduler_once_takes_the_lock_runs_both_jobs_and_releases(committed_app, smtp_server):
    from fpp.reminders.models import SchedulerLease
    from fpp.reminders.scheduler import run_scheduler
    run_scheduler(committed_app, once=True)
    assert any("DBS check: " in text for _, _, text in smtp_server.inbox.received)
    with committed_app.app_context():
        lease = db.session.get(SchedulerLease, "scheduler")
        from fpp.timeutil import utcnow
        assert lease.heartbeat_at is not None and lease.expires_at <= utcnow()  # released
        db.session.remove()
