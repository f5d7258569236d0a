# SPDX-License-Identifier: EUPL-1.2
"""The rights matrix, generated from the application's route table (issue 10).

Every route under /api/v1 must have an entry in `MATRIX`: who may call it (200-class), and
what everyone else gets. For each route the test calls it as anonymous, with an expired
session, as every role, and on a resource of the own and of a foreign municipality, team
or creditor, and checks the documented answer: 401 without a valid session, 403 for a
role that may never, 404 for what is not yours to know of, and, in every refusal, nothing
of the resource in the body. A route without an entry fails the test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from api.main import create_app
from tests.casework import AMSTERDAM, World, new_zaak
from tests.factories import signaal
from tests.integration.casework.conftest import AuditedClient
from vroegsignaal.cases import werkbakjes
from vroegsignaal.cases.werkvoorraad import WerkvoorraadFilter
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.retention.grounds import Bewaargrond, record_ground

pytestmark = pytest.mark.integration

ROLES = ("schuldhulpverlener", "teamleider", "manager", "admin", "zonder-rol")
WORKERS = {"schuldhulpverlener", "teamleider"}
PUBLIC = {("GET", "/api/v1/health"), ("GET", "/api/v1/health/ready")}


@dataclass(frozen=True)
class Entry:
    """Who gets a 2xx (`allowed`); a role outside it gets `refused` (403 unless said)."""

    allowed: frozenset[str]
    body: Callable[[Any], dict[str, Any] | None] = lambda ctx: None
    # A foreign resource (another municipality's zaak, another team's werkbakje): 404.
    scoped: bool = True
    ok: frozenset[int] = frozenset({200, 201, 204})


def _zaak_body(extra: dict[str, Any]) -> Callable[[Any], dict[str, Any]]:
    return lambda ctx: extra


MATRIX: dict[tuple[str, str], Entry] = {
    ("GET", "/api/v1/werkvoorraad"): Entry(frozenset(WORKERS), scoped=False),
    ("GET", "/api/v1/zaken/{zaakId}"): Entry(frozenset(WORKERS)),
    ("GET", "/api/v1/zaken/{zaakId}/persoonsgegevens"): Entry(frozenset(WORKERS)),
    ("POST", "/api/v1/zaken/{zaakId}/contactpogingen"): Entry(
        frozenset(WORKERS),  # on a zaak the schuldhulpverlener picked up (`resources`)
        _zaak_body({"soort": "Telefoon", "tijdstip": "2026-03-20T10:00:00+01:00",
                    "bereikt": False})),
    ("POST", "/api/v1/zaken/{zaakId}/toewijzing-aan-mij"): Entry(frozenset(WORKERS),
                                                                  _zaak_body({})),
    ("PUT", "/api/v1/zaken/{zaakId}/toewijzing"): Entry(
        frozenset({"teamleider"}), lambda ctx: {"teamId": ctx.world.teams["utrecht"]}),
    ("DELETE", "/api/v1/zaken/{zaakId}/toewijzing"): Entry(frozenset(WORKERS)),
    ("POST", "/api/v1/zaken/toewijzingen"): Entry(
        frozenset({"teamleider"}), lambda ctx: {"zaakIds": [ctx.zaak],
                                                "teamId": ctx.world.teams["utrecht"]},
        scoped=False),
    ("POST", "/api/v1/zaken/{zaakId}/afsluiting"): Entry(
        frozenset(WORKERS), _zaak_body({"eindresultaat": "Geen reactie na eerder contact"})),
    ("POST", "/api/v1/zaken/{zaakId}/heropening"): Entry(frozenset(WORKERS), _zaak_body({})),
    ("POST", "/api/v1/zaken/{zaakId}/bewaargronden"): Entry(
        frozenset({"teamleider"}),
        _zaak_body({"grond": "Bezwaar, beroep of klacht loopt",
                    "geldigTot": (dt.date.today() + dt.timedelta(days=365)).isoformat()})),
    ("DELETE", "/api/v1/zaken/{zaakId}/bewaargronden/{bewaargrondId}"): Entry(
        frozenset({"teamleider"})),
    ("GET", "/api/v1/werkbakjes"): Entry(frozenset(WORKERS), scoped=False),
    ("POST", "/api/v1/werkbakjes"): Entry(
        frozenset({"teamleider"}),
        lambda ctx: {"teamId": ctx.world.teams["utrecht"], "naam": f"n{ctx.n}", "filter": {}},
        scoped=False),
    ("GET", "/api/v1/werkbakjes/{werkbakjeId}"): Entry(frozenset(WORKERS)),
    ("DELETE", "/api/v1/werkbakjes/{werkbakjeId}"): Entry(frozenset({"teamleider"})),
    ("GET", "/api/v1/overzicht"): Entry(frozenset({"manager", "teamleider"}), scoped=False),
    ("GET", "/api/v1/beheer/gemeenten/{gemeentecode}/drempels"): Entry(frozenset({"admin"})),
    ("PUT", "/api/v1/beheer/gemeenten/{gemeentecode}/drempels"): Entry(
        frozenset({"admin"}), lambda ctx: ctx.drempels),
    ("GET", "/api/v1/beheer/auditlog"): Entry(frozenset({"admin"}), scoped=False),
    # Creditors: an API key, never a session; a foreign creditor's signal is not found.
    ("POST", "/api/v1/signalen"): Entry(frozenset({"schuldeiser"}), scoped=False,
                                        ok=frozenset({202})),
    ("GET", "/api/v1/signalen/{signaal_id}/status"): Entry(frozenset({"schuldeiser"})),
}


def _routes() -> list[tuple[str, str]]:
    app = create_app()
    out = []
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path.startswith("/api/v1"):
            out += [(m, route.path) for m in sorted(route.methods - {"HEAD", "OPTIONS"})]
    return out


def test_every_route_has_an_entry() -> None:
    missing = [r for r in _routes() if r not in MATRIX and r not in PUBLIC]
    assert not missing, f"routes without a rights-matrix entry: {missing}"
    stale = [k for k in MATRIX if k not in _routes()]
    assert not stale, f"matrix entries without a route: {stale}"


class Ctx:
    def __init__(self, world: World) -> None:
        self.world = world
        self.zaak = 0
        self.n = 0
        self.drempels: dict[str, Any] = {}


CREDITOR_KEYS = {"WBV-TEST": "sleutel-eigen", "WBV-ANDER": "sleutel-ander"}


@pytest.fixture
def creditors(monkeypatch: pytest.MonkeyPatch) -> None:
    from vroegsignaal.config import get_settings

    monkeypatch.setenv("VROEGSIGNAAL_API_KEYS", json.dumps(
        {code: hashlib.sha256(key.encode()).hexdigest() for code, key in CREDITOR_KEYS.items()}))
    get_settings.cache_clear()


def _leaks(body: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s and s in body]


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX))
def test_rights(method: str, path: str, api: AuditedClient, pg_session: Session, world: World,
                creditors: None) -> None:
    entry = MATRIX[(method, path)]
    ctx = Ctx(world)
    admin = world.principal(pg_session, "admin")
    from vroegsignaal.eligibility.admin import get_thresholds

    ctx.drempels = get_thresholds(pg_session, admin, "GM0344").model_dump(by_alias=True,
                                                                           mode="json")
    lead = world.principal(pg_session, "teamleider")
    lead_a = world.principal(pg_session, "teamleider-amsterdam")
    # A fresh own and foreign resource per call: one call must not spoil the next.
    def resources() -> tuple[dict[str, str], dict[str, str], list[str]]:
        ctx.n += 1
        own_zaak = new_zaak(pg_session)
        foreign_zaak = new_zaak(pg_session, AMSTERDAM)
        ctx.zaak = own_zaak
        if path.endswith("/heropening"):
            from vroegsignaal.cases.closing import close
            from vroegsignaal.contract.enums import Eindresultaat

            for z, who in ((own_zaak, lead), (foreign_zaak, lead_a)):
                close(pg_session, who, z, Eindresultaat.GEEN_CONTACT)
        if path.endswith("/contactpogingen"):
            from vroegsignaal.cases.assignment import claim

            claim(pg_session, world.principal(pg_session, "schuldhulpverlener"), own_zaak)
            claim(pg_session, world.principal(pg_session, "amsterdammer"), foreign_zaak)
        grounds = {"own": "0", "foreign": "0"}
        if "{bewaargrondId}" in path:
            until = dt.date.today() + dt.timedelta(days=365)
            for key, z, who in (("own", own_zaak, lead), ("foreign", foreign_zaak, lead_a)):
                grounds[key] = str(record_ground(pg_session, who, z, Bewaargrond.PROCEDURE,
                                                 until))
        own_tray = werkbakjes.create_tray(pg_session, lead, team_id=world.teams["utrecht"],
                                          naam=f"eigen{ctx.n}", filters=WerkvoorraadFilter())
        foreign_tray = werkbakjes.create_tray(pg_session, lead_a,
                                              team_id=world.teams["amsterdam"],
                                              naam=f"ander{ctx.n}", filters=WerkvoorraadFilter())
        sig = signaal(schuldeiser="WBV-TEST", signaalId=f"EIGEN-{ctx.n}")
        other = signaal(schuldeiser="WBV-ANDER", signaalId=f"ANDER-{ctx.n}")
        run_intake([sig, other], session=pg_session, source="test")
        own = {"zaakId": str(own_zaak), "werkbakjeId": str(own_tray.id),
               "gemeentecode": "GM0344", "signaal_id": sig["signaalId"],
               "bewaargrondId": grounds["own"]}
        foreign = {"zaakId": str(foreign_zaak), "werkbakjeId": str(foreign_tray.id),
                   "gemeentecode": AMSTERDAM, "signaal_id": other["signaalId"],
                   "bewaargrondId": grounds["foreign"]}
        secrets = [f"ander{ctx.n}", other["signaalId"], "Testhuizen", "Proefstraat"]
        return own, foreign, secrets

    def call(who: str | None, ids: dict[str, str], expired: bool = False) -> Any:
        url = path.format(**{k: v for k, v in ids.items() if "{" + k + "}" in path})
        headers: dict[str, str] = {}
        if who == "schuldeiser":
            headers["X-Api-Key"] = CREDITOR_KEYS["WBV-TEST"]
        elif expired:
            headers = api.as_user("verlopen")
        elif who:
            headers = api.as_user(who)
        params = {"zaakId": ids["zaakId"]} if path.endswith("/auditlog") else None
        body = entry.body(ctx)
        if path == "/api/v1/signalen":
            body = [signaal(schuldeiser="WBV-TEST")]  # type: ignore[assignment]
        return api.request(method, url, headers=headers, params=params,
                           json=body if method in ("POST", "PUT") else None)

    def refused(r: Any, status: int, secrets: list[str]) -> None:
        assert r.status_code == status, (method, path, r.status_code, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert not _leaks(r.text, secrets), r.text
        # Nothing but the problem itself: no resource fields, no ids in the detail.
        body = r.json()
        assert set(body) <= {"type", "title", "status", "detail", "code"}, body
        assert body["detail"] == body["title"], body

    own, foreign, secrets = resources()
    for who, expired in ((None, False), ("schuldhulpverlener", True)):
        r = call(who, own, expired)
        refused(r, 401, secrets)
    callers = [*ROLES, "schuldeiser"]
    for role in callers:
        own, foreign, secrets = resources()
        if role not in entry.allowed:
            # A session is no API key and an API key no session: both are unauthenticated.
            wrong_door = (role == "schuldeiser") != ("schuldeiser" in entry.allowed)
            refused(call(role, own), 401 if wrong_door else 403, secrets)
            continue
        r = call(role, own)
        assert r.status_code in entry.ok, (method, path, role, r.status_code, r.text)
        if entry.scoped:
            refused(call(role, foreign), 404, secrets)
