"""The scheduler's monthly purge (fpp.reminders.scheduler calls fpp.retention.tasks.monthly_purge on the 1st)."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from sqlalchemy import select

from fpp.audit.models import AuditEntry
from fpp.extensions import db
from fpp.people.models import Member
from fpp.reminders.scheduler import Runner
from fpp.retention.models import RetentionPurge
from fpp.retention.tasks import monthly_purge


def test_the_scheduler_job_purges_as_the_scheduler(app, board):
    runner = Runner(app, SimpleNamespace(held=True))
    runner.purge()
    logs = db.session.execute(select(RetentionPurge).order_by(RetentionPurge.member_id)).scalars().all()
    assert [(log.member_id, log.kind, log.run_by, log.as_of) for log in logs] == [
        ("M-FRED", "member", "scheduler", date(2026, 12, 1)), ("M-OLIVE", "member", "scheduler", date(2026, 12, 1)),
        ("M-YURI", "evidence", "scheduler", date(2026, 12, 1))]
    actors = db.session.execute(select(AuditEntry.actor).where(AuditEntry.action.like("retention.%"))).scalars().all()
    assert actors and set(actors) == {"scheduler"}
    assert db.session.execute(select(Member.member_id).order_by(Member.member_id)).scalars().all() == [
        "M-KIM", "M-NORA", "M-SAM", "M-YURI"]


def test_the_job_does_nothing_unless_the_process_holds_the_lease(app, board):
    Runner(app, SimpleNamespace(held=False)).purge()
    assert db.session.execute(select(RetentionPurge)).first() is None


def test_the_monthly_job_reports_what_it_did(app, board, settings_overrides):
    from fpp.extensions import settings
    run = monthly_purge(date(2026, 12, 1), settings())
    assert [removed.log.member_id for removed in run.purged] == ["M-FRED", "M-OLIVE"]
    assert run.checkpoint and run.checkpoint_error is None
    again = monthly_purge(date(2026, 12, 2), settings())  # Sam falls due on 20 December
    assert not again.changed and again.checkpoint is None
