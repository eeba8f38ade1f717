"""Creating or upgrading the schema with Alembic (never from create_app)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# Alembic is imported where it is used: every command asks `is_initialised`, and importing Alembic
# costs a fifth of a second of each `fpp status`.


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str) -> None:
    """Bring the database to the newest schema (every branch head)."""
    from alembic import command
    command.upgrade(alembic_config(database_url), "heads")


def is_initialised(database_url: str) -> bool:
    """Whether `fpp init-db` has built a schema there (an SQLite file is never created by asking)."""
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.engine import make_url
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:" or not Path(url.database).is_file():
            return False
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return inspect(connection).has_table("alembic_version")
    finally:
        engine.dispose()
