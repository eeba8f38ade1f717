"""Two registers side by side, each a real database (committing) and a data folder, and the CLI on either."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

import fpp.cli
from fpp.app import create_app
from fpp.extensions import db
from tests.fixtures.app import CHEAP_ARGON2, new_database


class Register:
    """A register at `url` with its data folder. The database session is global, so every use builds the
    app afresh (closing the other register's connections first): commands and code run against this one."""

    def __init__(self, url: str, data_dir: Path, monkeypatch) -> None:
        self.url, self.data_dir, self._monkeypatch = url, data_dir, monkeypatch

    def app(self):
        db.session.remove()
        if db.engine is not None:
            db.engine.dispose()
        app = create_app(config_path=os.devnull, testing=True, overrides={
            "data_dir": str(self.data_dir), "database_url": self.url, "secret_key": "x", **CHEAP_ARGON2,
            "audit_signing_key": "11" * 32})  # one register's key, restored with it (from the secret store)
        db.session.configure(join_transaction_mode="conditional_savepoint")
        return app

    def run(self, *args):
        """Invoke `fpp ARGS` against this register; returns click's Result (output holds stderr too)."""
        self._monkeypatch.setattr(fpp.cli, "app_factory", self.app)
        self._monkeypatch.setattr(fpp.cli, "core_factory", self.app)
        result = CliRunner().invoke(fpp.cli.cli, [str(a) for a in args], catch_exceptions=False)
        db.session.remove()
        db.engine.dispose()
        return result

    @contextmanager
    def context(self):
        """An app context on this register (the caller commits what it writes)."""
        app = self.app()
        with app.app_context():
            yield app
        db.session.remove()
        db.engine.dispose()

    @property
    def evidence(self) -> Path:
        return self.data_dir / "evidence"


@pytest.fixture
def clear_fpp_environment(monkeypatch):
    for name in [n for n in os.environ if n.startswith("FPP_") and n != "FPP_TEST_DATABASE_URL"]:
        monkeypatch.delenv(name)


@pytest.fixture
def source(fresh_url, tmp_path, monkeypatch, clear_fpp_environment) -> Register:
    """A migrated register (real commits) to back up."""
    return Register(fresh_url, tmp_path / "source-data", monkeypatch)


@pytest.fixture
def restore_url(tmp_path):
    """Where the restore goes, apart from the source's database; nothing is there yet."""
    with new_database(tmp_path) as url:
        yield url


@pytest.fixture
def target(restore_url, tmp_path, monkeypatch, clear_fpp_environment) -> Register:
    """A second register, empty, to restore into (its own database and data folder)."""
    return Register(restore_url, tmp_path / "target-data", monkeypatch)
