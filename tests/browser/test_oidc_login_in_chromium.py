# SPDX-License-Identifier: EUPL-1.2
"""A real browser logs in through the real identity provider (issue 10): Chromium keeps the
`__Host-` cookies (Secure, HttpOnly, SameSite=Lax) across the redirects to Keycloak and
back, and the session works on the next page. Nothing outside loopback is requested."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.accounts import oidc_env
from tests.live_server import free_loopback_socket, serve_app
from tests.oidc import KeycloakRealm
from vroegsignaal.storage.seed import prepare_database


@pytest.fixture(scope="module")
def oidc_base_url(
    keycloak: KeycloakRealm,
    new_postgres_database: Callable[[], str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    database_url = new_postgres_database()
    prepare_database(database_url)
    sock = free_loopback_socket()
    env = oidc_env(keycloak, database_url, f"http://127.0.0.1:{sock.getsockname()[1]}")
    log_path = Path(tmp_path_factory.mktemp("oidc-browser")) / "uvicorn.log"
    with serve_app(env, log_path, sock=sock) as base_url:
        yield base_url


def test_chromium_logs_in_through_keycloak_and_keeps_the_session(
    page: Page, oidc_base_url: str, keycloak: KeycloakRealm
) -> None:
    user = keycloak.users["teamleider-utrecht"]
    page.goto(f"{oidc_base_url}/api/v1/sessies/oidc?terug=/api/v1/sessies/huidige")
    page.fill("#username", user.username)
    page.fill("#password", user.password)
    page.click("#kc-login")
    page.wait_for_url(f"{oidc_base_url}/api/v1/sessies/huidige")

    me = json.loads(page.inner_text("body"))
    cookies = {c["name"]: c for c in page.context.cookies(oidc_base_url)}

    assert me["gebruiker"]["gebruikersnaam"] == "teamleider-utrecht"
    assert me["gebruiker"]["rollen"] == ["teamleider"]
    session = cookies["__Host-vroegsignaal"]
    assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Lax"
    assert session["path"] == "/" and session["domain"] == "127.0.0.1"
    assert "__Host-vroegsignaal-oidc" not in cookies  # the login's state cookie is gone
