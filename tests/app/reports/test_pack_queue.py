"""Evidence packs as queued jobs: the web queues, the scheduler's job builds, expired packs are deleted."""
from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from fpp.audit.models import AuditEntry
from fpp.audit.operations import set_actor
from fpp.extensions import db, settings
from fpp.register.operations import evidence_path
from fpp.reminders.models import SchedulerLease
from fpp.reports import operations
from fpp.reports.models import PackJob
from fpp.reports.tasks import STALE_AFTER, _claim_next, run_pack_jobs
from fpp.timeutil import freeze
from tests.app.reports.conftest import AFTER_YEAR, YEAR


def _actions(prefix: str = "export.") -> list[str]:
    return list(db.session.execute(select(AuditEntry.action).where(AuditEntry.action.like(f"{prefix}%"))
                                   .order_by(AuditEntry.id)).scalars())


def _queue(year: int = YEAR, actor: str = "someone@example.nhs.uk") -> PackJob:
    job = operations.request_pack(year, None, actor)
    db.session.commit()
    return job


def test_asking_for_a_pack_starts_no_thread_in_the_web_process(client, login, signed_year, monkeypatch):
    login("auditor")

    def refuse(*args, **kwargs):
        raise AssertionError("the web process started a thread")
    monkeypatch.setattr(threading.Thread, "start", refuse)
    with freeze(AFTER_YEAR):
        response = client.post(f"/reports/{YEAR}/pack")
    assert response.status_code == 302
    job = db.session.execute(select(PackJob)).scalar_one()
    assert (job.year, job.state, job.file_name) == (YEAR, "queued", None)
    assert not list((operations.packs_dir()).iterdir())  # nothing built in the request


def test_a_second_request_for_a_queued_or_running_year_gets_that_job(client, login, signed_year, run_packs,
                                                                      create_user):
    from tests.fixtures.factories import sign_in_as
    with freeze(AFTER_YEAR):
        login("auditor")
        first = client.post(f"/reports/{YEAR}/pack").headers["Location"]
        client.post("/logout")
        sign_in_as(client, create_user("secretary").email)
        assert client.post(f"/reports/{YEAR}/pack").headers["Location"] == first
        other_year = client.post(f"/reports/{YEAR - 1}/pack").headers["Location"]
        assert other_year != first
        _claim_next("elsewhere")  # the first year's job is being built by another process
        assert client.post(f"/reports/{YEAR}/pack").headers["Location"] == first
    assert db.session.execute(select(func.count()).select_from(PackJob)).scalar() == 2
    assert _actions() == ["export.pack_requested", "export.pack_requested"]


def test_a_built_year_can_be_asked_for_again(app, signed_year, run_packs):
    with freeze(AFTER_YEAR):
        first = _queue()
        run_packs()
        second = _queue()
    assert second.id != first.id and second.state == "queued"


def test_the_database_allows_one_queued_or_running_job_per_year(app):
    _queue()
    db.session.add(PackJob(year=YEAR, requested_by="x", state="running", done=0, total=0))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_job_running_elsewhere_is_left_until_it_stops_showing_signs_of_life(app, signed_year, run_packs):
    with freeze(AFTER_YEAR):
        job = _queue()
        assert _claim_next("a-process-that-dies") == job.id
        db.session.commit()
        assert run_packs(worker="live").built == []
    with freeze(AFTER_YEAR + STALE_AFTER - timedelta(seconds=1)):
        assert run_packs(worker="live").built == []
    with freeze(AFTER_YEAR + STALE_AFTER + timedelta(seconds=1)):
        assert run_packs(worker="live").built == [job.id]
    job = db.session.get(PackJob, job.id, populate_existing=True)
    assert (job.state, job.worker, job.total) == ("ready", "live", 1)
    assert operations.pack_file(job).is_file()


def test_a_failed_build_says_why_and_leaves_no_file(client, login, signed_year, run_packs):
    evidence_path(signed_year.evidence).write_bytes(b"changed on disk")
    login("secretary")
    with freeze(AFTER_YEAR):
        progress = client.post(f"/reports/{YEAR}/pack").headers["Location"]
        result = run_packs()
        page = client.get(progress).data.decode()
    assert len(result.failed) == 1 and result.built == []
    job = db.session.execute(select(PackJob)).scalar_one()
    assert job.state == "failed" and "press cutting.pdf" in job.error
    assert "The pack could not be built" in page and "press cutting.pdf" in page
    assert list(operations.packs_dir().iterdir()) == []
    assert _actions() == ["export.pack_requested", "export.pack_failed"]
    assert client.get(f"/reports/packs/{job.id}/download").status_code == 302  # back to the page saying why


def test_expired_packs_are_deleted_file_row_and_audited(app, signed_year, run_packs):
    keep = settings()["reports_pack_keep_days"]
    with freeze(AFTER_YEAR):
        old = _queue(YEAR)
        run_packs()
    with freeze(AFTER_YEAR + timedelta(days=2)):
        young = _queue(YEAR - 1)
        run_packs()
    old_file = operations.pack_file(db.session.get(PackJob, old.id))
    legacy = operations.packs_dir() / ("ab" * 12 + ".zip")  # a pack of the former thread-based builder
    legacy.write_bytes(b"PK")
    stamp = (AFTER_YEAR - timedelta(days=30)).timestamp()
    os.utime(legacy, (stamp, stamp))
    other = operations.packs_dir() / "notes.txt"
    other.write_text("not ours")
    with freeze(AFTER_YEAR + timedelta(days=keep, seconds=1)):
        result = run_packs()
    assert result.deleted == [old.id]
    assert db.session.get(PackJob, old.id, populate_existing=True) is None
    assert db.session.get(PackJob, young.id, populate_existing=True).state == "ready"
    assert not old_file.exists() and not legacy.exists() and other.exists()
    deleted = db.session.execute(select(AuditEntry).where(AuditEntry.action == "export.pack_deleted")).scalar_one()
    assert deleted.entity_id == str(old.id) and '"year": 2025' in deleted.before


def test_the_reports_page_shows_the_queue_and_warns_when_the_scheduler_is_not_running(client, login, app,
                                                                                      signed_year, run_packs):
    login("auditor")
    with freeze(AFTER_YEAR):
        _queue(YEAR, "asker@example.nhs.uk")
        page = client.get("/reports").data.decode()
        assert "asker@example.nhs.uk" in page and "Queued" in page and "20/04/2026 12:00" in page
        assert "built by the scheduler" in page and "Packs are not being built" in page
        assert "never run" in page
        db.session.add(SchedulerLease(name="scheduler", holder="h", acquired_at=AFTER_YEAR,
                                      expires_at=AFTER_YEAR + timedelta(minutes=1), heartbeat_at=AFTER_YEAR))
        db.session.commit()
        run_packs()
        page = client.get("/reports").data.decode()
    assert "Packs are not being built" not in page
    job = db.session.execute(select(PackJob)).scalar_one()
    assert f"/reports/packs/{job.id}/download" in page and "27/04/2026" in page  # ready, and until when


def test_a_ready_pack_whose_file_is_gone_is_not_found(client, login, signed_year, run_packs):
    login("auditor")
    with freeze(AFTER_YEAR):
        job = _queue()
        run_packs()
        operations.pack_file(db.session.get(PackJob, job.id)).unlink()
        assert client.get(f"/reports/packs/{job.id}/download").status_code == 404
        status = client.get(f"/reports/packs/{job.id}/status").get_json()
    assert status["state"] == "ready" and status["total"] == 1


def test_the_command_runs_the_queue_once(runner, app, signed_year):
    with freeze(AFTER_YEAR):
        _queue()
        result = runner("export", "run-packs")
        again = runner("export", "run-packs")
    assert result.exit_code == 0 and "1 built, 0 failed" in result.output, result.output
    assert again.exit_code == 0 and "0 built, 0 failed" in again.output


def test_the_command_fails_naming_a_pack_that_could_not_be_built(runner, app, signed_year):
    evidence_path(signed_year.evidence).write_bytes(b"changed on disk")
    with freeze(AFTER_YEAR):
        _queue()
        result = runner("export", "run-packs")
    assert result.exit_code == 1 and "not built" in result.output and "press cutting.pdf" in result.output


def test_the_scheduler_runs_the_pack_job(app, signed_year):
    from fpp.reminders.scheduler import Runner

    class HeldLease:
        held = True
    with freeze(AFTER_YEAR):
        job_id = _queue().id
        Runner(app, HeldLease()).packs()
    assert db.session.get(PackJob, job_id).state == "ready"


def test_two_processes_running_the_queue_build_each_job_once(committed_app):
    with committed_app.app_context():
        set_actor(None, "test")
        for year in (2023, 2024, 2025):
            operations.request_pack(year, None, "asker@example.nhs.uk")
        db.session.commit()
        db.session.remove()
    barrier, errors = threading.Barrier(2), []

    def work(name: str) -> None:
        with committed_app.app_context():
            set_actor(None, "scheduler")
            try:
                barrier.wait()
                run_pack_jobs(committed_app.extensions["fpp_settings"], worker=name)
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in range(2)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert time.monotonic() - started < 120
    with committed_app.app_context():
        jobs = db.session.execute(select(PackJob).order_by(PackJob.year)).scalars().all()
        built = db.session.execute(select(AuditEntry.entity_id).where(AuditEntry.action == "export.pack")).scalars()
        built = sorted(built)
        db.session.remove()
    assert [job.state for job in jobs] == ["ready"] * 3
    assert built == ["2023", "2024", "2025"]  # each year's pack recorded once
    assert all(os.path.isfile(os.path.join(committed_app.config["DATA_DIR"], "exports", job.file_name)) for job in jobs)
