# SPDX-License-Identifier: EUPL-1.2
"""The web pages over HTTP (TestClient on SQLite): security headers, Dutch HTML errors for
the same codes as the API, the login redirect, CSRF on every form, and who may open which
page (the core decides; a creditor's account reaches only its own pages)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.accounts import login, make_user
from vroegsignaal.accounts.principal import UserRole
from vroegsignaal.config import get_settings


@pytest.fixture
def client(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    with TestClient(create_app(), base_url="https://testserver") as c:
        yield c
    get_settings.cache_clear()


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def test_pages_carry_a_strict_content_security_policy(client: TestClient) -> None:
    answer = client.get("/aanmelden")
    policy = answer.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'self'" in policy
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert '<html lang="nl">' in answer.text
    assert "<script>" not in answer.text  # no inline script on any page


def test_a_page_without_login_sends_to_the_login_and_back(client: TestClient) -> None:
    answer = client.get("/beheer/gebruikers?x=1", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/aanmelden?terug=/beheer/gebruikers%3Fx%3D1"


def test_errors_are_dutch_pages_under_the_web_and_problem_json_under_the_api(
    client: TestClient,
) -> None:
    page = client.get("/bestaat-niet")
    api = client.get("/api/v1/bestaat-niet")
    assert page.status_code == api.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Deze pagina bestaat niet" in page.text and "NIET_GEVONDEN" in page.text
    assert api.headers["content-type"] == "application/problem+json"


def test_every_form_needs_the_sessions_csrf_token(client: TestClient, sqlite_url: str) -> None:
    worker = make_user(sqlite_url, "werker", UserRole.SCHULDHULPVERLENER, totp=True)
    login(client, worker)
    token = _csrf(client.get("/instellingen").text)

    refused = client.post("/instellingen", data={"sneltoetsen": "uit"})
    accepted = client.post("/instellingen", data={"sneltoetsen": "uit", "csrf_token": token},
                           follow_redirects=False)

    assert refused.status_code == 403 and "Het formulier is verlopen" in refused.text
    assert accepted.status_code == 303
    assert 'data-sneltoetsen="uit"' in client.get("/instellingen").text


def test_a_cross_site_login_post_is_refused(client: TestClient, sqlite_url: str) -> None:
    make_user(sqlite_url, "werker", UserRole.SCHULDHULPVERLENER)
    answer = client.post("/aanmelden", data={"gebruikersnaam": "werker", "wachtwoord": "x"},
                         headers={"Origin": "https://elders.example"})
    assert answer.status_code == 403


def test_roles_decide_the_pages(client: TestClient, sqlite_url: str) -> None:
    worker = make_user(sqlite_url, "werker", UserRole.SCHULDHULPVERLENER, totp=True)
    login(client, worker)
    assert client.get("/beheer/gebruikers").status_code == 403
    assert client.get("/beheer/gemeenten/GM0344/thema").status_code == 403
    assert client.get("/schuldeiser").status_code == 403
    assert client.get("/dashboard").status_code == 403
    assert client.get("/", follow_redirects=False).headers["location"] == "/werkvoorraad"


def test_an_admin_reaches_only_the_municipalities_it_serves(
    client: TestClient, sqlite_url: str
) -> None:
    admin = make_user(sqlite_url, "beheerder", UserRole.ADMIN, totp=True)
    login(client, admin)
    assert client.get("/beheer/gemeenten/GM0344/thema").status_code == 200
    assert client.get("/beheer/gemeenten/GM0363/thema").status_code == 404
    assert client.get("/beheer/gemeenten/GM0363/brieven/voorbeeld").status_code == 404


def test_the_letter_preview_may_load_nothing(client: TestClient, sqlite_url: str) -> None:
    admin = make_user(sqlite_url, "beheerder", UserRole.ADMIN, totp=True)
    login(client, admin)
    answer = client.get("/beheer/gemeenten/GM0344/brieven/voorbeeld")
    assert answer.status_code == 200
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")
    assert "A.B. van der Voorbeeld-Proefpersoon" in answer.text


def test_a_logo_is_served_sandboxed(client: TestClient, sqlite_url: str) -> None:
    admin = make_user(sqlite_url, "beheerder", UserRole.ADMIN, totp=True)
    login(client, admin)
    token = _csrf(client.get("/beheer/gemeenten/GM0344/thema").text)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    client.post("/beheer/gemeenten/GM0344/logo", data={"csrf_token": token},
                files={"logo": ("logo.svg", svg, "image/svg+xml")})

    logo = client.get("/thema/GM0344/logo")

    assert logo.status_code == 200 and logo.headers["content-type"] == "image/svg+xml"
    assert "sandbox" in logo.headers["content-security-policy"]
    assert 'src="/thema/GM0344/logo"' in client.get("/beheer").text


def test_the_api_documentation_uses_the_vendored_swagger_ui(client: TestClient) -> None:
    answer = client.get("/api/v1/docs")
    assert answer.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in answer.text
    assert "cdn" not in answer.text.lower()
    assert "docs" not in client.get("/api/v1/openapi.json").json()["paths"]
