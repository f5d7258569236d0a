# SPDX-License-Identifier: EUPL-1.2
"""Shared pytest fixtures.

Sections:
- Real services: PostgreSQL, Kafka and Keycloak (the OpenID Connect provider), as
  started by `make test` (scripts/services/*.sh). These fixtures fail, never skip,
  when a service cannot be reached: a test that needs one has not passed unless it
  ran against it.

The browser fixtures (Chromium through Playwright, the app served by uvicorn) are in
tests/browser/conftest.py.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from tests.oidc import KeycloakRealm, load_realm

# Domain fixtures (factories, settings, seeded databases) live in their own module.
pytest_plugins = ("tests.domain_fixtures",)

REPO_ROOT = Path(__file__).resolve().parent.parent
SERVICES_DIR = REPO_ROOT / "scripts" / "services"

# Environment variables that point the fixtures at running services; `make test`
# sets them. Without them the fixtures start the services with the scripts.
POSTGRES_URL_ENV = "VROEGSIGNAAL_TEST_POSTGRES_URL"
KAFKA_BOOTSTRAP_ENV = "VROEGSIGNAAL_TEST_KAFKA_BOOTSTRAP"
KEYCLOAK_ISSUER_ENV = "VROEGSIGNAAL_TEST_KEYCLOAK_ISSUER"


# ---------------------------------------------------------------------------
# Real services: PostgreSQL, Kafka and Keycloak
# ---------------------------------------------------------------------------


def _service_script(name: str, *args: str) -> str:
    """Run scripts/services/<name>.sh and return its stdout; fail the test on error."""
    script = SERVICES_DIR / f"{name}.sh"
    result = subprocess.run(
        ["bash", str(script), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"{script.relative_to(REPO_ROOT)} {' '.join(args)} failed "
            f"(exit {result.returncode}):\n{result.stdout}\n{result.stderr}",
            pytrace=False,
        )
    return result.stdout.strip()


def _unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def postgres_admin_url() -> URL:
    """SQLAlchemy URL (psycopg driver) of a superuser on the test PostgreSQL server.

    Taken from $VROEGSIGNAAL_TEST_POSTGRES_URL, else the throwaway cluster of
    scripts/services/postgres.sh is started (or reused).
    """
    raw = os.environ.get(POSTGRES_URL_ENV)
    if not raw:
        _service_script("postgres", "start")
        raw = _service_script("postgres", "url")
    url = make_url(raw)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    error: Exception | None = None
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:
        error = exc
    finally:
        engine.dispose()
    if error is not None:
        pytest.fail(
            f"PostgreSQL at {url.render_as_string(hide_password=True)} is not reachable: {error}",
            pytrace=False,
        )
    return url


@pytest.fixture(scope="session")
def new_postgres_database(postgres_admin_url: URL) -> Iterator[Callable[[], str]]:
    """Factory: each call creates a fresh, uniquely named database and returns its
    SQLAlchemy URL (``postgresql+psycopg://...``) as a string. All are dropped at
    the end of the session.
    """
    admin = sa.create_engine(
        postgres_admin_url, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT"
    )
    created: list[str] = []

    def create() -> str:
        name = _unique_name("vs_test")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return postgres_admin_url.set(database=name).render_as_string(hide_password=False)

    yield create

    with admin.connect() as conn:
        for name in created:
            # WITH (FORCE) ends connections a test left open (PostgreSQL 13+).
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    """Bootstrap address (``host:port``) of the test Kafka broker.

    Taken from $VROEGSIGNAAL_TEST_KAFKA_BOOTSTRAP, else the single-node broker of
    scripts/services/kafka.sh is started (or reused).
    """
    bootstrap = os.environ.get(KAFKA_BOOTSTRAP_ENV)
    if not bootstrap:
        _service_script("kafka", "start")
        bootstrap = _service_script("kafka", "bootstrap")

    from kafka import KafkaAdminClient

    deadline = time.monotonic() + 30
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            admin = KafkaAdminClient(
                bootstrap_servers=bootstrap,
                client_id="vroegsignaal-tests",
                request_timeout_ms=10_000,
            )
        except Exception as exc:
            last_error = exc
            time.sleep(1)
            continue
        try:
            admin.list_topics()
        except Exception as exc:
            last_error = exc
            time.sleep(1)
            continue
        finally:
            admin.close()
        return bootstrap
    pytest.fail(f"Kafka at {bootstrap} is not reachable: {last_error}", pytrace=False)


@pytest.fixture(scope="session")
def new_kafka_topic(kafka_bootstrap: str) -> Iterator[Callable[..., str]]:
    """Factory: ``new_kafka_topic(partitions=1, prefix="vs-test")`` creates a uniquely
    named topic and returns its name. The topics are deleted at the end of the session.
    """
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="vroegsignaal-tests")
    created: list[str] = []

    def create(partitions: int = 1, prefix: str = "vs-test") -> str:
        name = f"{prefix}-{uuid.uuid4().hex[:12]}"
        admin.create_topics(
            {name: {"num_partitions": partitions, "replication_factor": 1}},
            timeout_ms=30_000,
            wait_for_metadata=True,  # a leader for every partition before we hand it out
        )
        created.append(name)
        return name

    yield create

    if created:
        try:
            admin.delete_topics(created, timeout_ms=30_000)
        except Exception as exc:  # the broker is throwaway; leftovers are harmless
            print(f"could not delete test topics {created}: {exc}")
    admin.close()


@pytest.fixture(scope="session")
def keycloak() -> KeycloakRealm:
    """The test realm `vroegsignaal` on the real Keycloak: issuer URL, the confidential
    client (id and secret) and the test users with the claims their tokens carry.

    Taken from $VROEGSIGNAAL_TEST_KEYCLOAK_ISSUER, else the server of
    scripts/services/keycloak.sh is started (or reused). `make test` starts Keycloak in
    the background while the first tests run, so the realm is awaited here for up to
    $VROEGSIGNAAL_TEST_KEYCLOAK_WAIT seconds (default 300). Users and claim names:
    scripts/services/keycloak/README.md; login helpers: tests/oidc.py.
    """
    issuer = os.environ.get(KEYCLOAK_ISSUER_ENV)
    if not issuer:
        _service_script("keycloak", "start")
        issuer = _service_script("keycloak", "url")
    realm = load_realm(issuer)
    deadline = time.monotonic() + float(os.environ.get("VROEGSIGNAAL_TEST_KEYCLOAK_WAIT", "300"))
    problem = "not tried"
    while time.monotonic() < deadline:
        try:
            response = httpx.get(realm.discovery_url, timeout=10.0)
        except httpx.HTTPError as exc:
            problem = f"not reachable: {exc}"
        else:
            if response.status_code == 200:
                return realm
            problem = f"serves no realm vroegsignaal ({response.status_code})"
        time.sleep(1)
    pytest.fail(f"Keycloak at {issuer} {problem} (see var/keycloak/keycloak.log)", pytrace=False)
