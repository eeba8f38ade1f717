"""Benchmark: `fpp status --format json` over 2,000 members x 15 checks x 5 records (150,000 records),
against a bare read of the same rows; the goal is at most 5 times the bare read (issue 9).

The bare read is a Python process using only sqlite3 (or psycopg) that selects every live check record
joined to its member and writes `json.dumps` of the rows. The two run as whole processes, alternated in
pairs after a warm-up pair; the script prints the median ratio of wall-clock and of CPU time (CPU time is
steadier on a shared machine). It also prints the SQL queries of the board overview for 25 and 250 members.

Run: .venv/bin/python bench/bench_status.py [--db sqlite|postgres|both] [--pairs N] [--rebuild]
The SQLite database is built once and kept in the temporary folder (rebuilt when the migrations change or
with --rebuild); PostgreSQL gets a dedicated database, fpp_bench_status, created and dropped by the script.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import platform
import resource
import statistics
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

AS_OF = "2026-06-30"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "fpp_bench_status"
CACHE = Path(tempfile.gettempdir()) / "fpp-bench-status"

# The bare read: the same rows (every live record with its member), selected and dumped, nothing else.
BARE_SQL = ("SELECT m.member_id, m.name, r.code, r.completed_on, r.outcome, r.decision_on, r.expires_on, "
            "r.decision_outcome "
            "FROM check_records r JOIN members m ON m.id = r.member_pk WHERE r.deleted_at IS NULL")
BARE_SQLITE = f"""
import json, sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute({BARE_SQL!r}).fetchall()
sys.stdout.write(json.dumps(rows))
"""
BARE_POSTGRES = f"""
import json, psycopg, sys
with psycopg.connect(sys.argv[1]) as connection:
    rows = connection.execute({BARE_SQL!r}).fetchall()
sys.stdout.write(json.dumps(rows, default=str))
"""


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


def cached_sqlite(members: int, rebuild: bool) -> Path:
    """The SQLite benchmark database, built once per size and schema (the migrations' file names)."""
    schema = hashlib.sha256("".join(sorted(p.name for p in (ROOT / "migrations/versions").glob("*.py"))).encode())
    path = CACHE / f"status-{members}x75-{schema.hexdigest()[:12]}.sqlite3"
    if rebuild or not path.exists():
        CACHE.mkdir(exist_ok=True)
        for old in CACHE.glob("status-*.sqlite3*"):
            old.unlink()
        print(f"Building {path} ...", flush=True)
        build(f"sqlite:///{path}", members, 5)
    return path


def run(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one whole process (its output thrown away)."""
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)


def compare(label: str, bare: list[str], url: str, data_dir: str, pairs: int) -> None:
    """Alternate the bare read and `fpp status` (one warm-up pair first) and print the median ratios."""
    env = os.environ | {"FPP_DATABASE_URL": url, "FPP_DATA_DIR": data_dir, "FPP_CONFIG": os.devnull}
    status = [str(ROOT / ".venv/bin/fpp"), "status", "--as-of", AS_OF, "--format", "json"]
    run(bare), run(status, env)
    timings = [(run(bare), run(status, env)) for _ in range(pairs)]
    walls = [s[0] / b[0] for b, s in timings]
    cpus = [s[1] / b[1] for b, s in timings]
    print(f"{label}: bare read median {statistics.median(b[0] for b, _ in timings):.2f} s wall "
          f"({statistics.median(b[1] for b, _ in timings):.2f} s CPU); fpp status median "
          f"{statistics.median(s[0] for _, s in timings):.2f} s wall ({statistics.median(s[1] for _, s in timings):.2f} s CPU)")
    print(f"{label}: fpp status / bare read, median of {pairs} pairs: {statistics.median(walls):.2f}x wall, "
          f"{statistics.median(cpus):.2f}x CPU (pairs: {', '.join(f'{w:.1f}' for w in walls)})", flush=True)


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
        db.engine.dispose()
    return count["n"]


def print_overview(label: str, url: str, data_dir: str) -> None:
    for size in (25, 250):
        build(url, size, 10)
        print(f"{label}: board overview for {size} members x 10 years of history: "
              f"{overview_queries(url, data_dir)} SQL queries", flush=True)


def bench_sqlite(args, data_dir: str) -> None:
    path = cached_sqlite(args.members, args.rebuild)
    compare("SQLite", [sys.executable, "-c", BARE_SQLITE, str(path)], f"sqlite:///{path}", data_dir, args.pairs)
    if args.overview:
        print_overview("SQLite", f"sqlite:///{data_dir}/overview.sqlite3", data_dir)


def bench_postgres(args, data_dir: str) -> None:
    import psycopg
    with psycopg.connect(args.pg_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    plain = args.pg_server.rsplit("/", 1)[0] + f"/{PG_DATABASE}"
    url = plain.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        print("Building the PostgreSQL database ...", flush=True)
        build(url, args.members, 5)
        compare("PostgreSQL", [sys.executable, "-c", BARE_POSTGRES, plain], url, data_dir, args.pairs)
        if args.overview:
            print_overview("PostgreSQL", url, data_dir)
    finally:
        with psycopg.connect(args.pg_server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--pairs", type=int, default=7, help="alternated pairs after the warm-up pair")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached SQLite database")
    parser.add_argument("--no-overview", dest="overview", action="store_false",
                        help="skip counting the board overview's queries")
    parser.add_argument("--pg-server", default=PG_SERVER, help="a PostgreSQL URL that may create databases")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, Python {platform.python_version()}; "
          f"{args.members:,} members x 15 checks x 5 records ({args.members * 75:,} records), as of {AS_OF}")
    with tempfile.TemporaryDirectory() as data_dir:
        if args.db in ("sqlite", "both"):
            bench_sqlite(args, data_dir)
        if args.db in ("postgres", "both"):
            bench_postgres(args, data_dir)


if __name__ == "__main__":
    main()
