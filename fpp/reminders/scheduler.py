"""`fpp scheduler`: APScheduler in Europe/London, with one working process at a time.

The lock is a lease row (`scheduler_leases`) that its holder renews every few seconds and that any other
process may take once it has expired; on PostgreSQL the holder also keeps a session-level advisory lock on
a connection of its own, so a dead holder's lock goes the moment its connection does. The renewal is the
heartbeat that the board overview shows when it is stale.
"""
from __future__ import annotations

import logging
import signal
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import insert, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from fpp.reminders.models import SchedulerLease
from fpp.reminders.tasks import WORKER
from fpp.timeutil import utcnow

LONDON = ZoneInfo("Europe/London")
LEASE_NAME = "scheduler"
ADVISORY_KEY = 0x46505053  # "FPPS"
log = logging.getLogger("fpp.scheduler")


class Lease:
    """The scheduler lock: `tick()` takes or renews it and says whether this process holds it."""

    def __init__(self, engine: Engine, ttl_seconds: int, holder: str = WORKER) -> None:
        self.engine, self.ttl, self.holder = engine, timedelta(seconds=ttl_seconds), holder
        self.held = False
        self._pg: Connection | None = None

    def tick(self) -> bool:
        """Take the lock if it is free or expired, renew it if held; record the heartbeat."""
        if self.engine.dialect.name == "postgresql" and not self._advisory():
            self.held = False
            return False
        now = utcnow()
        with self.engine.begin() as connection:
            self.held = self._claim(connection, now)
        return self.held

    def _claim(self, connection: Connection, now: datetime) -> bool:
        table = SchedulerLease.__table__
        values = {"holder": self.holder, "expires_at": now + self.ttl, "heartbeat_at": now}
        mine_or_free = (table.c.holder == self.holder) | (table.c.expires_at < now)
        if self._pg is not None:  # the advisory lock already decides; the row only carries the heartbeat
            mine_or_free = table.c.name == LEASE_NAME
        changed = connection.execute(update(table).where(table.c.name == LEASE_NAME, mine_or_free)
                                     .values(**values)).rowcount
        if changed:
            return True
        try:
            with connection.begin_nested():
                connection.execute(insert(table).values(name=LEASE_NAME, acquired_at=now, **values))
        except IntegrityError:
            return False
        return True

    def _advisory(self) -> bool:
        try:
            if self._pg is None:
                connection = self.engine.connect()
                got = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
                connection.commit()
                if not got:
                    connection.close()
                    return False
                self._pg = connection
            self._pg.execute(text("SELECT 1"))
            self._pg.commit()
            return True
        except Exception:  # the connection died: the lock is gone with it
            log.exception("lost the PostgreSQL advisory lock")
            self._pg = None
            return False

    def release(self) -> None:
        """Give the lock up at once (a clean stop), so a standby takes over without waiting."""
        if self.held:
            table = SchedulerLease.__table__
            with self.engine.begin() as connection:
                connection.execute(update(table).where(table.c.name == LEASE_NAME, table.c.holder == self.holder)
                                   .values(expires_at=utcnow()))
        if self._pg is not None:
            try:
                self._pg.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                self._pg.commit()
            finally:
                self._pg.invalidate()  # never hand a connection that held the lock back to the pool
                self._pg.close()
                self._pg = None
        self.held = False


def heartbeat(session) -> datetime | None:
    """When the working scheduler last renewed its lease (UTC), or None if it never ran."""
    return session.execute(select(SchedulerLease.heartbeat_at).where(SchedulerLease.name == LEASE_NAME)).scalar()


class Runner:
    """The jobs, each in the app context, each doing nothing unless this process holds the lease."""

    def __init__(self, app: Flask, lease: Lease) -> None:
        self.app, self.lease = app, lease

    def beat(self) -> None:
        was_held = self.lease.held
        try:
            held = self.lease.tick()
        except Exception:
            log.exception("could not renew the scheduler lease")
            self.lease.held = False
            return
        if held and not was_held:
            log.info("%s holds the scheduler lock: catching up", self.lease.holder)
            self.reminders()
            self.send()
        elif not held and was_held:
            log.warning("%s lost the scheduler lock", self.lease.holder)

    def reminders(self) -> None:
        from fpp.reminders.tasks import reminder_job
        from fpp.timeutil import today
        self._job("reminder pass", lambda settings: reminder_job(today(), settings))

    def send(self) -> None:
        from fpp.reminders.tasks import send_outbox
        self._job("outbox send", lambda settings: send_outbox(settings))

    def checkpoint(self) -> None:
        from fpp.audit.tasks import daily_checkpoint
        self._job("audit checkpoint", daily_checkpoint)

    def purge(self) -> None:
        # Offered by fpp.retention (its views), as the packs are: no import cycle.
        monthly_purge = self.app.extensions.get("fpp_monthly_purge")
        if monthly_purge is not None:
            from fpp.timeutil import today
            self._job("retention purge", lambda settings: monthly_purge(today(), settings))

    def packs(self) -> None:
        # Offered by fpp.reports (its views), as the outbox is offered to others: no import cycle.
        run_pack_jobs = self.app.extensions.get("fpp_pack_jobs")
        if run_pack_jobs is not None:
            self._job("evidence packs", run_pack_jobs)

    def _job(self, name: str, work) -> None:
        if not self.lease.held:
            return
        from fpp.extensions import settings
        from fpp.audit.operations import set_actor
        from fpp.extensions import db
        with self.app.app_context():
            set_actor(None, "scheduler")
            try:
                work(settings())
            except Exception:
                log.exception("%s failed; it runs again at its next time", name)
            finally:
                db.session.remove()


def run_scheduler(app: Flask, once: bool = False) -> None:
    """Run until stopped (SIGTERM or Ctrl-C); with `once`, take the lock, run both jobs, release."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from fpp.extensions import db
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    values = app.extensions["fpp_settings"]
    lease = Lease(db.engine, values["scheduler_lease_seconds"])
    runner = Runner(app, lease)
    if once:
        runner.beat()
        lease.release()
        return
    scheduler = BlockingScheduler(timezone=LONDON)
    hour, minute = (int(part) for part in values["reminders_run_at"].split(":"))
    scheduler.add_job(runner.beat, "interval", seconds=max(values["scheduler_lease_seconds"] // 3, 1),
                      next_run_time=datetime.now(LONDON), id="heartbeat", max_instances=1, coalesce=True)
    scheduler.add_job(runner.reminders, "cron", hour=hour, minute=minute, id="reminders", max_instances=1,
                      coalesce=True, misfire_grace_time=12 * 3600)
    scheduler.add_job(runner.send, "interval", seconds=values["scheduler_send_interval_seconds"], id="send",
                      max_instances=1, coalesce=True)
    # The evidence work (issue 11): a signed checkpoint of the audit trail each day, the retention purge
    # on the first of each month, and queued evidence packs (built here, never in a web process).
    scheduler.add_job(runner.checkpoint, "cron", hour=hour, minute=minute, id="checkpoint", max_instances=1,
                      coalesce=True, misfire_grace_time=12 * 3600)
    scheduler.add_job(runner.purge, "cron", day=1, hour=hour, minute=minute, id="purge", max_instances=1,
                      coalesce=True, misfire_grace_time=7 * 24 * 3600)
    scheduler.add_job(runner.packs, "interval", seconds=values["scheduler_send_interval_seconds"], id="packs",
                      max_instances=1, coalesce=True)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    log.info("scheduler %s started: reminders daily at %s Europe/London, sender every %ss", lease.holder,
             values["reminders_run_at"], values["scheduler_send_interval_seconds"])
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        lease.release()
        log.info("scheduler %s stopped", lease.holder)
