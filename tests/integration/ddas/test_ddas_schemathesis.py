# SPDX-License-Identifier: EUPL-1.2
"""Schemathesis against the pull API's OpenAPI document (VNG DDAS-VS.yaml's interface):
generated GegevensRequests, signed like CBS signs them and sent with a real Keycloak token;
every answer must conform to the document (status, headers, problem shapes, the exchange
model) and none may be a server error.

Hypothesis is derandomized and bounded (`MAX_EXAMPLES`), so a run is repeatable.
"""

from __future__ import annotations

import orjson
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.core import NOT_SET
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.main import create_app
from tests.integration.ddas.conftest import DdasWorld
from vroegsignaal.ddas import signing

pytestmark = pytest.mark.integration
MAX_EXAMPLES = 40
APP = create_app()
schema = schemathesis.openapi.from_asgi("/ddas/v1/openapi.json", APP)
STATUSES: set[int] = set()


TOKENS: dict[str, str] = {}


def _token(world: DdasWorld) -> str:
    """One access token for the run (it outlives it: the realm's lifespan is minutes)."""
    if world.url not in TOKENS:
        TOKENS[world.url] = world.token()
    return TOKENS[world.url]


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_pull_api_conforms_to_its_document(case: schemathesis.Case,
                                           ddas_world: DdasWorld) -> None:
    # Sent as the exact bytes that are signed; a case without a body sends none.
    if case.body is NOT_SET:
        raw = b""
    elif isinstance(case.body, bytes):
        raw = case.body
    else:
        raw = orjson.dumps(case.body)
    signer = signing.Signer.from_files(*ddas_world.cbs_signer_files, kid="cbs-test")
    headers = {"Authorization": f"Bearer {_token(ddas_world)}",
               "Content-Type": "application/json"}
    signed = signer.sign(raw)
    generated = {k.lower(): v for k, v in (case.headers or {}).items()}
    negative_headers = case.meta is not None and case.meta.is_negative_at(
        ParameterLocation.HEADER)
    for name, value in signed.items():
        # A case that means a missing or malformed signature header sends what it made;
        # every other case is signed as CBS signs, so it can reach the data.
        if not negative_headers:
            headers[name] = value
        elif name.lower() in generated:
            headers[name] = generated[name.lower()]
    response = TestClient(APP).request(case.method, "/ddas/v1/gegevens", content=raw,
                                       headers=headers)
    STATUSES.add(response.status_code)
    assert response.status_code < 500, response.text[:300]
    # A schema-valid request for an organisation this installation does not deliver for,
    # or with its start after its end, is DDAS-VS.yaml's 422 ("inhoudelijk niet
    # verwerkbaar"): schemathesis's heuristic that valid data is accepted does not apply.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])


def test_the_run_got_data_and_refusals() -> None:
    """Not a run that only met errors: generated requests got pages and refusals."""
    assert 200 in STATUSES and STATUSES & {400, 422}, STATUSES
