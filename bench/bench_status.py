"""Benchmark: `fpp status` for 2,000 members x 15 checks x 5 records (150,000 records); target under 3 s.

Also prints the number of SQL queries the board overview issues for 25 and for 250 members.
Run: .venv/bin/python bench/bench_status.py [--members N] [--postgres URL]
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import event, insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks import CHECK_CODES, add_months  # noqa: E402


def build(url: str, members: int, records_per_check: int) -> None:
    """Fill a fresh database through bulk inserts (the statuses do not depend on how rows arrived)."""
    from fpp.extensions import make_engine
    from fpp.people.models import Member
    from fpp.register.models import CheckRecord
    from tests.fixtures.app import reset_schema
    reset_schema(url)
    engine = make_engine(url)
    member_rows, record_rows = [], []
    for n in range(members):
        start = date(2015, 4, 1) + timedelta(days=n % 700)
        member_rows.append({"id": n + 1, "member_id": f"M{n:06d}", "name": f"Member {n}", "position": "ned",
                            "is_voting": True, "is_interim": False, "is_executive": False,
                            "professional_registration": "GMC 1" if n % 7 == 0 else None, "start_on": start})
        for code in CHECK_CODES:
            for k in range(records_per_check):
                record_rows.append({"member_pk": n + 1, "code": code, "outcome": "issue" if (n + k) % 97 == 0 else "clear",
                                    "completed_on": add_months(start, 12 * k + (n % 11)),
                                    "dbs_level": "basic" if code == "dbs" else None, "is_update_service": False})
    with engine.begin() as connection:
        connection.execute(insert(Member), member_rows)
        for i in range(0, len(record_rows), 20000):
            connection.execute(insert(CheckRecord), record_rows[i:i + 20000])
    engine.dispose()


def time_cli(url: str, data_dir: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one whole `fpp status` process (CPU time is steadier on a busy machine)."""
    env = os.environ | {"FPP_DATABASE_URL": url, "FPP_DATA_DIR": data_dir}
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([str(ROOT / ".venv/bin/fpp"), "status", "--as-of", "2026-06-30", "--format", "json"], env=env,
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)


def overview_queries(url: str, data_dir: str) -> int:
    from fpp.app import create_app
    from fpp.extensions import db
    app = create_app(config_path=os.devnull, overrides={"database_url": url, "data_dir": data_dir}, testing=True)
    with app.test_request_context():
        from fpp.extensions import settings
        from fpp.register import queries
        count = {"n": 0}
        event.listen(db.engine, "before_cursor_execute", lambda *a: count.__setitem__("n", count["n"] + 1))
        queries.board(date(2026, 6, 30), settings().rules)
        db.session.remove()
    return count["n"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--postgres", help="also run against this PostgreSQL URL (its tables are replaced)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("SQLite", f"sqlite:///{tmp}/bench.sqlite3")] + ([("PostgreSQL", args.postgres)] if args.postgres else [])
        for label, url in targets:
            build(url, args.members, 5)
            runs = [time_cli(url, tmp) for _ in range(3)]
            print(f"{label}: fpp status --format json, {args.members} members x 15 checks x 5 records "
                  f"({args.members * 75:,} records): best {min(w for w, _ in runs):.2f} s wall, "
                  f"{min(c for _, c in runs):.2f} s CPU (whole process, 3 runs)")
            for size in (25, 250):
                build(url, size, 10)
                print(f"{label}: board overview for {size} members x 10 years of history: "
                      f"{overview_queries(url, tmp)} SQL queries")


if __name__ == "__main__":
    main()
