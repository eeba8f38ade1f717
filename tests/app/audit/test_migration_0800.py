"""Upgrading from 0700 with an existing trail: the entries keep their first-recipe hashes, gain a MAC, and the
first signed checkpoint anchors them, so the upgraded register verifies (and tampering after it is found)."""
from __future__ import annotations

import os
from datetime import datetime

import sqlalchemy as sa
from alembic import command

from fpp.app import create_app
from fpp.audit.checkpoints import list_checkpoints, newest_checkpoint
from fpp.audit.operations import GENESIS, entry_hash
from fpp.audit.queries import verify_register
from fpp.extensions import db
from fpp.migrate import alembic_config
from tests.app.test_migration_0500 import fresh_database

NOW = datetime(2026, 6, 1, 9, 0, 0, 123456)


def _v1_chain(connection, count: int) -> list[str]:
    previous, hashes = GENESIS, []
    for number in range(1, count + 1):
        row = {"id": number, "at": NOW, "actor_id": None, "actor": "sue@example.nhs.uk", "action": "user.create",
               "entity_type": "users", "entity_id": str(number), "member_pk": None, "before": None,
               "after": '{"role": "secretary"}', "prev_hash": previous}
        row["hash"] = previous = entry_hash(row)
        connection.execute(sa.text(f"INSERT INTO audit_entries ({', '.join(row)}) "
                                   f"VALUES ({', '.join(':' + k for k in row)})"), row)
        hashes.append(previous)
    return hashes


def test_the_upgrade_anchors_the_existing_trail(tmp_path, monkeypatch):
    for name in [n for n in os.environ if n.startswith("FPP_") and n != "FPP_TEST_DATABASE_URL"]:
        monkeypatch.delenv(name)
    with fresh_database(tmp_path, "0700") as url:
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            hashes = _v1_chain(connection, 5)
        engine.dispose()
        app = create_app(config_path=os.devnull, overrides={"database_url": url, "data_dir": str(tmp_path / "data"),
                                                            "secret_key": "x"})
        db.session.configure(join_transaction_mode="conditional_savepoint")
        try:
            with app.app_context():
                command.upgrade(alembic_config(url), "heads")  # inside the app, as `fpp init-db` runs it
                [path] = list_checkpoints()
                _, doc = newest_checkpoint()
                assert (doc["count"], doc["head"], doc["reason"]) == (5, hashes[-1],
                                                                      "upgrade 0800: the existing trail anchored")
                stored = db.session.execute(sa.text("SELECT hash, content_hash, mac FROM audit_entries ORDER BY id")).all()
                assert [r.hash for r in stored] == hashes  # the chain is not rewritten
                assert all(r.content_hash is None and len(r.mac) == 64 for r in stored)
                report = verify_register(doc, path.name)
                assert report.ok and report.checked == 5, report.problems
                db.session.execute(sa.text("DELETE FROM audit_entries WHERE id = 5"))
                db.session.commit()
                report = verify_register(doc, path.name)
                assert "entries at its end were deleted" in report.problems[0]
        finally:
            db.session.remove()
            db.engine.dispose()


def test_an_empty_register_upgrades_without_a_key_or_checkpoint(tmp_path, monkeypatch):
    monkeypatch.setenv("FPP_DATA_DIR", str(tmp_path / "elsewhere"))
    with fresh_database(tmp_path, "heads"):
        assert not (tmp_path / "elsewhere").exists()
