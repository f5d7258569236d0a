# SPDX-License-Identifier: EUPL-1.2
"""Fixtures for the accounts tests: the app on a fresh PostgreSQL database, seen over https
(the session cookie is Secure, so a client on http:// would never send it back)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from vroegsignaal.config import Settings, get_settings

BASE_URL = "https://testserver"


@pytest.fixture
def accounts_db(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated, seeded PostgreSQL database the app uses; TOTP only where a test asks."""
    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", pg_url)
    monkeypatch.setenv("VROEGSIGNAAL_TOTP_REQUIRED", "false")
    get_settings.cache_clear()
    yield pg_url
    get_settings.cache_clear()


@pytest.fixture
def settings(accounts_db: str) -> Settings:
    return get_settings()


@pytest.fixture
def new_client(accounts_db: str) -> Iterator[Callable[[], TestClient]]:
    """Factory: each call is a separate browser (its own cookie jar) on the same app."""
    from api.main import create_app

    app = create_app()
    clients: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(app, base_url=BASE_URL)
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(new_client: Callable[[], TestClient]) -> TestClient:
    return new_client()
