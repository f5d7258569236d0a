# SPDX-License-Identifier: EUPL-1.2
"""Case-work fixtures: a world of teams and users on PostgreSQL, and an API client whose
every zaak read is checked against the audit trail when the test ends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import current_principal
from api.main import create_app
from tests.casework import World, build_world, principal_override
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zaak_reads: list[tuple[str, str]] = []

    def as_user(self, name: str | None) -> dict[str, str]:
        return {"X-Test-Gebruiker": name} if name else {}

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        response = super().request(method, url, *args, **kwargs)
        path = str(url).split("?")[0]
        if method.upper() == "GET" and path.startswith(READS) and response.status_code == 200:
            self.zaak_reads.append((path, response.headers["X-Request-ID"]))
        return response


@pytest.fixture
def api(pg_url: str, world: World) -> Iterator[AuditedClient]:
    """The app on the test database, users by `X-Test-Gebruiker`; at teardown every zaak
    read it served must have its audit row (same request id)."""
    import os

    from vroegsignaal.config import get_settings

    saved = os.environ.get("VROEGSIGNAAL_DATABASE_URL")
    os.environ["VROEGSIGNAAL_DATABASE_URL"] = pg_url
    get_settings.cache_clear()
    app = create_app()
    app.dependency_overrides[current_principal] = principal_override(pg_url)
    client = AuditedClient(app, raise_server_exceptions=False)
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
