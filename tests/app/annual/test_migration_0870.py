"""Migration 0870 on a register that already holds decisions: each one accepted its issue (the only kind
there was), an undecided record stays undecided, and the column refuses any other value."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from fpp.migrate import alembic_config

NOW = datetime(2026, 11, 30, 9, 0)


def _insert(connection, table: str, **values) -> None:
    names = ", ".join(values)
    connection.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in values)})"),
                       values)


def _record(connection, pk: int, code: str, **values) -> None:
    _insert(connection, "check_records", id=pk, member_pk=1, code=code, completed_on=date(2026, 1, 5),
            outcome="issue", is_update_service=False, recorded_at=NOW, **values)


def test_existing_decisions_are_accepted_and_undecided_records_stay_so(empty_url):
    config = alembic_config(empty_url)
    command.upgrade(config, "0860_outbox_message_reminders")
    engine = sa.create_engine(empty_url)
    try:
        with engine.begin() as connection:
            _insert(connection, "members", id=1, member_id="N01", name="Nina Ned", position="ned", is_voting=True,
                    is_interim=False, is_executive=False, start_on=date(2020, 1, 1), created_at=NOW, updated_at=NOW)
            _record(connection, 1, "dbs", decision_on=date(2026, 2, 1), decision_note="Old, explained")
            _record(connection, 2, "insolvency")
        command.upgrade(config, "0870_decisions")
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, decision_outcome FROM check_records ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [(1, "accepted"), (2, None)]
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE check_records SET decision_outcome = 'not_accepted' WHERE id = 2"))
        with engine.begin() as connection, pytest.raises(sa.exc.IntegrityError):
            connection.execute(sa.text("UPDATE check_records SET decision_outcome = 'maybe' WHERE id = 2"))
        command.downgrade(config, "0860_outbox_message_reminders")
        columns = {c["name"] for c in sa.inspect(engine).get_columns("check_records")}
        assert "decision_outcome" not in columns and "decision_on" in columns
        with engine.connect() as connection:  # nothing else went with it
            assert connection.execute(sa.text("SELECT count(*) FROM check_records")).scalar() == 2
    finally:
        engine.dispose()
