"""Time the audit page over a trail of 50,000 entries.

Run: python bench/bench_audit_page.py [--entries N] [--url DATABASE_URL]. Builds a register in a fresh
SQLite file in a temporary folder (or in the empty PostgreSQL database `--url` names: its tables are
created by the migrations and left behind) with 500 members and N audit entries: most of them single
entries about a member (reads, updates, recorded checks, each naming a member and an account), the rest
in imports of 1,000 entries each (one row per import on the page). Then renders the page as an auditor,
first page, filtered by member, by action, by date, one import's entries and a page far back; prints the
best of 5 runs of each (the view and its template, no HTTP). The target is well under a second.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date, datetime

from flask_login import login_user
from sqlalchemy import text

from fpp.app import create_app
from fpp.audit import operations as audit
from fpp.extensions import db
from fpp.migrate import upgrade
from fpp.timeutil import freeze

MEMBERS, IMPORT_SIZE, RUNS = 500, 1000, 5


def build(entries: int) -> tuple[int, str]:
    """The members, an auditor, and `entries` audit entries; returns a member's id and an import's batch id."""
    from fpp.auth.operations import create_user
    from fpp.people.operations import create_members
    members, _ = create_members([{"member_id": f"B{n:04d}", "name": f"Member {n:04d}", "position": "ned",
                                  "start_on": date(2020, 1, 1)} for n in range(MEMBERS)])
    user = create_user("auditor@example.nhs.uk", "auditor", "a long bench password 1")
    db.session.commit()
    pks = [m.id for m in members]
    written, batch_id = MEMBERS + 1, ""
    imports = 0  # an import after every 9,000 single entries: a tenth of the trail
    while written < entries:
        n = written
        if written >= (imports + 1) * 10 * IMPORT_SIZE - IMPORT_SIZE and entries - written >= IMPORT_SIZE:
            imports += 1
            with audit.batch("import") as batch_id:
                audit.record_many([{"action": "check.create", "entity_type": "check_records", "entity_id": n + i,
                                    "member_pk": pks[i % MEMBERS],
                                    "after": {"code": "insolvency", "completed_on": "2025-04-01", "outcome": "clear",
                                              "member_pk": pks[i % MEMBERS], "notes": None}}
                                   for i in range(IMPORT_SIZE - 1)]
                                  + [{"action": "import.workbook", "entity_type": "imports",
                                      "after": {"file": "tracker.xlsx", "members_created": 0}}])
            written += IMPORT_SIZE
        else:
            chunk = min(1000, entries - written)
            audit.record_many([_single(n + i, pks, user.id) for i in range(chunk)])
            written += chunk
        db.session.commit()
    return pks[7], batch_id, imports


def _single(n: int, pks: list[int], user_id: int) -> dict:
    member = pks[n % MEMBERS]
    kind = n % 3
    if kind == 0:
        return {"action": "member.view_dbs", "entity_type": "members", "entity_id": member, "member_pk": member}
    if kind == 1:
        return {"action": "member.update", "entity_type": "members", "entity_id": member, "member_pk": member,
                "before": {"role_title": f"Role {n}", "end_on": None},
                "after": {"role_title": None, "end_on": "2026-03-31"}}
    return {"action": "check.decide", "entity_type": "check_records", "entity_id": n, "member_pk": member,
            "before": {"decided_by_id": None, "decision_on": None},
            "after": {"decided_by_id": user_id, "decision_on": "2025-06-01", "decision_outcome": "accepted"}}


def best(app, url: str) -> tuple[float, int]:
    """The best wall-clock time of RUNS renders of `url`, and the page's size."""
    from fpp.auth.models import User
    times, size = [], 0
    for _ in range(RUNS):
        with app.test_request_context(url):
            login_user(db.session.query(User).filter_by(role="auditor").one())
            started = time.perf_counter()
            size = len(app.view_functions["audit.list_entries"]())
            times.append(time.perf_counter() - started)
            db.session.rollback()
    return min(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, freeze(datetime(2026, 6, 1, 12)):
        url = args.url or f"sqlite:///{folder}/bench.sqlite3"
        upgrade(url)
        app = create_app(os.devnull, {"database_url": url, "data_dir": folder, "secret_key": "bench"})
        with app.app_context():
            audit.set_actor(None, "bench")
            started = time.perf_counter()
            member, batch, imports = build(args.entries)
            total = db.session.execute(text("SELECT count(*) FROM audit_entries")).scalar()
            built = time.perf_counter() - started
            print(f"{db.engine.dialect.name}: {total:,} entries ({imports} imports) built in {built:.1f} s")
            for label, url in [("first page", "/audit"), ("one member", f"/audit?member={member}"),
                               ("one action", "/audit?action=member.update"),
                               ("a date range", "/audit?since=2026-06-01&until=2026-06-01"),
                               ("one import", f"/audit?batch={batch}"), ("page 200", "/audit?page=200"),
                               ("member, action and date", f"/audit?member={member}&action=check.create"
                                                           "&since[day]=1&since[month]=6&since[year]=2026")]:
                seconds, size = best(app, url)
                print(f"  {label:<26} {seconds * 1000:7.1f} ms  ({size // 1024} KiB of HTML)")


if __name__ == "__main__":
    main()
