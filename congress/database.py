"""Engine behaviour per backend: SQLite with WAL, foreign keys and explicit write locks.

SQLite's driver normally begins transactions lazily at the first write, so two
requests that read and then write can both read the same state. We take over
BEGIN: a transaction that is going to write starts with `BEGIN IMMEDIATE` and
holds the write lock from its first statement (as a PostgreSQL row lock would).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)


@contextmanager
def write_intent() -> Iterator[None]:
    """Transactions begun inside this block take SQLite's write lock at BEGIN."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def set_write_intent(value: bool) -> contextvars.Token:
    return _write_intent.set(value)


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA secure_delete=ON")  # freed cells are zeroed, not left behind
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if wants_write_lock() else "BEGIN")


def wants_write_lock() -> bool:
    """Inside a request that may write (whatever hook touches the database first), or
    inside `write_intent()`."""
    if _write_intent.get():
        return True
    return has_request_context() and request.method not in SAFE_METHODS


AFTER_COMMIT = "congress_after_commit"


def after_commit(task: Callable[[], object]) -> None:
    """Run `task` once the current transaction has committed (never if it rolls back):
    for work that cannot run inside a transaction, such as VACUUM."""
    from congress.extensions import db

    db.session.info.setdefault(AFTER_COMMIT, []).append(task)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for task in session.info.pop(AFTER_COMMIT, []):
        task()


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, _previous) -> None:
    session.info.pop(AFTER_COMMIT, None)
