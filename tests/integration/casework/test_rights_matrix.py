# SPDX-License-Identifier: EUPL-1.2
"""The rights matrix, generated from the application's route table (issue 10).

Every route under /api/v1 must have an entry in `MATRIX`: who may call it (2xx), and what
everyone else gets. For each route the test calls it as anonymous, with an expired
session, with a login whose second factor is still due, as every role, as a creditor with
an API key, and on a resource of the own and of a foreign municipality, team or creditor,
and checks the documented answer: 401 without a valid (complete) session or key, 403 for
a role that may never, 404 for what is not yours to know of, and, in every refusal,
nothing of the resource in the body. A state-changing call without the CSRF token, or
from another origin, is refused (403). A route without an entry fails the test.

Everyone logs in through the real login (POST /sessies, TOTP for the admin: the admin's
second factor is always required); no dependency of the app is overridden. The roles'
sessions last for the module (one database); a call that ends or replaces the caller's
session (logout, a new login, the OIDC callback) logs in afresh. The last test checks the
audit chain after all of it with `vroegsignaal audit verify`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from api.main import create_app
from cli import app as cli_app
from tests.accounts import (
    OPERATOR,
    PASSWORD,
    TestAccount,
    current_code,
    login,
    make_user,
    oidc_env,
    register_creditor,
)
from tests.casework import AMSTERDAM, UTRECHT, World, build_world, new_zaak
from tests.factories import signaal
from tests.oidc import KeycloakRealm
from vroegsignaal.accounts import api_keys, teams, users
from vroegsignaal.accounts.principal import UserRole
from vroegsignaal.accounts.sessions import COOKIE_NAME, token_hash
from vroegsignaal.cases import werkbakjes
from vroegsignaal.cases.werkvoorraad import WerkvoorraadFilter
from vroegsignaal.config import get_settings
from vroegsignaal.dates import utc_now
from vroegsignaal.eligibility.admin import get_thresholds
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.retention.grounds import Bewaargrond, record_ground
from vroegsignaal.storage.db import session_factory, session_scope
from vroegsignaal.storage.seed import prepare_database
from vroegsignaal.storage.tables import Adreskoppeling, AuditLog, Sessie

pytestmark = pytest.mark.integration

ROLES = ("schuldhulpverlener", "teamleider", "manager", "admin", "zonder-rol")
WORKERS = frozenset({"schuldhulpverlener", "teamleider"})
ADMIN = frozenset({"admin"})
KPI_READERS = frozenset({"manager", "admin"})
EVERY_ROLE = frozenset(ROLES)
PUBLIC = {("GET", "/api/v1/health"), ("GET", "/api/v1/health/ready"),
          ("GET", "/api/v1/docs")}  # the Swagger UI page: static, the same for everyone
# A login whose TOTP code is still due, and one that must set TOTP up first.
HALFWAY, ENROLLING = "halverwege", "inschrijver"
BASE_URL = "https://testserver"  # the session cookie is Secure
CSRF_REFUSED = "CSRF_CONTROLE_MISLUKT"
_unique = itertools.count(1)


@dataclass(frozen=True)
class Entry:
    """Who gets a 2xx (`allowed`); a role outside it gets `others` (403 unless said).

    `door`: "sessie" (a complete login), "api-sleutel" (a creditor's key) or "open" (the
    login itself: every caller gets `ok`). `fresh`: the call ends or replaces the caller's
    session, so each caller logs in for it. `scoped`: a foreign resource answers
    `foreign` (404: it must not confirm what exists; 403 for the KPIs of a municipality,
    whose existence is public).
    """

    allowed: frozenset[str]
    body: Callable[[Ctx], Any] = lambda ctx: None
    scoped: bool = True
    ok: frozenset[int] = frozenset({200, 201, 204})
    door: Literal["sessie", "api-sleutel", "open"] = "sessie"
    others: int = 403
    fresh: bool = False
    foreign: int = 404


def _fixed(body: dict[str, Any]) -> Callable[[Ctx], dict[str, Any]]:
    return lambda ctx: body


def _login_body(ctx: Ctx) -> dict[str, str]:
    return {"gebruikersnaam": "collega", "wachtwoord": PASSWORD}


def _totp_body(ctx: Ctx) -> dict[str, str]:
    return {"code": current_code(ctx.rig.halfway.totp_secret or "")}


def _new_user(ctx: Ctx) -> dict[str, str]:
    n = next(_unique)
    return {"gebruikersnaam": f"nieuw-{n}", "weergavenaam": "Nieuw", "gemeentecode": UTRECHT}


OPEN = frozenset({"iedereen"})  # door "open": every caller gets `ok`
MATRIX: dict[tuple[str, str], Entry] = {
    # Case work (workers, teamleiders, managers, admins).
    ("GET", "/api/v1/werkvoorraad"): Entry(WORKERS, scoped=False),
    ("GET", "/api/v1/zaken/{zaakId}"): Entry(WORKERS),
    ("GET", "/api/v1/zaken/{zaakId}/persoonsgegevens"): Entry(WORKERS),
    ("POST", "/api/v1/zaken/{zaakId}/contactpogingen"): Entry(
        WORKERS,  # on a zaak the schuldhulpverlener picked up (`resources`)
        _fixed({"soort": "Telefoon", "tijdstip": "2026-03-20T10:00:00+01:00",
                "bereikt": False})),
    ("POST", "/api/v1/zaken/{zaakId}/toewijzing-aan-mij"): Entry(WORKERS, _fixed({})),
    ("PUT", "/api/v1/zaken/{zaakId}/toewijzing"): Entry(
        frozenset({"teamleider"}), lambda ctx: {"teamId": ctx.world.teams["utrecht"]}),
    ("DELETE", "/api/v1/zaken/{zaakId}/toewijzing"): Entry(WORKERS),
    ("POST", "/api/v1/zaken/toewijzingen"): Entry(
        frozenset({"teamleider"}), lambda ctx: {"zaakIds": [ctx.zaak],
                                                "teamId": ctx.world.teams["utrecht"]},
        scoped=False),
    ("POST", "/api/v1/zaken/{zaakId}/afsluiting"): Entry(
        WORKERS, _fixed({"eindresultaat": "Geen reactie na eerder contact"})),
    ("POST", "/api/v1/zaken/{zaakId}/heropening"): Entry(WORKERS, _fixed({})),
    ("POST", "/api/v1/zaken/{zaakId}/bewaargronden"): Entry(
        frozenset({"teamleider"}),
        _fixed({"grond": "Bezwaar, beroep of klacht loopt",
                "geldigTot": (dt.date.today() + dt.timedelta(days=365)).isoformat()})),
    ("DELETE", "/api/v1/zaken/{zaakId}/bewaargronden/{bewaargrondId}"): Entry(
        frozenset({"teamleider"})),
    ("GET", "/api/v1/werkbakjes"): Entry(WORKERS, scoped=False),
    ("POST", "/api/v1/werkbakjes"): Entry(
        frozenset({"teamleider"}),
        lambda ctx: {"teamId": ctx.world.teams["utrecht"], "naam": f"n{next(_unique)}",
                     "filter": {}},
        scoped=False),
    ("GET", "/api/v1/werkbakjes/{werkbakjeId}"): Entry(WORKERS),
    ("DELETE", "/api/v1/werkbakjes/{werkbakjeId}"): Entry(frozenset({"teamleider"})),
    ("GET", "/api/v1/overzicht"): Entry(frozenset({"manager", "teamleider"}), scoped=False),
    ("GET", "/api/v1/beheer/gemeenten/{gemeentecode}/drempels"): Entry(ADMIN),
    ("PUT", "/api/v1/beheer/gemeenten/{gemeentecode}/drempels"): Entry(
        ADMIN, lambda ctx: ctx.drempels),
    ("GET", "/api/v1/beheer/auditlog"): Entry(ADMIN, scoped=False),
    # KPIs (managers and admins, aggregates of the municipalities they serve). A region's
    # figures need every municipality of it: the world's people serve Utrecht only, so
    # nobody here reads U16's (the allowed case is in tests/integration/api/test_kpi_api.py).
    ("GET", "/api/v1/kpi/gemeenten/{gemeentecode}"): Entry(KPI_READERS, foreign=403),
    ("GET", "/api/v1/kpi/gemeenten/{gemeentecode}/tabellen/{tabel}"): Entry(
        KPI_READERS, foreign=403),
    ("GET", "/api/v1/kpi/regios/{regio}"): Entry(frozenset(), scoped=False),
    # The comparison within the region: its published cells, for a manager or admin of any
    # of its municipalities (the region is one protection unit: vroegsignaal/kpi/access.py).
    ("GET", "/api/v1/kpi/regios/{regio}/vergelijking"): Entry(KPI_READERS, scoped=False),
    ("GET", "/api/v1/kpi/regios/{regio}/tabellen/{tabel}"): Entry(frozenset(), scoped=False),
    # "Mogelijk hetzelfde adres": workers of the municipality decide; another
    # municipality's link is not found.
    ("GET", "/api/v1/adreskoppelingen"): Entry(WORKERS, scoped=False),
    ("POST", "/api/v1/adreskoppelingen/{koppelingId}/bevestigen"): Entry(WORKERS),
    ("POST", "/api/v1/adreskoppelingen/{koppelingId}/scheiden"): Entry(WORKERS),
    # Creditors: an API key, never a session; a foreign creditor's signal is not found.
    ("POST", "/api/v1/signalen"): Entry(
        frozenset({"schuldeiser"}), lambda ctx: [signaal(schuldeiser="WBV-TEST")],
        scoped=False, ok=frozenset({202}), door="api-sleutel"),
    ("GET", "/api/v1/signalen/{signaal_id}/status"): Entry(
        frozenset({"schuldeiser"}), door="api-sleutel"),
    # Login and logout. Logging in is open to every caller (a session the browser still
    # presents ends); the OIDC start redirects to the identity provider, its callback
    # without a login under way is refused; the TOTP steps are for a login halfway, and
    # a complete login is past them (409).
    ("POST", "/api/v1/sessies"): Entry(
        OPEN, _login_body, scoped=False, ok=frozenset({201}), door="open", fresh=True),
    ("GET", "/api/v1/sessies/oidc"): Entry(
        OPEN, scoped=False, ok=frozenset({302}), door="open"),
    ("GET", "/api/v1/sessies/oidc/terugkeer"): Entry(
        OPEN, scoped=False, ok=frozenset({401}), door="open", fresh=True),
    ("POST", "/api/v1/sessies/huidige/totp-inschrijving"): Entry(
        frozenset({ENROLLING}), scoped=False, others=409, fresh=True),
    ("POST", "/api/v1/sessies/huidige/totp"): Entry(
        frozenset({HALFWAY}), _totp_body, scoped=False, others=409, fresh=True),
    ("GET", "/api/v1/sessies/huidige"): Entry(EVERY_ROLE, scoped=False),
    ("DELETE", "/api/v1/sessies/huidige"): Entry(
        EVERY_ROLE | {HALFWAY}, scoped=False, fresh=True),
    # Administration (admins only): users and teams within the admin's municipalities
    # (another municipality's: 404); creditors are the deployment's (every admin keeps
    # them), a key of another creditor is not found under this one.
    ("GET", "/api/v1/beheer/gebruikers"): Entry(ADMIN, scoped=False),
    ("POST", "/api/v1/beheer/gebruikers"): Entry(ADMIN, _new_user, scoped=False),
    ("GET", "/api/v1/beheer/gebruikers/{gebruiker_id}"): Entry(ADMIN),
    ("PATCH", "/api/v1/beheer/gebruikers/{gebruiker_id}"): Entry(
        ADMIN, _fixed({"weergavenaam": "Andere naam"})),
    ("PUT", "/api/v1/beheer/gebruikers/{gebruiker_id}/rollen/{rol}"): Entry(ADMIN),
    ("DELETE", "/api/v1/beheer/gebruikers/{gebruiker_id}/rollen/{rol}"): Entry(ADMIN),
    ("DELETE", "/api/v1/beheer/gebruikers/{gebruiker_id}/totp"): Entry(ADMIN),
    ("DELETE", "/api/v1/beheer/gebruikers/{gebruiker_id}/blokkade"): Entry(ADMIN),
    ("GET", "/api/v1/beheer/teams"): Entry(ADMIN, scoped=False),
    ("POST", "/api/v1/beheer/teams"): Entry(
        ADMIN, lambda ctx: {"naam": f"nieuw-team-{next(_unique)}", "gemeenten": [UTRECHT]},
        scoped=False),
    ("GET", "/api/v1/beheer/teams/{team_id}"): Entry(ADMIN),
    ("PUT", "/api/v1/beheer/teams/{team_id}/gemeenten/{gemeentecode}"): Entry(ADMIN),
    ("DELETE", "/api/v1/beheer/teams/{team_id}/gemeenten/{gemeentecode}"): Entry(ADMIN),
    ("PUT", "/api/v1/beheer/teams/{team_id}/leden/{gebruiker_id}"): Entry(ADMIN),
    ("DELETE", "/api/v1/beheer/teams/{team_id}/leden/{gebruiker_id}"): Entry(ADMIN),
    ("GET", "/api/v1/beheer/schuldeisers"): Entry(ADMIN, scoped=False),
    ("POST", "/api/v1/beheer/schuldeisers"): Entry(
        ADMIN, lambda ctx: {"code": f"NIEUW-{next(_unique)}", "naam": "Nieuw"},
        scoped=False),
    ("GET", "/api/v1/beheer/schuldeisers/{code}"): Entry(ADMIN, scoped=False),
    ("PATCH", "/api/v1/beheer/schuldeisers/{code}"): Entry(
        ADMIN, _fixed({"actief": True}), scoped=False),
    ("GET", "/api/v1/beheer/schuldeisers/{code}/api-sleutels"): Entry(ADMIN, scoped=False),
    ("POST", "/api/v1/beheer/schuldeisers/{code}/api-sleutels"): Entry(ADMIN, scoped=False),
    ("POST", "/api/v1/beheer/schuldeisers/{code}/api-sleutels/{sleutel_id}/rotatie"): Entry(
        ADMIN, _fixed({"overlapUren": 1})),
    ("DELETE", "/api/v1/beheer/schuldeisers/{code}/api-sleutels/{sleutel_id}"): Entry(ADMIN),
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


@dataclass
class Rig:
    """One database for the module: the world, its logged-in roles, the creditors."""

    url: str
    world: World
    app: Any
    keycloak: KeycloakRealm
    accounts: dict[str, TestAccount]
    halfway: TestAccount
    enrolling: TestAccount
    creditor_key: str
    sessions: dict[str, tuple[TestClient, str]] = field(default_factory=dict)
    clients: list[TestClient] = field(default_factory=list)

    def client(self) -> TestClient:
        client = TestClient(self.app, base_url=BASE_URL, raise_server_exceptions=False)
        self.clients.append(client)
        return client

    def log_in(self, account: TestAccount) -> tuple[TestClient, str]:
        """A new browser, logged in completely through POST /sessies (and TOTP)."""
        client = self.client()
        return client, login(client, account)

    def halfway_login(self, account: TestAccount, step: str) -> tuple[TestClient, str]:
        client = self.client()
        answer = client.post("/api/v1/sessies", json={"gebruikersnaam": account.gebruikersnaam,
                                                      "wachtwoord": account.password})
        assert answer.status_code == 201 and answer.json()["stap"] == step, answer.text
        return client, str(answer.json()["csrfToken"])

    def fresh_admin(self) -> TestAccount:
        # An admin always gives a TOTP code, and a code is never accepted twice: a login
        # of its own for each fresh admin session.
        account = make_user(self.url, f"beheerder-{next(_unique)}", UserRole.ADMIN, totp=True)
        return account


@pytest.fixture(scope="module")
def rig(new_postgres_database: Callable[[], str], keycloak: KeycloakRealm) -> Iterator[Rig]:
    url = new_postgres_database()
    prepare_database(url)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in oidc_env(keycloak, url).items():
            mp.setenv(key, value)
        mp.setenv("VROEGSIGNAAL_TOTP_REQUIRED", "false")  # admins give a code regardless
        get_settings.cache_clear()
        with session_factory(url)() as s:
            world = build_world(s, passwords=True)
            admin_secret = users.assign_totp(s, OPERATOR, world.users["admin"],
                                             settings=get_settings())
        accounts = {
            name: TestAccount(world.users[name], name, PASSWORD,
                              admin_secret if name == "admin" else None)
            for name in (*ROLES, "collega")
        }
        halfway = make_user(url, HALFWAY, UserRole.SCHULDHULPVERLENER, totp=True)
        enrolling = make_user(url, ENROLLING, UserRole.ADMIN)
        creditor = register_creditor(url, "WBV-TEST")
        register_creditor(url, "WBV-ANDER")
        rig = Rig(url, world, create_app(), keycloak, accounts, halfway, enrolling,
                  creditor.key)
        for role in ROLES:
            rig.sessions[role] = rig.log_in(accounts[role])
        yield rig
        for client in rig.clients:
            client.close()
    get_settings.cache_clear()


class Ctx:
    def __init__(self, rig: Rig) -> None:
        self.rig = rig
        self.world = rig.world
        self.zaak = 0
        self.drempels: dict[str, Any] = {}


@dataclass
class Resources:
    own: dict[str, str]
    foreign: dict[str, str]
    secrets: list[str]


def _resources(rig: Rig, ctx: Ctx, path: str) -> Resources:
    """A fresh own and foreign resource per call (one call must not spoil the next), only
    of the kinds the path names."""
    world, n = rig.world, next(_unique)
    own: dict[str, str] = {"gemeentecode": UTRECHT, "rol": "schuldhulpverlener",
                           "code": "WBV-TEST", "regio": "RG-U16", "tabel": "signalen"}
    foreign: dict[str, str] = {"gemeentecode": AMSTERDAM, "rol": "schuldhulpverlener",
                               "code": "WBV-TEST", "regio": "RG-U16", "tabel": "signalen"}
    secrets = ["Testhuizen", "Proefstraat"]
    with session_factory(rig.url)() as s:
        lead = world.principal(s, "teamleider")
        lead_a = world.principal(s, "teamleider-amsterdam")
        if "{zaakId}" in path or path.endswith("/toewijzingen"):
            own_zaak, foreign_zaak = new_zaak(s), new_zaak(s, AMSTERDAM)
            ctx.zaak = own_zaak
            if path.endswith("/heropening"):
                from vroegsignaal.cases.closing import close
                from vroegsignaal.contract.enums import Eindresultaat

                for z, who in ((own_zaak, lead), (foreign_zaak, lead_a)):
                    close(s, who, z, Eindresultaat.GEEN_CONTACT)
            if path.endswith("/contactpogingen"):
                from vroegsignaal.cases.assignment import claim

                claim(s, world.principal(s, "schuldhulpverlener"), own_zaak)
                claim(s, world.principal(s, "amsterdammer"), foreign_zaak)
            if "{bewaargrondId}" in path:
                until = dt.date.today() + dt.timedelta(days=365)
                for ids, z, who in ((own, own_zaak, lead), (foreign, foreign_zaak, lead_a)):
                    ids["bewaargrondId"] = str(record_ground(s, who, z, Bewaargrond.PROCEDURE,
                                                             until))
            own["zaakId"], foreign["zaakId"] = str(own_zaak), str(foreign_zaak)
        if "{koppelingId}" in path:
            for ids, gemeente in ((own, UTRECHT), (foreign, AMSTERDAM)):
                link = Adreskoppeling(
                    gemeentecode=gemeente, huishouden_kaal=f"kaal-{gemeente}-{n}",
                    huishouden_adres=f"adres-{gemeente}-{n}", zaak_kaal_id=new_zaak(s, gemeente),
                    zaak_adres_id=new_zaak(s, gemeente), status="mogelijk",
                    bewaren_tot=utc_now().date().replace(year=utc_now().year + 1))
                s.add(link)
                s.commit()
                ids["koppelingId"] = str(link.id)
        if "{werkbakjeId}" in path:
            own_tray = werkbakjes.create_tray(s, lead, team_id=world.teams["utrecht"],
                                              naam=f"eigen{n}", filters=WerkvoorraadFilter())
            foreign_tray = werkbakjes.create_tray(s, lead_a, team_id=world.teams["amsterdam"],
                                                  naam=f"ander{n}",
                                                  filters=WerkvoorraadFilter())
            own["werkbakjeId"], foreign["werkbakjeId"] = str(own_tray.id), str(foreign_tray.id)
            secrets.append(f"ander{n}")
        if "{signaal_id}" in path:
            sig = signaal(schuldeiser="WBV-TEST", signaalId=f"EIGEN-{n}")
            other = signaal(schuldeiser="WBV-ANDER", signaalId=f"ANDER-{n}")
            run_intake([sig, other], session=s, source="test")
            own["signaal_id"], foreign["signaal_id"] = sig["signaalId"], other["signaalId"]
            secrets.append(other["signaalId"])
        now = utc_now()
        if "{team_id}" in path or "{gebruiker_id}" in path:
            for ids, gemeente, label in ((own, UTRECHT, "eigen"), (foreign, AMSTERDAM, "ander")):
                user = users.create_user(s, OPERATOR, gebruikersnaam=f"{label}-gebruiker-{n}",
                                         weergavenaam=f"{label} {n}", gemeentecode=gemeente,
                                         now=now)
                team = teams.create_team(s, OPERATOR, naam=f"{label}-team-{n}",
                                         gemeenten=[gemeente], now=now)
                teams.add_member(s, OPERATOR, team.id, user.id)
                ids["gebruiker_id"], ids["team_id"] = str(user.id), str(team.id)
            secrets += [f"ander-gebruiker-{n}", f"ander-team-{n}"]
        if "{sleutel_id}" in path:
            mine = api_keys.create_key(s, OPERATOR, "WBV-TEST", now=now)
            theirs = api_keys.create_key(s, OPERATOR, "WBV-ANDER", now=now)
            own["sleutel_id"], foreign["sleutel_id"] = str(mine.id), str(theirs.id)
            secrets.append(theirs.prefix)
    return Resources(own, foreign, secrets)


def _leaks(body: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s and s in body]


def _expire(rig: Rig, client: TestClient) -> None:
    """Push a session past its absolute expiry, as a working day's end would."""
    token = client.cookies.get(COOKIE_NAME)
    assert token
    with session_scope(rig.url) as s:
        s.execute(update(Sessie).where(Sessie.sleutel_hash == token_hash(token))
                  .values(verloopt_op=utc_now().replace(year=2000)))
        s.commit()


Caller = str | None  # a role, HALFWAY, ENROLLING, "verlopen", "schuldeiser", None: anonymous


def _door(rig: Rig, who: Caller, fresh: bool) -> tuple[TestClient, dict[str, str]]:
    """The browser (or creditor) `who` calls with, and the headers it sends."""
    if who is None:
        return rig.client(), {}
    if who == "schuldeiser":
        return rig.client(), {"X-Api-Key": rig.creditor_key}
    if who == "verlopen":
        client, csrf = rig.log_in(rig.accounts["collega"])
        _expire(rig, client)
        return client, {"X-CSRF-Token": csrf}
    if who == HALFWAY:
        client, csrf = rig.halfway_login(rig.halfway, "totp")
    elif who == ENROLLING:
        client, csrf = rig.halfway_login(rig.enrolling, "totp-inschrijving")
    elif not fresh:
        client, csrf = rig.sessions[who]
    elif who == "admin":
        client, csrf = rig.log_in(rig.fresh_admin())
    else:
        client, csrf = rig.log_in(rig.accounts[who])
    return client, {"X-CSRF-Token": csrf}


def _expected(entry: Entry, who: Caller) -> frozenset[int]:
    """The documented answer for `who` (the allowed ones: `entry.ok`)."""
    if entry.door == "open" or (who in entry.allowed):
        return entry.ok
    if entry.door == "api-sleutel" or who in (None, "verlopen", "schuldeiser"):
        return frozenset({401})
    if who == HALFWAY and entry.others != 409:
        return frozenset({401})  # the second factor is due: nothing but the login steps
    return frozenset({entry.others})


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX))
def test_rights(method: str, path: str, rig: Rig) -> None:
    entry = MATRIX[(method, path)]
    ctx = Ctx(rig)
    with session_factory(rig.url)() as s:
        admin = rig.world.principal(s, "admin")
        ctx.drempels = get_thresholds(s, admin, UTRECHT).model_dump(by_alias=True,
                                                                     mode="json")
    zaak_reads: list[str] = []

    def call(who: Caller, ids: dict[str, str], *, csrf: bool = True,
             origin: str | None = None) -> Any:
        client, headers = _door(rig, who, entry.fresh)
        if not csrf:
            headers.pop("X-CSRF-Token", None)
        if origin:
            headers["Origin"] = origin
        url = path.format(**{k: v for k, v in ids.items() if "{" + k + "}" in path})
        params = {"zaakId": ids.get("zaakId", "1")} if path.endswith("/auditlog") else None
        body = entry.body(ctx)
        r = client.request(method, url, headers=headers, params=params,
                           json=body if method in ("POST", "PUT", "PATCH") else None,
                           follow_redirects=False)
        if method == "GET" and url.startswith("/api/v1/zaken/") and r.status_code == 200:
            zaak_reads.append(r.headers["X-Request-ID"])
        return r

    def refused(r: Any, status: int, secrets: list[str], *, code: str | None = None) -> None:
        assert r.status_code == status, (method, path, r.status_code, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert not _leaks(r.text, secrets), r.text
        body = r.json()
        assert set(body) <= {"type", "title", "status", "detail", "code"}, body
        if code:
            assert body["code"] == code, body
        if entry.door != "open":
            # Nothing but the problem itself: no resource fields, no ids in the detail.
            assert body["detail"] == body["title"], body

    callers: list[Caller] = [None, "verlopen", HALFWAY, *ROLES, "schuldeiser"]
    if ENROLLING in entry.allowed:
        callers.append(ENROLLING)
    for who in callers:
        res = _resources(rig, ctx, path)
        expected = _expected(entry, who)
        r = call(who, res.own)
        if min(expected) >= 400:
            refused(r, min(expected), res.secrets)
            continue
        assert r.status_code in expected, (method, path, who, r.status_code, r.text)
        if r.status_code == 302:
            assert r.headers["location"].startswith(rig.keycloak.issuer), r.headers
        if entry.scoped and who in ROLES and entry.door == "sessie":
            refused(call(who, res.foreign), entry.foreign, res.secrets)

    if method != "GET":
        # A state change needs the session's CSRF token (the login: its own origin only).
        who = next((r for r in ROLES if r in entry.allowed), "schuldhulpverlener")
        res = _resources(rig, ctx, path)
        if entry.door == "sessie":
            refused(call(who, res.own, csrf=False), 403, res.secrets, code=CSRF_REFUSED)
        if entry.door != "api-sleutel":
            refused(call(who, res.own, origin="https://elders.example"), 403, res.secrets,
                    code=CSRF_REFUSED)

    with session_factory(rig.url)() as s:
        logged = set(s.execute(select(AuditLog.trace_id).where(
            AuditLog.actie.in_(["zaak.lezen", "persoonsgegevens.lezen"]))).scalars())
    assert not [r for r in zaak_reads if r not in logged], "zaak reads without an audit row"


def test_the_audit_chain_holds_after_the_matrix(rig: Rig, monkeypatch: pytest.MonkeyPatch,
                                                ) -> None:
    """Logins, refusals, admin changes, case work and reads of the whole module: the chain
    `vroegsignaal audit verify` recomputes has every row (run last, in file order)."""
    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", rig.url)
    get_settings.cache_clear()
    result = CliRunner().invoke(cli_app, ["audit", "verify"])
    get_settings.cache_clear()
    with session_factory(rig.url)() as s:
        rows = s.scalar(select(func.count()).select_from(AuditLog))
        actions = set(s.execute(select(AuditLog.actie)).scalars())
    assert result.exit_code == 0, result.output
    assert f"in orde: {rows} regels" in result.output, (rows, result.output)
    assert {"aanmelden", "gebruiker.aanmaken", "api_sleutel.aanmaken"} <= actions, actions
