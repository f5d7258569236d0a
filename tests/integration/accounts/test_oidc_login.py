# SPDX-License-Identifier: EUPL-1.2
"""OIDC login end to end (issue 10): the app served by uvicorn, the real Keycloak of
`make test` (realm of scripts/services/keycloak/), real PostgreSQL; the browser is an
HTTP client that keeps cookies like one (tests/oidc.py).

Log in through the real provider and get the mapped role; log in without the claim and
get nothing; the login is bound to the browser that started it and used once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.accounts import make_team, oidc_env
from tests.live_server import free_loopback_socket, serve_app
from tests.oidc import KeycloakRealm, loopback_client, submit_login_form
from vroegsignaal.storage.db import session_scope
from vroegsignaal.storage.seed import prepare_database
from vroegsignaal.storage.tables import AuditLog, Gebruiker, GebruikerRol

pytestmark = pytest.mark.integration
ME = "/api/v1/sessies/huidige"


@dataclass(frozen=True)
class OidcApp:
    base_url: str
    database_url: str


@pytest.fixture(scope="module")
def oidc_app(
    keycloak: KeycloakRealm,
    new_postgres_database: Callable[[], str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[OidcApp]:
    """The app with OIDC against the test realm; the team `regio-zwolle` exists."""
    database_url = new_postgres_database()
    prepare_database(database_url)
    make_team(database_url, "regio-zwolle", ["GM0193", "GM0148"], [])
    sock = free_loopback_socket()
    public_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    env = oidc_env(keycloak, database_url, public_url)
    log_path = Path(tmp_path_factory.mktemp("oidc-app")) / "uvicorn.log"
    with serve_app(env, log_path, sock=sock) as base_url:
        assert base_url == public_url
        yield OidcApp(base_url, database_url)


def _start(browser: httpx.Client, app: OidcApp, terug: str = "/werkvoorraad") -> httpx.Response:
    start = browser.get(f"{app.base_url}/api/v1/sessies/oidc", params={"terug": terug})
    assert start.status_code == 302, start.text
    login_page = browser.get(start.headers["location"])
    assert login_page.status_code == 200
    return login_page


def _provider_login(
    browser: httpx.Client, app: OidcApp, keycloak: KeycloakRealm, username: str
) -> str:
    """Through Keycloak's login page; returns the callback URL it redirects to."""
    user = keycloak.users[username]
    answer = submit_login_form(browser, _start(browser, app), user.username, user.password)
    assert answer.status_code == 302, answer.text[:300]
    callback = answer.headers["location"]
    assert callback.startswith(f"{app.base_url}/api/v1/sessies/oidc/terugkeer?")
    return callback


def _log_in(browser: httpx.Client, app: OidcApp, keycloak: KeycloakRealm, username: str) -> dict:
    back = browser.get(_provider_login(browser, app, keycloak, username))
    assert back.status_code == 302, back.text
    assert back.headers["location"] == "/werkvoorraad"
    me = browser.get(app.base_url + ME)
    assert me.status_code == 200, me.text
    return dict(me.json())


def test_worker_logs_in_through_the_provider_and_gets_the_mapped_role(
    oidc_app: OidcApp, keycloak: KeycloakRealm
) -> None:
    with loopback_client() as browser:
        start = browser.get(f"{oidc_app.base_url}/api/v1/sessies/oidc")
        assert start.headers["location"].startswith(
            keycloak.issuer + "/protocol/openid-connect/auth?"
        )
        assert "code_challenge_method=S256" in start.headers["location"]
        me = _log_in(browser, oidc_app, keycloak, "shv-utrecht")

    assert me["stap"] == "volledig"
    assert me["gebruiker"]["gebruikersnaam"] == "shv-utrecht"
    assert me["gebruiker"]["rollen"] == ["schuldhulpverlener"]
    assert me["gebruiker"]["gemeenten"] == ["GM0344"]
    with session_scope(oidc_app.database_url) as session:
        user = session.execute(
            select(Gebruiker).where(Gebruiker.gebruikersnaam == "shv-utrecht")
        ).scalar_one()
        assert user.oidc_issuer == keycloak.issuer and user.wachtwoord_hash is None
        roles = session.execute(
            select(GebruikerRol.rol, GebruikerRol.bron).where(GebruikerRol.gebruiker_id == user.id)
        ).all()
        actions = session.execute(select(AuditLog.actie, AuditLog.details)).all()
    assert roles == [("schuldhulpverlener", "oidc")]
    assert any(
        a == "aanmelden" and d["gebruiker_id"] == user.id and d["methode"] == "oidc"
        for a, d in actions
    )


def test_regional_worker_gets_the_team_and_its_municipalities(
    oidc_app: OidcApp, keycloak: KeycloakRealm
) -> None:
    with loopback_client() as browser:
        me = _log_in(browser, oidc_app, keycloak, "shv-regio-zwolle")

    assert me["gebruiker"]["rollen"] == ["schuldhulpverlener"]
    assert me["gebruiker"]["gemeenten"] == ["GM0148", "GM0193"]
    assert len(me["gebruiker"]["teams"]) == 1


def test_user_without_the_claims_logs_in_but_gets_no_rights(
    oidc_app: OidcApp, keycloak: KeycloakRealm
) -> None:
    with loopback_client() as browser:
        me = _log_in(browser, oidc_app, keycloak, "zonder-rechten")
        admin_list = browser.get(f"{oidc_app.base_url}/api/v1/beheer/gebruikers")

    assert me["gebruiker"]["rollen"] == [] and me["gebruiker"]["gemeenten"] == []
    assert admin_list.status_code == 403
    assert admin_list.headers["content-type"] == "application/problem+json"


def test_admin_claim_gives_admin_rights_in_its_municipality(
    oidc_app: OidcApp, keycloak: KeycloakRealm
) -> None:
    with loopback_client() as browser:
        me = _log_in(browser, oidc_app, keycloak, "admin-utrecht")
        listed = browser.get(f"{oidc_app.base_url}/api/v1/beheer/gebruikers")

    assert me["gebruiker"]["rollen"] == ["admin"]
    assert listed.status_code == 200
    names = {u["gebruikersnaam"] for u in listed.json()}
    assert "admin-utrecht" in names
    assert "shv-regio-zwolle" not in names  # Zwolle and Dalfsen are not this admin's


def test_callback_in_another_browser_logs_nobody_in(
    oidc_app: OidcApp, keycloak: KeycloakRealm
) -> None:
    with loopback_client() as victim, loopback_client() as starter:
        callback = _provider_login(starter, oidc_app, keycloak, "teamleider-utrecht")

        elsewhere = victim.get(callback)
        own = starter.get(callback)
        again = starter.get(callback)

    assert elsewhere.status_code == 401
    assert elsewhere.json()["code"] == "OIDC_AANMELDEN_MISLUKT"
    assert "__Host-vroegsignaal=" not in elsewhere.headers.get("set-cookie", "")
    assert own.status_code == 302  # the browser that started it still completes it
    assert again.status_code == 401  # and only once


def test_provider_error_is_refused(oidc_app: OidcApp) -> None:
    with loopback_client() as browser:
        browser.get(f"{oidc_app.base_url}/api/v1/sessies/oidc")
        answer = browser.get(
            f"{oidc_app.base_url}/api/v1/sessies/oidc/terugkeer",
            params={"error": "access_denied", "state": "x"},
        )
    assert answer.status_code == 401 and answer.json()["code"] == "OIDC_AANMELDEN_MISLUKT"


def test_return_path_cannot_leave_the_app(oidc_app: OidcApp, keycloak: KeycloakRealm) -> None:
    with loopback_client() as browser:
        user = keycloak.users["manager-utrecht"]
        page = _start(browser, oidc_app, terug="//elders.example/phish")
        callback = submit_login_form(browser, page, user.username, user.password)
        back = browser.get(callback.headers["location"])

    assert back.status_code == 302 and back.headers["location"] == "/"
