# SPDX-License-Identifier: EUPL-1.2
"""The REST door: creditor intake on the real PostgreSQL, problem+json errors."""

from __future__ import annotations

import json
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
        "Nog niet opgepakt",  # in the werkvoorraad until a worker picks it up
        "Niet opgepakt: onterecht signaal",
        "Niet opgepakt: onterecht signaal",
    ]
    assert body["resultaten"][2]["fouten"] == [
        {"veld": "bedrag", "fout": "greater_than_equal", "uitleg": "Waarde is te klein."}
    ]
    again = client.post("/api/v1/signalen", json=msgs[:1], headers={"X-Api-Key": KEY})
    # A replay is told the status the signal has, at every door (vroegsignaal/feedback.py).
    assert again.json()["resultaten"][0] == {
        "positie": 0,
        "signaalId": msgs[0]["signaalId"],
        "status": "Nog niet opgepakt",
        "herhaling": True,
        "conflict": False,
        "fouten": [],
    }
    status = client.get(
        f"/api/v1/signalen/{msgs[0]['signaalId']}/status", headers={"X-Api-Key": KEY}
    )
    assert status.json() == {"signaalId": msgs[0]["signaalId"], "status": "Nog niet opgepakt"}


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
        ({"X-Api-Key": KEY}, {"geen": "lijst"}, 400, "GEEN_LIJST"),
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


def _post(client: TestClient, body: object | bytes) -> dict:
    if isinstance(body, bytes):
        headers = {"X-Api-Key": KEY, "Content-Type": "application/json"}
        res = client.post("/api/v1/signalen", content=body, headers=headers)
    else:
        res = client.post("/api/v1/signalen", json=body, headers={"X-Api-Key": KEY})
    assert res.status_code == 202, res.text
    return res.json()


def test_a_message_without_schuldeiser_is_a_contract_error_not_403(client: TestClient) -> None:
    """Field-case README: a missing schuldeiser got 403 "another creditor"."""
    msg = signaal()
    del msg["schuldeiser"]
    body = _post(client, [msg, signaal()])
    assert body["resultaten"][0]["fouten"][0]["veld"] == "schuldeiser"
    assert body["resultaten"][0]["fouten"][0]["fout"] == "missing"
    assert body["resultaten"][1]["status"] == "Nog niet opgepakt"


def test_each_unreadable_element_is_refused_on_its_own(client: TestClient) -> None:
    """A lone surrogate, a non-object, an oversized message: refused as at the other doors,
    the rest of the request taken in; a byte-order mark before the body is ignored."""
    good = signaal()
    raw = (
        b"\xef\xbb\xbf["
        + b'{"signaalId": "X-1", "opmerking": "\\ud800"},'
        + b"[1],"
        + b'{"opmerking": "' + b"x" * 70_000 + b'"},'
        + json.dumps(good).encode()
        + b"]"
    )
    body = _post(client, raw)
    assert [r["fouten"][0]["fout"] if r["fouten"] else r["status"] for r in body["resultaten"]] == [
        "GEEN_UTF8", "GEEN_OBJECT", "TE_GROOT_BERICHT", "Nog niet opgepakt"]


def test_same_id_other_content_is_a_conflict_and_the_stored_signal_stays(
    client: TestClient, pg_url: str
) -> None:
    import sqlalchemy as sa

    msg = signaal()
    assert _post(client, [msg])["resultaten"][0]["status"] == "Nog niet opgepakt"
    changed = dict(msg, bedrag=msg["bedrag"] + 500)
    again = _post(client, [changed, msg])["resultaten"]
    assert again[0]["conflict"] is True and again[0]["herhaling"] is False
    assert again[0]["status"] == "Nog niet opgepakt"  # what the stored signal has
    assert again[0]["fouten"][0]["fout"] == "andere_inhoud"
    assert again[1]["herhaling"] is True and again[1]["conflict"] is False
    engine = sa.create_engine(pg_url)
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT bedrag FROM signaal")).scalars().all() == [msg["bedrag"]]
        assert c.execute(sa.text("SELECT reden FROM intake_weigering")).scalars().all() == [
            "SIGNAALID_CONFLICT"]
    engine.dispose()


def test_a_creditor_can_ask_about_its_refused_signals(client: TestClient) -> None:
    refused = signaal(bedrag="1.000")
    objection = signaal(bezwaar=True)
    _post(client, [refused, objection])
    for msg in (refused, objection):
        res = client.get(f"/api/v1/signalen/{msg['signaalId']}/status",
                         headers={"X-Api-Key": KEY})
        assert res.json() == {"signaalId": msg["signaalId"],
                              "status": "Niet opgepakt: onterecht signaal"}


def test_an_id_outside_the_safe_alphabet_is_refused(client: TestClient) -> None:
    """Field-case README: an id with '/' was allowed but could not be looked up."""
    body = _post(client, [signaal(signaalId="WBV/2026/1")])
    assert body["resultaten"][0]["fouten"][0] == {
        "veld": "signaalId", "fout": "string_pattern_mismatch",
        "uitleg": "Waarde heeft niet de vorm die het contract voorschrijft (zie het JSON Schema).",
    }


def test_a_body_over_the_limit_is_refused_before_it_is_read(client: TestClient) -> None:
    from vroegsignaal.contract.decode import MAX_BODY_BYTES

    huge = b"[" + b" " * (MAX_BODY_BYTES + 10) + b"]"
    res = client.post("/api/v1/signalen", content=huge,
                      headers={"X-Api-Key": KEY, "Content-Type": "application/json"})
    assert res.status_code == 413
    assert res.headers["content-type"] == "application/problem+json"
    assert res.json()["code"] == "TE_GROOT_VERZOEK"

    def chunks():  # no Content-Length: counted while it arrives
        for _ in range(MAX_BODY_BYTES // (1 << 20) + 2):
            yield b" " * (1 << 20)

    res = client.post("/api/v1/signalen", content=chunks(),
                      headers={"X-Api-Key": KEY, "Content-Type": "application/json"})
    assert res.status_code == 413 and res.json()["code"] == "TE_GROOT_VERZOEK"


def test_the_batch_limit_and_body_are_in_the_openapi_document(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    body = spec["paths"]["/signalen"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["maxItems"] == 10_000
    assert body["schema"]["items"] == {"$ref": "#/components/schemas/SignaalBericht"}
    assert spec["components"]["schemas"]["SignaalBericht"]["properties"]["bedrag"]["type"] == (
        "integer")
    assert "413" in spec["paths"]["/signalen"]["post"]["responses"]


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
