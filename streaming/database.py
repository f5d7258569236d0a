# SPDX-License-Identifier: EUPL-1.2
"""The consumer's database connection: short connect timeouts and telling "unavailable"
(wait and retry the batch) apart from "this batch cannot be processed" (dead letters)."""

from __future__ import annotations

import psycopg
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from vroegsignaal.storage.db import make_engine

# libpq: give up connecting after 5 s, and notice a silent peer within about a minute.
_PG_CONNECT = {
    "connect_timeout": "5",
    "keepalives": "1",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
}

_UNAVAILABLE = (
    sa.exc.OperationalError,
    sa.exc.InterfaceError,
    sa.exc.DisconnectionError,
    sa.exc.TimeoutError,  # no connection free in the pool
    psycopg.OperationalError,  # raised unwrapped by the COPY fast path; includes shutdowns
    psycopg.InterfaceError,
    psycopg.errors.ReadOnlySqlTransaction,  # a fail-over to a replica still in progress
    psycopg.errors.SerializationFailure,
    psycopg.errors.DeadlockDetected,
    ConnectionError,
)


# The database answers but cannot do the work: a missing migration, a revoked grant, a
# full disk. Retrying later is right; dead-lettering every message would be a disaster.
_UNUSABLE = (
    sa.exc.ProgrammingError,
    sa.exc.InternalError,
    sa.exc.NotSupportedError,
    psycopg.ProgrammingError,
    psycopg.InternalError,
    psycopg.NotSupportedError,
)


def is_unavailable(exc: BaseException) -> bool:
    """True when the database (not the data) is the problem: retry the batch later."""
    if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
        return True
    orig = getattr(exc, "orig", None)
    kinds = _UNAVAILABLE + _UNUSABLE
    return isinstance(exc, kinds) or isinstance(orig, kinds)


def consumer_url(url: str) -> str:
    """The URL with connect timeout and TCP keepalives for PostgreSQL (kept if already set)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    query = {**_PG_CONNECT, **dict(parsed.query)}
    return parsed.set(query=query).render_as_string(hide_password=False)


class Database:
    """An engine of its own (disposed on stop) and a fresh session per batch."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = make_engine(consumer_url(url))
        self.sessions = sessionmaker(bind=self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self.sessions()

    def available(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except Exception as exc:
            if is_unavailable(exc):
                return False
            raise
        return True

    def dispose(self) -> None:
        self.engine.dispose()
