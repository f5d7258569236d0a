# SPDX-License-Identifier: EUPL-1.2
"""The REST door: creditor intake on the real PostgreSQL, problem+json errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.accounts import register_creditor
from tests.factories import signaal
from vroegsignaal.config import get_settings

pytestmark = pytest.mark.integration
KEY = "test-sleutel-woonbedrijf"


@pytest.fixture
def client(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", pg_url)
    get_settings.cache_clear()
    register_creditor(pg_url, "WBV-TEST", key=KEY)
    from api.main import app

    with TestClient(app) as c:
        yield c
    get_settings.cache_clear()


def test_post_signals_then_replay(client: TestClient) -> None:
    msgs = [signaal(), signaal(bezwaar=True), signaal(bedrag=-5)]
    first = client.post("/api/v1/signalen", json=msgs, headers={"X-Api-Key": KEY})
    assert first.status_code == 202, first.text
    assert first.headers["API-Version"] == "1.0.0"
    body = first.json()
    assert [r["status"] for r in body["resultaten"]] == [
        "Opgepakt",
        "Niet opgepakt: onterecht signaal",
        "Niet opgepakt: onterecht signaal",
    ]
    assert body["resultaten"][2]["fouten"] == [{"veld": "bedrag", "fout": "greater_than_equal"}]
    again = client.post("/api/v1/signalen", json=msgs[:1], headers={"X-Api-Key": KEY})
    # A replay is told the status the signal has, at every door (vroegsignaal/feedback.py).
    assert again.json()["resultaten"][0] == {
        "positie": 0,
        "signaalId": msgs[0]["signaalId"],
        "status": "Opgepakt",
        "herhaling": True,
        "fouten": [],
    }
    status = client.get(
        f"/api/v1/signalen/{msgs[0]['signaalId']}/status", headers={"X-Api-Key": KEY}
    )
    assert status.json() == {"signaalId": msgs[0]["signaalId"], "status": "Opgepakt"}


def test_minimum_amount_reason_is_never_told(client: TestClient) -> None:
    msg = signaal(signaalpartner="Zorg", bedrag=10)
    res = client.post("/api/v1/signalen", json=[msg], headers={"X-Api-Key": KEY})
    assert res.json()["resultaten"][0]["status"] == "Niet opgepakt: andere reden"
    assert "MINIMUM" not in res.text.upper()


@pytest.mark.parametrize(
    ("headers", "body", "status", "code"),
    [
        ({}, [signaal()], 401, "NIET_GEAUTHENTICEERD"),
        ({"X-Api-Key": "fout"}, [signaal()], 401, "NIET_GEAUTHENTICEERD"),
        ({"X-Api-Key": KEY}, [signaal(schuldeiser="ANDER")], 403, "ANDERE_SCHULDEISER"),
        ({"X-Api-Key": KEY}, [], 400, "LEGE_LEVERING"),
        ({"X-Api-Key": KEY}, {"geen": "lijst"}, 400, "ONGELDIG_VERZOEK"),
    ],
)
def test_errors_are_problem_json(
    client: TestClient, headers: dict, body: object, status: int, code: str
) -> None:
    res = client.post("/api/v1/signalen", json=body, headers=headers)
    assert res.status_code == status
    assert res.headers["content-type"] == "application/problem+json"
    problem = res.json()
    assert problem["status"] == status and problem["code"] == code and problem["detail"]


def test_other_creditors_signal_is_not_found(client: TestClient) -> None:
    res = client.get("/api/v1/signalen/ONBEKEND-1/status", headers={"X-Api-Key": KEY})
    assert res.status_code == 404 and res.json()["code"] == "NIET_GEVONDEN"


def test_health(client: TestClient) -> None:
    assert client.get("/api/v1/health").json() == {"status": "ok"}
    assert client.get("/api/v1/health/ready").json() == {"status": "ok"}


def test_metrics_count_what_the_rest_door_committed(client: TestClient) -> None:
    """The API counts from the core's events after commit (api/metrics.py), not in routes."""

    def counted(reden: str) -> float:
        line = f'vroegsignaal_intake_signalen_total{{bron="api",reden="{reden}"}} '
        text = client.get("/metrics").text
        return next((float(x.split()[-1]) for x in text.splitlines() if x.startswith(line)), 0)

    before = counted("OPGEPAKT"), counted("BEZWAAR")
    msgs = [signaal(signaalId="M-1"), signaal(signaalId="M-2", bezwaar=True)]
    res = client.post("/api/v1/signalen", json=msgs, headers={"X-Api-Key": KEY})
    assert res.status_code == 202
    assert (counted("OPGEPAKT"), counted("BEZWAAR")) == (before[0] + 1, before[1] + 1)
    refused = client.post("/api/v1/signalen", json=[signaal(schuldeiser="ANDER")],
                          headers={"X-Api-Key": KEY})
    assert refused.status_code == 403  # nothing committed: nothing counted
    assert counted("OPGEPAKT") == before[0] + 1
    assert "/metrics" not in client.get("/api/v1/openapi.json").json()["paths"]
