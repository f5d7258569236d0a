# SPDX-License-Identifier: EUPL-1.2
"""The DDAS delivery (issue 12 item 4): the file of synthetic demo data validates against
the v1.2 schema as a whole, a broken delivery is refused (no file, no response), the
pull API's pages together are the file, and its signature verifies with the public
certificate and fails when one byte changes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from sqlalchemy import func, select, update

from api.main import create_app
from tests.integration.ddas.conftest import GEMEENTE, DdasWorld
from vroegsignaal.ddas import signing, status
from vroegsignaal.ddas.delivery import DeliveryInvalid, DeliverySpec, write_delivery_file
from vroegsignaal.ddas.validation import schema
from vroegsignaal.storage.db import session_factory
from vroegsignaal.storage.tables import DdasLevering, Signaal, Zaak

pytestmark = pytest.mark.integration
SPEC = DeliverySpec(GEMEENTE, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
REQUEST = {"aanleverperiodeStartdatum": "2026-01-01", "aanleverperiodeEinddatum": "2026-03-31",
           "aanleverendeOrganisatie": GEMEENTE}


def _file(world: DdasWorld, path: Path) -> dict[str, Any]:
    with session_factory(world.url)() as session:
        write_delivery_file(session, SPEC, path)
    return dict(json.loads(path.read_bytes()))


def _signed(world: DdasWorld, body: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    raw = orjson.dumps(body)
    signer = signing.Signer.from_files(*world.cbs_signer_files, kid="cbs-test")
    return raw, {**signer.sign(raw), "Authorization": f"Bearer {world.token()}",
                 "Content-Type": "application/json"}


def test_delivery_file_validates_as_a_whole(ddas_world: DdasWorld, tmp_path: Path) -> None:
    doc = _file(ddas_world, tmp_path / "levering.json")
    full = Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(full.iter_errors(doc)) == []
    levering = doc["leveringen"][0]
    with session_factory(ddas_world.url)() as session:
        signals = session.scalar(select(func.count()).select_from(Signaal).where(
            Signaal.gemeentecode == GEMEENTE, Signaal.signaaldatum.between(SPEC.van, SPEC.tot)))
        zaken = session.scalar(select(func.count()).select_from(Zaak))
    assert len(levering["vroegsignalen"]) == signals > 100
    assert len(levering["vroegsignaalzaken"]) == zaken
    assert any(z.get("resultaat") for z in levering["vroegsignaalzaken"])
    assert all(z["contactpogingen"] for z in levering["vroegsignaalzaken"])
    client = levering["vroegsignalen"][0]["client"]
    assert set(client) <= {"postcode", "huisnummer", "huisnummertoevoeging", "geboortedatum"}


def test_a_broken_delivery_is_refused_everywhere(ddas_world: DdasWorld, tmp_path: Path) -> None:
    with session_factory(ddas_world.url)() as session:
        broken, partner = session.execute(
            select(Signaal.id, Signaal.signaalpartner).where(Signaal.gemeentecode == GEMEENTE)
            .order_by(Signaal.id).limit(1)).one()
        # A creditor type outside DDAS's EnumSignaalpartner (as a bad migration might leave).
        session.execute(update(Signaal).where(Signaal.id == broken)
                        .values(signaalpartner="Gemeentebelasting"))
        session.commit()
        target = tmp_path / "kapot.json"
        with pytest.raises(DeliveryInvalid) as refused:
            write_delivery_file(session, SPEC, target)
    assert not target.exists() and list(tmp_path.iterdir()) == []
    report = refused.value.report.as_dict()
    assert report["schendingen"] == 1
    assert report["eerste_schendingen"][0]["pad"] == "/signaalpartner/type"
    assert "Gemeentebelasting" not in json.dumps(report)  # locations, never values
    raw, headers = _signed(ddas_world, REQUEST)
    response = TestClient(create_app()).post("/ddas/v1/gegevens", content=raw, headers=headers)
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "vroegsignalen" not in response.text
    with session_factory(ddas_world.url)() as session:
        with pytest.raises(DeliveryInvalid):
            status.export_file(session, SPEC, target)
        assert not target.exists()
        # Both refusals are in the delivery status the manager sees: counts, no values.
        logged = session.execute(select(DdasLevering.soort, DdasLevering.geldig,
                                        DdasLevering.schendingen)
                                 .order_by(DdasLevering.id.desc()).limit(2)).all()
        assert sorted(logged) == [("bestand", False, 1), ("ophaal", False, 1)]
        session.execute(update(Signaal).where(Signaal.id == broken).values(signaalpartner=partner))
        session.commit()


def test_pages_together_are_the_file_and_are_signed(ddas_world: DdasWorld,
                                                    tmp_path: Path) -> None:
    whole = _file(ddas_world, tmp_path / "levering.json")["leveringen"][0]
    client = TestClient(create_app())
    signals: list[Any] = []
    zaken: list[Any] = []
    page, total = 1, None
    anchors = [ddas_world.municipality_ca.cert]
    while total is None or page <= total:
        raw, headers = _signed(ddas_world, {**REQUEST, "page": page, "pageSize": 40})
        response = client.post("/ddas/v1/gegevens", content=raw, headers=headers)
        assert response.status_code == 200, response.text
        body = response.content
        signing.verify(body, response.headers["Digest"],
                       response.headers["nlgov-adr-payload-sig"], anchors=anchors)
        answer = json.loads(body)
        total = answer["paginering"]["totalPages"]
        assert answer["paginering"]["totalRecords"] == len(whole["vroegsignalen"])
        assert answer["paginering"]["currentPage"] == page
        assert len(answer["gegevens"]["leveringen"][0]["vroegsignalen"]) <= 40
        signals += answer["gegevens"]["leveringen"][0]["vroegsignalen"]
        zaken += answer["gegevens"]["leveringen"][0]["vroegsignaalzaken"]
        page += 1
    assert total > 1
    assert signals == whole["vroegsignalen"]
    assert zaken == whole["vroegsignaalzaken"]
    # One changed byte of the last body and the signature no longer verifies.
    changed = bytearray(body)
    changed[len(changed) // 2] ^= 0x01
    with pytest.raises(signing.SignatureInvalid):
        signing.verify(bytes(changed), response.headers["Digest"],
                       response.headers["nlgov-adr-payload-sig"], anchors=anchors)
    # A page past the last: no data, still the paging (DDAS non-functionals).
    raw, headers = _signed(ddas_world, {**REQUEST, "page": total + 1, "pageSize": 40})
    past = client.post("/ddas/v1/gegevens", content=raw, headers=headers).json()
    assert past["gegevens"]["leveringen"][0]["vroegsignalen"] == []
    assert past["paginering"]["currentPage"] == total + 1


def test_who_may_call_and_what_is_refused(ddas_world: DdasWorld, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(create_app())
    raw, headers = _signed(ddas_world, REQUEST)
    no_token = client.post("/ddas/v1/gegevens", content=raw, headers={
        k: v for k, v in headers.items() if k != "Authorization"})
    assert no_token.status_code == 401
    assert no_token.headers["Fsc-Error-Code"] == "ERROR_CODE_ACCESS_TOKEN_MISSING"
    assert no_token.headers["WWW-Authenticate"] == "Bearer"
    assert no_token.json()["domain"] == "ERROR_DOMAIN_INWAY"
    token = headers["Authorization"][7:]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    bad = client.post("/ddas/v1/gegevens", content=raw,
                      headers={**headers, "Authorization": f"Bearer {forged}"})
    assert bad.status_code == 401
    assert bad.headers["Fsc-Error-Code"] == "ERROR_CODE_ACCESS_TOKEN_INVALID"
    unsigned = client.post("/ddas/v1/gegevens", content=raw, headers={
        **headers, "nlgov-adr-payload-sig": "e30..c2ln"})
    assert unsigned.status_code == 400
    assert unsigned.json()["code"] == "HANDTEKENING_ONGELDIG"
    raw2, headers2 = _signed(ddas_world, {**REQUEST, "aanleverendeOrganisatie": "GM0363"})
    assert client.post("/ddas/v1/gegevens", content=raw2, headers=headers2).status_code == 422
    raw3, headers3 = _signed(ddas_world, {**REQUEST, "onbekend": 1})
    assert client.post("/ddas/v1/gegevens", content=raw3, headers=headers3).status_code == 400
    monkeypatch.setenv("VROEGSIGNAAL_DDAS_OAUTH_CLIENTS", '["iemand-anders"]')
    from vroegsignaal.config import get_settings

    get_settings.cache_clear()
    try:
        forbidden = client.post("/ddas/v1/gegevens", content=raw, headers=headers)
    finally:
        monkeypatch.delenv("VROEGSIGNAAL_DDAS_OAUTH_CLIENTS")
        get_settings.cache_clear()
    assert forbidden.status_code == 403
    assert forbidden.headers["Fsc-Error-Code"] == "ERROR_CODE_WRONG_GROUP_ID_IN_TOKEN"


def test_command_line_writes_file_and_report(ddas_world: DdasWorld, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cli import app

    out = tmp_path / "GM0344.json"
    result = CliRunner().invoke(app, ["export-ddas", "--gemeente", GEMEENTE, "--van",
                                      "2026-01-01", "--tot", "2026-03-31", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "GM0344.json.rapport.json").read_text())
    assert report["geldig"] is True
    assert report["vroegsignalen"] == len(json.loads(out.read_bytes())["leveringen"][0][
        "vroegsignalen"])
