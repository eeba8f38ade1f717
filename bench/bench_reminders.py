"""Benchmark of the daily reminder pass (issue 5): its cost grows with what is due, not with the register.

Builds SQLite registers of 100,000 and 1,000,000 check records with the same number of members due
(a DBS check expiring within 60 days), then times the daily pass after a previous pass: finding what is
due (indexed candidate queries + the rules on the candidates) and the whole pass (queueing included).
Prints EXPLAIN QUERY PLAN for every statement the pass runs.

    .venv/bin/python bench/bench_reminders.py [--records 100000 1000000] [--due 200]
"""
from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

AS_OF, PREVIOUS = date(2026, 6, 2), date(2026, 6, 1)
ONCE = ("identity", "employment_history", "references", "qualifications", "health")
ANNUAL = ("insolvency", "disqualified_directors", "removed_trustees", "employment_tribunal", "social_media",
          "appraisal", "self_attestation")
PER_MEMBER = 15  # 5 once + DBS + 7 annual + 2 older annual records


def build(path: str, records: int, due: int) -> int:
    """A register of about `records` check records; `due` members have a DBS check expiring in 60 days."""
    from fpp.migrate import upgrade
    upgrade(f"sqlite:///{path}")
    members = records // PER_MEMBER
    old = "2026-01-01 00:00:00.000000"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.executemany(
        "INSERT INTO members (id, member_id, name, email, position, is_voting, is_interim, is_executive, start_on,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, 'ned', 1, 0, 0, ?, ?, ?)",
        ((n, f"M{n:07d}", f"Member {n}", f"m{n}@example.nhs.uk", f"{2015 + n % 9}-0{1 + n % 3}-15", old, old)
         for n in range(1, members + 1)))

    def rows():
        for n in range(1, members + 1):
            dbs = f"2023-07-{10 + n % 20:02d}" if n <= due else "2025-01-15"
            yield from ((n, code, "2019-06-01") for code in ONCE)
            yield n, "dbs", dbs
            yield from ((n, code, "2026-01-10") for code in ANNUAL[:-1])
            yield n, "self_attestation", "2026-04-10"
            yield n, "insolvency", "2025-01-10"
            yield n, "social_media", "2024-01-10"
    connection.executemany(
        "INSERT INTO check_records (member_pk, code, completed_on, outcome, dbs_level, is_update_service, recorded_at)"
        f" VALUES (?, ?, ?, 'clear', NULL, 0, '{old}')", rows())
    connection.execute("INSERT INTO reminder_passes (as_of, started_at, finished_at, candidates, queued)"
                       " VALUES (?, '2026-06-01 06:00:00.000000', '2026-06-01 06:00:05.000000', 0, 0)",
                       (PREVIOUS.isoformat(),))
    connection.execute("INSERT INTO reminders (key, kind, code, anchor_on, step, due_on, as_of, queued_at) VALUES"
                       " ('digest|-|digest|2026-06-01|weekly', 'digest', 'digest', '2026-06-01', 'weekly',"
                       " '2026-06-01', '2026-06-01', '2026-06-01 06:00:00')")
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()
    return members * PER_MEMBER


def timed(app, work, repeat: int = 3) -> tuple[float, object]:
    """Best-of-`repeat` seconds of `work()` inside the app, rolled back after each run."""
    from fpp.extensions import db
    times, result = [], None
    with app.app_context():
        for _ in range(repeat):
            start = time.perf_counter()
            result = work()
            times.append(time.perf_counter() - start)
            db.session.rollback()
    return min(times), result


def explain(app) -> list[tuple[str, list[str]]]:
    """EXPLAIN QUERY PLAN of every distinct statement the pass runs."""
    from fpp.extensions import db
    from fpp.reminders.operations import run_pass
    seen: dict[str, tuple] = {}

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.setdefault(statement, parameters)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", capture)
        run_pass(AS_OF, app.extensions["fpp_settings"])
        db.session.rollback()
        event.remove(db.engine, "before_cursor_execute", capture)
        raw = db.engine.raw_connection()
        plans = []
        for statement, parameters in seen.items():
            rows = raw.cursor().execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
            plans.append((" ".join(statement.split())[:160], [row[-1] for row in rows]))
        raw.close()
    return plans


def bench(records: int, due: int, show_plans: bool) -> None:
    from fpp.app import create_app
    from fpp.reminders import queries
    from fpp.reminders.operations import due_on, run_pass
    from fpp.reminders.policy import reminder_policy
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "bench.sqlite3")
        start = time.perf_counter()
        total = build(path, records, due)
        built = time.perf_counter() - start
        app = create_app(config_path=os.devnull, overrides={
            "database_url": f"sqlite:///{path}", "data_dir": folder, "secret_key": "bench", "mail_backend": "file"})
        settings = app.extensions["fpp_settings"]
        policy, rules = reminder_policy(settings), settings.rules

        def find():
            candidates = queries.candidate_members(AS_OF, queries.last_pass(), policy, rules)
            return len(candidates), len(due_on(AS_OF, policy, rules, candidates))
        find_s, (candidates, found) = timed(app, find)
        pass_s, result = timed(app, lambda: run_pass(AS_OF, settings))
        print(f"{total:>9,} check records ({total // PER_MEMBER:,} members; built in {built:.1f} s): "
              f"{candidates} candidate members, {found} steps due (incl. board-wide); "
              f"find what is due {find_s * 1000:.0f} ms; whole pass with queueing {pass_s * 1000:.0f} ms "
              f"({len(result.queued)} reminders, {result.messages} messages)")
        if show_plans:
            for statement, plan in explain(app):
                print(f"  SQL: {statement}")
                for line in plan:
                    print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--due", type=int, default=200)
    args = parser.parse_args()
    print(f"{datetime.now():%Y-%m-%d %H:%M}  python {platform.python_version()}  sqlite {sqlite3.sqlite_version}"
          f"  nproc {os.cpu_count()}")
    for index, records in enumerate(args.records):
        bench(records, args.due, show_plans=index == len(args.records) - 1)


if __name__ == "__main__":
    main()
