# SPDX-License-Identifier: EUPL-1.2
"""The PostgreSQL server a benchmark runs against, and throwaway databases on it."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def server_url() -> str:
    """$VROEGSIGNAAL_BENCH_DATABASE_URL, else the throwaway cluster of scripts/services."""
    url = os.environ.get("VROEGSIGNAAL_BENCH_DATABASE_URL")
    if url:
        return url
    script = ROOT / "scripts" / "services" / "postgres.sh"
    subprocess.run(["bash", str(script), "start"], check=True, capture_output=True)
    return subprocess.run(
        ["bash", str(script), "url"], check=True, capture_output=True, text=True
    ).stdout.strip()


def create_database(server: str, prefix: str, *, name: str | None = None) -> tuple[str, str]:
    """A new, empty database named `name`, else `prefix` and a random suffix; returns (name,
    SQLAlchemy URL). Fails when a database of that name exists."""
    from sqlalchemy import create_engine, text

    name = name or f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return name, database_url(server, name)


def database_url(server: str, name: str) -> str:
    """The SQLAlchemy URL of database `name` on `server`."""
    from sqlalchemy.engine import make_url

    return make_url(server).set(database=name).render_as_string(hide_password=False)


def database_exists(server: str, name: str) -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(server)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                             {"n": name}).first()
    engine.dispose()
    return found is not None


def drop_database(server: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
