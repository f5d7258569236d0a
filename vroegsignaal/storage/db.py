# SPDX-License-Identifier: EUPL-1.2
"""Engines and sessions for PostgreSQL (system of record) and SQLite (embedded default)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import CursorResult, Result, make_url
from sqlalchemy.orm import Session, sessionmaker


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# SQLite has one writer at a time: another connection waits this long for the lock
# (sqlite3's busy timeout) before "database is locked"; run_intake then retries the whole
# transaction (intake/pipeline.py). 100 concurrent REST requests all get through.
SQLITE_BUSY_TIMEOUT_S = 60.0


def make_engine(url: str) -> Engine:
    """An engine with sane defaults; SQLite files get their folder created.

    `hide_parameters`: errors and logs show statements, never the bound values (they can
    hold identifiers before encryption, ids, keys).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # A request holds its connection from authentication to the answer, and the
        # server runs up to 40 requests at once: the pool must not be what they wait for
        # (SQLite connections are cheap; the writer lock is what serialises them).
        engine = create_engine(
            url, hide_parameters=True, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S},
            pool_size=10, max_overflow=60,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        url, pool_pre_ping=True, pool_size=5, max_overflow=5, hide_parameters=True
    )


def is_busy(exc: BaseException) -> bool:
    """SQLite's writer lock was not free in time ("database is locked" / "busy")."""
    orig = getattr(exc, "orig", None)
    return isinstance(orig, sqlite3.OperationalError) and (
        "locked" in str(orig) or "busy" in str(orig)
    )


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One engine per URL and process."""
    return make_engine(url)


def session_factory(url: str) -> sessionmaker[Session]:
    """Sessions on the engine of `url` (objects stay usable after commit)."""
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session that rolls back on error and always closes."""
    session = session_factory(url)()
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE touched."""
    assert isinstance(result, CursorResult)
    return result.rowcount
