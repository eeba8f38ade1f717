"""The transaction policy: reads never fail for want of a lock, read audits wait, CLI writers queue.

These run on real commits (tests/fixtures/app.py `committed_app`), on SQLite and on PostgreSQL.
"""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from fpp.audit.models import AuditEntry
from fpp.audit.operations import record, record_read, set_actor
from fpp.auth.operations import create_user
from fpp.extensions import ReadOnlyViolation, db, sqlite_write_intent
from fpp.people.models import Member
from fpp.people.operations import create_member
from fpp.register.models import CheckRecord
from fpp.register.operations import record_check
from tests.fixtures.app import run_together
from tests.fixtures.factories import PASSWORD, signed_in_clients

FPP = str(Path(sys.executable).parent / "fpp")  # the console script of the environment the tests run in


def test_a_read_request_may_not_change_the_register(app, create_member):
    member = create_member(name="Read Only")
    with app.test_request_context("/board"):
        sqlite_write_intent.set(False)
        member.name = "Changed on a GET"
        with pytest.raises(ReadOnlyViolation):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(ReadOnlyViolation):
            record("member.view_dbs", "members", member.id)
        record_read("member.view_dbs", "members", member.id, member_pk=member.id)  # its own transaction
    assert db.session.execute(select(func.count()).where(AuditEntry.action == "member.view_dbs")).scalar() == 1


@pytest.fixture
def board(committed_app):
    """Committed: six members with a DBS record each (their page audits every read), and a secretary."""
    with committed_app.app_context():
        set_actor(None, "test")
        pks = []
        for n in range(6):
            member = create_member(member_id=f"R{n}", name=f"Reader Target {n}", position="ned",
                                   start_on=date(2020, 1, 1))
            record_check(member, None, code="dbs", completed_on=date(2024, 5, 1), dbs_level="basic",
                         reference=f"00123456789{n}")
            pks.append(member.id)
        create_user("secretary@example.nhs.uk", "secretary", PASSWORD, None)
        db.session.commit()
        db.session.remove()
    return pks


def _signed_in(app, count: int) -> list:
    """`count` clients signed in as the secretary (through the second factor, once: see signed_in_clients)."""
    return signed_in_clients(app, "secretary@example.nhs.uk", count)


def test_many_readers_and_a_writer_at_once_all_get_their_page(committed_app, board):
    """Eight sessions read member pages (each read of DBS data writes an audit entry) while two more
    record checks: no response is an error, every page is the one asked for."""
    clients = _signed_in(committed_app, 10)

    def work(i):
        bad = []
        for round_ in range(6):
            pk = board[(i + round_) % len(board)]
            if i < 8:
                response = clients[i].get(f"/members/{pk}")
                if response.status_code != 200 or b"Reader Target" not in response.data:
                    bad.append(response.status_code)
            else:
                response = clients[i].post(f"/members/{pk}/checks/new", data={
                    "code": "social_media", "completed_on[day]": str(10 + i), "completed_on[month]": str(1 + round_),
                    "completed_on[year]": "2025", "outcome": "clear"})
                if response.status_code != 302:
                    bad.append(response.status_code)
        return bad
    assert run_together(work, 10) == [[]] * 10
    with committed_app.app_context():
        reads = db.session.execute(select(func.count()).where(AuditEntry.action == "member.view_dbs")).scalar()
        records = db.session.execute(select(func.count()).where(CheckRecord.code == "social_media")).scalar()
        db.session.remove()
    assert reads == 8 * 6 and records == 2 * 6


def _workbook(path: Path, number: int) -> Path:
    book = Workbook()
    members = book.active
    members.title = "Members"
    members.append(["Member ID", "Name", "Position", "Start date"])
    members.append([f"P{number:02d}", f"Parallel {number}", "Non-executive director", date(2024, 1, 1)])
    checks = book.create_sheet("Checks")
    checks.append(["Member ID", "Check", "Completed on"])
    for month in range(1, 13):
        checks.append([f"P{number:02d}", "social_media", date(2024, month, 1)])
    book.save(path)
    return path


def _cli_env(app) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FPP_")}
    env.update(FPP_CONFIG=os.devnull, FPP_DATA_DIR=app.config["DATA_DIR"],
               FPP_DATABASE_URL=app.config["DATABASE_URL"], FPP_SECRET_KEY="x")
    return env


def test_parallel_imports_all_succeed_without_a_traceback(committed_app, tmp_path):
    env = _cli_env(committed_app)
    books = [_workbook(tmp_path / f"book{n}.xlsx", n) for n in range(8)]

    def work(i):
        return subprocess.run([FPP, "import", str(books[i])], env=env,
                              capture_output=True, text=True, timeout=120)
    for done in run_together(work, len(books)):
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    with committed_app.app_context():
        assert db.session.execute(select(func.count()).select_from(Member)).scalar() == 8
        assert db.session.execute(select(func.count()).select_from(CheckRecord)).scalar() == 8 * 12
        db.session.remove()


def test_fpp_where_no_register_exists_says_so(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FPP_")}
    done = subprocess.run([FPP, "status"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "fpp init-db" in done.stderr and str(tmp_path / "instance") in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "instance" / "fpp.sqlite3").exists()
