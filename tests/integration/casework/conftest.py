# SPDX-License-Identifier: EUPL-1.2
"""Case-work fixtures: a world of teams and users on PostgreSQL, and an API client whose
every zaak read is checked against the audit trail when the test ends. The client acts as
a user through a real session (tests/casework.py: `session_headers`); nothing of the
login is overridden."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.main import create_app
from tests.casework import World, build_world, session_headers
from vroegsignaal.storage.db import session_factory
from vroegsignaal.storage.tables import AuditLog

pytestmark = pytest.mark.integration
READS = ("/api/v1/zaken/",)


@pytest.fixture
def pg_session(pg_url: str) -> Iterator[Session]:
    s = session_factory(pg_url)()
    yield s
    s.close()


@pytest.fixture
def world(pg_session: Session) -> World:
    return build_world(pg_session)


class AuditedClient(TestClient):
    """A TestClient that remembers each successful read of a zaak (GET /zaken/{id}...)
    with its request id, so the fixture can check that each one is in the audit log."""

    def __init__(self, *args: Any, db_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.db_url = db_url
        self.zaak_reads: list[tuple[str, str]] = []
        self._sessions: dict[str, dict[str, str]] = {}

    def as_user(self, name: str | None) -> dict[str, str]:
        """Headers of a logged-in `name` (one session per user and client; "verlopen": an
        expired session, new each time because presenting it ends it); {} for nobody."""
        if not name:
            return {}
        if name == "verlopen":
            return session_headers(self.db_url, name)
        if name not in self._sessions:
            self._sessions[name] = session_headers(self.db_url, name)
        return dict(self._sessions[name])

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        response = super().request(method, url, *args, **kwargs)
        path = str(url).split("?")[0]
        if method.upper() == "GET" and path.startswith(READS) and response.status_code == 200:
            self.zaak_reads.append((path, response.headers["X-Request-ID"]))
        return response


@pytest.fixture
def api(pg_url: str, world: World) -> Iterator[AuditedClient]:
    """The app on the test database, users by `as_user` (real sessions); at teardown every
    zaak read it served must have its audit row (same request id)."""
    import os

    from vroegsignaal.config import get_settings

    saved = os.environ.get("VROEGSIGNAAL_DATABASE_URL")
    os.environ["VROEGSIGNAAL_DATABASE_URL"] = pg_url
    get_settings.cache_clear()
    client = AuditedClient(create_app(), raise_server_exceptions=False, db_url=pg_url)
    yield client
    with session_factory(pg_url)() as s:
        logged = set(s.execute(select(AuditLog.trace_id).where(
            AuditLog.actie.in_(["zaak.lezen", "persoonsgegevens.lezen"]))).scalars())
    missing = [read for read in client.zaak_reads if read[1] not in logged]
    if saved is None:
        os.environ.pop("VROEGSIGNAAL_DATABASE_URL", None)
    else:
        os.environ["VROEGSIGNAAL_DATABASE_URL"] = saved
    get_settings.cache_clear()
    assert not missing, f"zaak reads without an audit row: {missing}"
