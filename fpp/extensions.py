"""Extensions, created here and bound to an app in the factory."""
from __future__ import annotations

import contextvars
from contextlib import contextmanager
from typing import Callable, Iterator

from flask import Flask, current_app, has_request_context
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker


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

    def guard_reads(self) -> None:
        """Refuse, at flush, a change made where no write was declared (see the transaction policy)."""
        if not event.contains(self.session, "before_flush", _refuse_writes_outside_intent):
            event.listen(self.session, "before_flush", _refuse_writes_outside_intent)


def make_engine(url: str) -> Engine:
    """An engine with the per-backend settings the register relies on."""
    # Parameter values (names, emails, DBS numbers) never reach an error message or a log.
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy, not pysqlite, begin transactions, so SAVEPOINTs and locking behave as documented.
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


# The transaction policy (docs/operations.md, "Transactions"):
# - A view or command that changes the register says so (`@writes`, `with_app`). Its SQLite transaction
#   begins IMMEDIATE: it takes the write lock at the start, so two writers (a double click, parallel
#   imports) queue on the busy timeout instead of one failing with "database is locked" when both try to
#   upgrade a read lock.
# - Every other view reads: a plain BEGIN that never waits for a writer, and nothing it does may flush a
#   change (a guard refuses it). The one write a read may make, an audit entry of who read what, goes
#   through `own_transaction()`: a short transaction of its own that waits for the lock.
sqlite_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("sqlite_write_intent", default=False)
WRITES_ATTR = "fpp_writes"


def writes(view: Callable) -> Callable:
    """Declare that a view changes the register (put it just under the route decorator)."""
    setattr(view, WRITES_ATTR, True)
    return view


def view_writes(view: Callable | None) -> bool:
    """Whether a view was declared with `@writes` (the attribute survives functools.wraps)."""
    return bool(getattr(view, WRITES_ATTR, False))


@contextmanager
def write_intent(on: bool = True) -> Iterator[None]:
    """Within this block, new SQLite transactions begin IMMEDIATE (wait for the write lock)."""
    token = sqlite_write_intent.set(on)
    try:
        yield
    finally:
        sqlite_write_intent.reset(token)


@contextmanager
def own_transaction() -> Iterator[Session]:
    """A short transaction of its own, committed at the end of the block: for the audit entry a read
    records. It waits for the write lock (BEGIN IMMEDIATE with the busy timeout on SQLite; PostgreSQL's
    row locks and the audit advisory lock), and leaves the request's own read transaction alone. In
    tests, where the request session is bound to one connection, it is a savepoint on that connection."""
    session = Session(bind=db.session.get_bind(), join_transaction_mode="create_savepoint",
                      expire_on_commit=False)
    try:
        with write_intent(), session.begin():
            session.info["own_transaction"] = True
            yield session
    finally:
        session.close()


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if sqlite_write_intent.get() else "BEGIN")


class ReadOnlyViolation(RuntimeError):
    """A view not declared `@writes` tried to change the register."""


def may_write(session: Session) -> bool:
    """Whether this session may change the register now: outside a request (CLI, jobs, tests), in a
    view declared `@writes`, or in `own_transaction()`."""
    return (not has_request_context() or sqlite_write_intent.get()
            or bool(session.info.get("own_transaction")))


def require_write(session: Session) -> None:
    """Refuse a change where the policy allows none (a programming error, caught by the tests)."""
    if not may_write(session):
        raise ReadOnlyViolation("a read-only request tried to change the register; declare the view @writes")


def _refuse_writes_outside_intent(session, _context, _instances) -> None:
    if session.new or session.dirty or session.deleted:
        require_write(session)


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
# Sign-in throttling (fpp.auth.throttle): limits are declared on the sign-in views; the storage (memory, or
# Redis when several web workers run) comes from [security] rate_limit_storage_url at init_app.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
