"""The board overview issues a fixed number of queries, whatever the size of the board (no N+1)."""
from datetime import date


def _board(create_member, create_record, size):
    for _ in range(size):
        member = create_member(start_on=date(2016, 4, 1))
        for year in range(2016, 2026):
            create_record(member, "insolvency", date(year, 5, 1))
            create_record(member, "self_attestation", date(year, 5, 2))


def test_overview_query_count_does_not_grow_with_the_board(client, login, create_member, create_record,
                                                           count_queries):
    login("auditor")
    _board(create_member, create_record, 3)
    with count_queries() as small:
        assert client.get("/board?as_of=2026-06-30").status_code == 200
    _board(create_member, create_record, 22)
    with count_queries() as large:
        assert client.get("/board?as_of=2026-06-30").status_code == 200
    assert small["n"] == large["n"]
    # The test's savepoint, the user with its session check (one query), the members, their records and the
    # scheduler's heartbeat (and nothing per member).
    assert large["n"] <= 5


def test_status_and_the_year_run_a_fixed_number_of_queries(runner, create_member, create_record, count_queries):
    from fpp.annual.queries import year_rows
    from fpp.extensions import settings
    counts = []
    for size in (3, 22):
        _board(create_member, create_record, size)
        with count_queries() as status:
            assert runner("status", "--as-of", "2026-06-30", "--format", "json").exit_code == 0
        with count_queries() as year:
            year_rows(2025, settings().rules)
        counts.append((status["n"], year["n"]))
    assert counts[0] == counts[1]


def test_the_status_command_starts_without_the_web_app(tmp_path):
    """`fpp status` runs in `core_factory`'s app: no blueprint, view, openpyxl or Alembic is imported."""
    import os
    import subprocess
    import sys
    code = ("import sys, fpp.cli, fpp.register.commands; app = fpp.cli.core_factory(); "
            "import fpp.register.queries, fpp.register.status_output; "
            "heavy = [m for m in ('fpp.register.views', 'fpp.annual.views', 'openpyxl', 'icalendar', 'alembic', "
            "'waitress') "
            "if m in sys.modules]; app.extensions['fpp_settings'].rules; print(heavy)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FPP_")} | {
        "FPP_DATA_DIR": str(tmp_path), "FPP_CONFIG": os.devnull}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
