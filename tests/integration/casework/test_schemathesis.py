# SPDX-License-Identifier: EUPL-1.2
"""Schemathesis against the served OpenAPI document (issue 10): generated requests to every
operation, as a teamleider logged in through a real session (a fresh one per request, so a
generated logout spoils nothing) on a seeded PostgreSQL database; no answer is a 5xx, and
every error is problem+json.

Hypothesis is derandomized and bounded per operation (`MAX_EXAMPLES`), so a run is
repeatable and takes about a minute.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.main import create_app
from tests.casework import build_world, new_zaak, session_headers
from vroegsignaal.config import get_settings
from vroegsignaal.storage.db import session_factory

pytestmark = pytest.mark.integration
MAX_EXAMPLES = 25
STATUSES: dict[tuple[str, str], set[int]] = defaultdict(set)
APP = create_app()
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


@pytest.fixture(scope="module")
def seeded(new_postgres_database, request: pytest.FixtureRequest) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from vroegsignaal.storage.seed import prepare_database

    url = new_postgres_database()
    prepare_database(url)
    saved = os.environ.get("VROEGSIGNAAL_DATABASE_URL")
    os.environ["VROEGSIGNAAL_DATABASE_URL"] = url
    get_settings.cache_clear()
    with session_factory(url)() as s:
        build_world(s)
        for _ in range(3):
            new_zaak(s)
    yield url
    if saved is None:
        os.environ.pop("VROEGSIGNAAL_DATABASE_URL", None)
    else:
        os.environ["VROEGSIGNAAL_DATABASE_URL"] = saved
    get_settings.cache_clear()


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_problem_json(case: schemathesis.Case, seeded: str) -> None:
    response = case.call(headers=session_headers(seeded, "teamleider"))
    STATUSES[(case.operation.method.upper(), case.operation.path)].add(response.status_code)
    assert response.status_code < 500, (case.method, case.path, response.status_code,
                                        response.text[:300])
    if (case.operation.method.upper() == "GET" and case.operation.path.startswith("/zaken/")
            and response.status_code == 200):
        _assert_audited(seeded, response.headers["x-request-id"][0], case.formatted_path)
    if response.status_code >= 400:
        assert response.headers["content-type"][0].startswith("application/problem+json"), (
            case.method, case.path, response.status_code, response.headers)
        body = response.json()
        assert body["status"] == response.status_code and body["title"] and body["code"]


def _assert_audited(url: str, request_id: str, path: str = "") -> None:
    """A zaak read that was served has its audit row (same request id)."""
    from sqlalchemy import select

    from vroegsignaal.storage.tables import AuditLog

    with session_factory(url)() as s:
        logged = s.execute(select(AuditLog.actie).where(AuditLog.trace_id == request_id)
                           ).scalars().all()
    assert set(logged) & {"zaak.lezen", "persoonsgegevens.lezen"}, (request_id, path, logged)


def test_the_run_reached_the_operations() -> None:
    """Not a run against a wrong base path: every documented operation was called, and
    answered with more than "not found" (runs after the generated tests, in file order)."""
    documented = {(op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations()}
    assert documented <= set(STATUSES), documented - set(STATUSES)
    unreached = {op: STATUSES[op] for op in documented if STATUSES[op] <= {404}}
    print(dict(STATUSES))
    assert not unreached, unreached
