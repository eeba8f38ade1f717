"""Extensions, created here and bound to an app in the factory."""
from __future__ import annotations

import contextvars

from flask import Flask, current_app
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker


class Base(DeclarativeBase):
    """Declarative base of every model."""


class Database:
    """One engine and one request-scoped session; the request (or CLI command, or job) commits once."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session = scoped_session(sessionmaker(expire_on_commit=False))

    def init_app(self, app: Flask) -> None:
        self.engine = make_engine(app.config["DATABASE_URL"])
        self.session.remove()
        self.session.configure(bind=self.engine)
        app.teardown_appcontext(lambda exc: self.session.remove())


def make_engine(url: str) -> Engine:
    """An engine with the per-backend settings the register relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy, not pysqlite, begin transactions, so SAVEPOINTs and locking behave as documented.
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


# Requests that change things begin SQLite transactions IMMEDIATE: they take the write lock at the start,
# so two of them (a double click) queue on the busy timeout instead of one failing with "database is
# locked" when both try to upgrade a read lock. Reads keep a plain BEGIN and never wait for a writer.
sqlite_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("sqlite_write_intent", default=False)


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if sqlite_write_intent.get() else "BEGIN")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    dbapi_connection.isolation_level = None


def settings():
    """The running app's settings (fpp.config.Settings): how features read configuration without
    importing the factory."""
    return current_app.extensions["fpp_settings"]


db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
