"""Migration 0500 on a register that already breaks the new invariants: it reports and resolves the
duplicates visibly, with audit entries the chain still verifies, and it stops, changing nothing, on a
forked audit trail or a value outside the allowed lists."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from datetime import date, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from alembic import command

from fpp.app import create_app
from fpp.audit.operations import GENESIS, entry_hash
from exports import trail
from fpp.extensions import db
from fpp.migrate import alembic_config

REASON = "duplicate removed by migration 0500"
NOW = datetime(2026, 11, 30, 9, 0, 0, 123456)


@contextmanager
def fresh_database(tmp_path, revision: str = "heads"):
    """The URL of a new database migrated to `revision`: a SQLite file, or (when the tests run on
    PostgreSQL) a database of its own, dropped afterwards."""
    base = os.environ.get("FPP_TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        url = f"sqlite:///{tmp_path / f'fresh_{uuid.uuid4().hex[:6]}.sqlite3'}"
        command.upgrade(alembic_config(url), revision)
        yield url
        return
    name = f"fpp_fresh_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + f"/{name}"
    try:
        command.upgrade(alembic_config(url), revision)
        yield url
    finally:
        db.session.remove()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def insert(connection, table: str, **values) -> None:
    names = ", ".join(values)
    connection.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in values)})"),
                       values)


def chain(connection, count: int, fork_at: int | None = None) -> None:
    """`count` audit entries chained with today's recipe; with `fork_at`, that entry follows the same
    entry as the one before it (a fork)."""
    previous, before_previous = GENESIS, None
    for number in range(1, count + 1):
        prev = before_previous if number == fork_at else previous
        row = {"id": number, "at": NOW, "actor_id": None, "actor": "test", "action": "test.event",
               "entity_type": "members", "entity_id": str(number), "member_pk": None, "before": None,
               "after": "{}", "prev_hash": prev}
        row["hash"] = entry_hash(SimpleNamespace(**row))
        insert(connection, "audit_entries", **row)
        before_previous, previous = prev, row["hash"]


def member(connection, pk: int, position: str = "ned") -> None:
    insert(connection, "members", id=pk, member_id=f"M{pk}", name=f"Member {pk}", position=position,
           is_voting=True, is_interim=False, is_executive=False, start_on=date(2020, 1, 1), created_at=NOW,
           updated_at=NOW)


def record(connection, pk: int, outcome: str = "clear", notes: str | None = None, deleted: bool = False) -> None:
    insert(connection, "check_records", id=pk, member_pk=1, code="insolvency", completed_on=date(2025, 3, 1),
           outcome=outcome, is_update_service=False, notes=notes, recorded_at=NOW,
           deleted_at=NOW if deleted else None, deletion_reason="entered twice" if deleted else None)


def evidence(connection, pk: int, record_id: int, sha: str) -> None:
    insert(connection, "evidence", id=pk, record_id=record_id, stored_name=f"file{pk}", original_name=f"e{pk}.pdf",
           size=10, content_type="application/pdf", sha256=sha * 64, uploaded_at=NOW)


def user(connection, pk: int, role: str, member_pk: int | None) -> None:
    insert(connection, "users", id=pk, email=f"u{pk}@example.nhs.uk", password_hash="x", role=role,
           member_pk=member_pk, is_enabled=True, created_at=NOW)


def reference(connection, pk: int, direction: str) -> None:
    texts = {name: "None" for name in ("roles_and_dates", "reason_for_leaving", "disciplinary_findings",
                                       "open_investigations", "conduct_concerns", "settlement_agreement",
                                       "regulator_referrals", "fit_and_proper_reasons", "completed_by_name",
                                       "completed_by_role")}
    insert(connection, "leaver_references", id=pk, member_pk=1, direction=direction, organisation=f"Org {pk}",
           is_fit_and_proper=True, completed_on=date(2026, 3, pk), recorded_at=NOW, **texts)


def a_register_with_duplicates(connection) -> None:
    member(connection, 1)
    record(connection, 1)
    record(connection, 2)  # an exact copy of 1
    record(connection, 3, notes="typed again")  # the same identity, other notes
    record(connection, 4, deleted=True)  # already deleted: not a live copy
    record(connection, 5, outcome="issue")  # another identity
    evidence(connection, 1, 1, "a")
    evidence(connection, 2, 1, "a")  # the same file again on record 1
    evidence(connection, 3, 1, "b")
    evidence(connection, 4, 5, "a")  # the same file on another record: allowed
    user(connection, 1, "secretary", None)
    user(connection, 2, "auditor", None)  # two accounts of no member: allowed
    user(connection, 3, "member", 1)
    user(connection, 4, "member", 1)  # a second account of member 1
    reference(connection, 1, "given")
    reference(connection, 2, "given")  # a second reference given for member 1
    reference(connection, 3, "received")
    chain(connection, 3)
    advance_sequences(connection)


def advance_sequences(connection) -> None:
    """Rows inserted with explicit ids leave PostgreSQL's sequences behind: move them past the rows."""
    if connection.dialect.name != "postgresql":
        return
    for table in ("members", "check_records", "evidence", "users", "leaver_references", "audit_entries"):
        connection.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                   f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"))


def upgrade(url: str) -> None:
    command.upgrade(alembic_config(url), "0500")  # this migration alone: later ones may write entries too


def version(url: str) -> str:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    return found


def verified(url: str, tmp_path, monkeypatch):
    """`fpp audit verify`'s result on the database at `url`."""
    for name in [n for n in os.environ if n.startswith("FPP_") and n != "FPP_TEST_DATABASE_URL"]:
        monkeypatch.delenv(name)
    app = create_app(config_path=os.devnull, overrides={"database_url": url, "data_dir": str(tmp_path / "data"),
                                                        "secret_key": "x"})
    db.session.configure(join_transaction_mode="conditional_savepoint")
    try:
        with app.app_context():  # the schema of 0500: the first hash recipe alone (MACs came with 0800)
            rows = db.session.execute(sa.text("SELECT * FROM audit_entries ORDER BY id")).mappings()
            return trail.verify_segment(dict(row, at=row["at"] if isinstance(row["at"], datetime)
                                             else datetime.fromisoformat(row["at"])) for row in rows)
    finally:
        db.session.remove()
        db.engine.dispose()


def test_duplicates_are_resolved_visibly_and_audited(tmp_path, capsys, monkeypatch):
    with fresh_database(tmp_path, "0400") as url:
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            a_register_with_duplicates(connection)
        upgrade(url)
        printed = capsys.readouterr().out
        with engine.connect() as connection:
            rows = lambda sql: connection.execute(sa.text(sql)).all()  # noqa: E731
            records = {r[0]: r[1:] for r in rows("SELECT id, deleted_at IS NOT NULL, deletion_reason "
                                                 "FROM check_records")}
            evidence_ids = [r[0] for r in rows("SELECT id FROM evidence ORDER BY id")]
            users = {r[0]: (r[1], bool(r[2])) for r in rows("SELECT id, member_pk, is_enabled FROM users")}
            references = [r[0] for r in rows("SELECT id FROM leaver_references ORDER BY id")]
            entries = rows("SELECT actor, action, entity_type, entity_id FROM audit_entries WHERE id > 3 ORDER BY id")
        engine.dispose()
        assert records == {1: (False, None), 2: (True, REASON), 3: (True, REASON), 4: (True, "entered twice"),
                           5: (False, None)}
        assert evidence_ids == [1, 3, 4]
        assert users == {1: (None, True), 2: (None, True), 3: (1, True), 4: (None, False)}
        assert references == [1, 3]
        assert entries == [("migration 0500", "check.delete", "check_records", "2"),
                           ("migration 0500", "check.delete", "check_records", "3"),
                           ("migration 0500", "evidence.remove", "evidence", "2"),
                           ("migration 0500", "user.disable", "users", "4"),
                           ("migration 0500", "reference.remove", "leaver_references", "2")]
        assert "check record 2 (insolvency of 2025-03-01, member 1) repeats record 1 exactly: soft-deleted" in printed
        assert "check record 3" in printed and "differing in notes" in printed
        assert "evidence 2 (e2.pdf) repeats evidence 1" in printed and "file2 stays in the evidence folder" in printed
        assert "account 4 (u4@example.nhs.uk) is a second account of member 1" in printed
        assert "leaver reference 2 is a second reference given for member 1" in printed
        result = verified(url, tmp_path, monkeypatch)
        assert result.ok and result.count == 8


def test_a_forked_audit_trail_stops_the_upgrade_and_changes_nothing(tmp_path):
    with fresh_database(tmp_path, "0400") as url:
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            member(connection, 1)
            record(connection, 1)
            record(connection, 2)  # a duplicate the migration would otherwise soft-delete
            chain(connection, 4, fork_at=3)  # entries 2 and 3 both follow entry 1
        with pytest.raises(RuntimeError, match=r"the audit trail is forked \(entries 2, 3 all follow [0-9a-f]{12}"):
            upgrade(url)
        assert version(url) == "0400"
        with engine.connect() as connection:
            live = connection.execute(sa.text("SELECT count(*) FROM check_records WHERE deleted_at IS NULL"))
            assert live.scalar() == 2
            assert connection.execute(sa.text("SELECT count(*) FROM audit_entries")).scalar() == 4
        assert "uq_audit_entries_prev_hash" not in {i["name"] for i in sa.inspect(engine).get_indexes("audit_entries")}
        engine.dispose()


def test_a_value_outside_the_allowed_lists_stops_the_upgrade(tmp_path):
    with fresh_database(tmp_path, "0400") as url:
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            member(connection, 1, position="trustee")
            user(connection, 1, "admin", None)
        with pytest.raises(RuntimeError) as stopped:
            upgrade(url)
        engine.dispose()
        assert "members.position allows chair, sid, ned, ceo, executive, associate but holds id 1: 'trustee'" \
            in str(stopped.value)
        assert "users.role allows" in str(stopped.value) and "id 1: 'admin'" in str(stopped.value)
        assert version(url) == "0400"


def test_it_downgrades_and_upgrades_again(tmp_path):
    with fresh_database(tmp_path, "0500") as url:
        command.downgrade(alembic_config(url), "0400")
        engine = sa.create_engine(url)
        assert not sa.inspect(engine).get_check_constraints("check_records")
        assert "uq_users_member_pk" not in {i["name"] for i in sa.inspect(engine).get_indexes("users")}
        engine.dispose()
        upgrade(url)
        assert version(url) == "0500"
