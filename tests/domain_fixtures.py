# SPDX-License-Identifier: EUPL-1.2
"""Fixtures for the domain core: settings with test keys, migrated SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.orm import Session

from vroegsignaal.config import get_settings
from vroegsignaal.storage.db import session_factory
from vroegsignaal.storage.seed import prepare_database

TEST_ENCRYPTION_KEY = "t1:" + base64.b64encode(b"T" * 32).decode()
TEST_HMAC_KEY = base64.b64encode(b"H" * 32).decode()


@pytest.fixture(autouse=True, scope="session")
def _test_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Real (non-placeholder) keys in test mode, so the production key checks are exercised.

    The model registry is an empty folder: a model promoted in ./var/models on the
    developer's machine must not change what the tests score with.
    """
    saved = {k: v for k, v in os.environ.items() if k.startswith("VROEGSIGNAAL_")}
    os.environ.update(
        {
            "VROEGSIGNAAL_ENV": "test",
            "VROEGSIGNAAL_ENCRYPTION_KEY": TEST_ENCRYPTION_KEY,
            "VROEGSIGNAAL_HMAC_KEY": TEST_HMAC_KEY,
            "VROEGSIGNAAL_MODEL_DIR": str(tmp_path_factory.mktemp("modelregister")),
        }
    )
    get_settings.cache_clear()
    yield
    for key in [k for k in os.environ if k.startswith("VROEGSIGNAAL_") and k not in saved]:
        if not key.startswith("VROEGSIGNAAL_TEST_"):
            del os.environ[key]
    os.environ.update(saved)
    get_settings.cache_clear()


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path}/vroegsignaal.sqlite3"
    prepare_database(url)
    return url


@pytest.fixture
def pg_url(new_postgres_database: Callable[[], str]) -> str:
    url = new_postgres_database()
    prepare_database(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Both backends: the embedded default and the system of record."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    s = session_factory(db_url)()
    yield s
    s.close()
