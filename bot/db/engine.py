"""Engines and session factories for SQLite (WAL, foreign keys on) and PostgreSQL."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session

SessionFactory = Callable[[], Session]


def make_engine(url: str, **kwargs: object) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        _SqliteWriteGate().attach(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    if not _is_memory(dbapi_connection):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
GATE_TIMEOUT_SECONDS = 30


class _SqliteWriteGate:
    """One writing transaction at a time among this process's threads.

    SQLite allows one writer; the others wait in its busy handler, which polls with sleeps of up to 100 ms, so
    under concurrent writes the waits pile up into a long tail. Waiting on a lock here wakes a writer as soon as
    the previous one commits. Other processes (a clock, a second worker) still meet SQLite's own lock; a gate
    that cannot be had in time lets the statement through to SQLite's busy timeout, as without the gate.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._before_execute)
        event.listen(engine, "commit", lambda conn: self._release(conn.info))
        event.listen(engine, "rollback", lambda conn: self._release(conn.info))
        event.listen(engine.pool, "reset", lambda _dbapi, record, _state: self._release(record.info))
        event.listen(engine.pool, "checkin", lambda _dbapi, record: self._release(record.info))
        event.listen(engine.pool, "close", lambda _dbapi, record: self._release(record.info))
        event.listen(engine.pool, "invalidate", lambda _dbapi, record, _exc: self._release(record.info))

    def _before_execute(self, conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        info = conn.info
        if not info.get("ctobot_writing") and _WRITE.match(statement):
            info["ctobot_writing"] = self._lock.acquire(timeout=GATE_TIMEOUT_SECONDS)

    def _release(self, info: dict[str, Any] | None) -> None:
        if info is not None and info.pop("ctobot_writing", False):
            self._lock.release()


def _is_memory(dbapi_connection: sqlite3.Connection) -> bool:
    rows = dbapi_connection.execute("PRAGMA database_list").fetchall()
    return any(row[1] == "main" and not row[2] for row in rows)


def make_session_factory(engine: Engine) -> SessionFactory:
    """A factory of sessions that keep loaded objects usable after commit."""
    return sessionmaker(bind=engine, class_=Session, expire_on_commit=False)


@contextmanager
def transaction(session_factory: SessionFactory) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
