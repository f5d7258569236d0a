# SPDX-License-Identifier: EUPL-1.2
"""The real OpenID Connect provider: the test realm logs users in and maps their claims.

Runs against the Keycloak that `make test` starts (scripts/services/keycloak.sh), with
the realm of scripts/services/keycloak/vroegsignaal-realm.json. A login is the real
authorization-code flow with PKCE, driven over HTTP; the ID token is verified against
the realm's published keys before its claims are read.
"""

from __future__ import annotations

import pytest

from tests.oidc import (
    CLAIM_GEMEENTEN,
    CLAIM_ROLLEN,
    CLAIM_TEAM,
    REALM_FILE,
    KeycloakRealm,
    authorization_code_login,
    authorization_request,
    discovery,
    load_realm,
    loopback_client,
    pkce_pair,
    submit_login_form,
    verified_id_token_claims,
)

pytestmark = pytest.mark.integration

REDIRECT_URI = "http://127.0.0.1:8000/auth/callback"
USERS_WITH_RIGHTS = sorted(
    name for name, user in load_realm("http://unused", REALM_FILE).users.items() if user.rollen
)


def _login_claims(realm: KeycloakRealm, username: str) -> dict[str, object]:
    tokens = authorization_code_login(realm, realm.users[username], redirect_uri=REDIRECT_URI)
    return verified_id_token_claims(realm, tokens["id_token"], nonce=tokens["nonce"])


def test_discovery_document_is_served_for_the_realm(keycloak: KeycloakRealm) -> None:
    config = discovery(keycloak)

    assert config["issuer"] == keycloak.issuer
    endpoints = ("authorization_endpoint", "token_endpoint", "jwks_uri", "end_session_endpoint")
    for endpoint in endpoints:
        assert config[endpoint].startswith(keycloak.issuer + "/"), endpoint
    assert "S256" in config["code_challenge_methods_supported"]
    assert "code" in config["response_types_supported"]


def test_worker_of_utrecht_gets_role_and_municipality_in_the_id_token(
    keycloak: KeycloakRealm,
) -> None:
    claims = _login_claims(keycloak, "shv-utrecht")

    assert claims["preferred_username"] == "shv-utrecht"
    assert claims[CLAIM_ROLLEN] == ["schuldhulpverlener"]
    assert claims[CLAIM_GEMEENTEN] == ["GM0344"]
    assert CLAIM_TEAM not in claims


def test_worker_of_a_regional_team_gets_its_municipalities_and_team(
    keycloak: KeycloakRealm,
) -> None:
    claims = _login_claims(keycloak, "shv-regio-zwolle")

    assert claims[CLAIM_ROLLEN] == ["schuldhulpverlener"]
    assert sorted(claims[CLAIM_GEMEENTEN]) == ["GM0148", "GM0193"]  # type: ignore[call-overload]
    assert claims[CLAIM_TEAM] == "regio-zwolle"


@pytest.mark.parametrize("username", USERS_WITH_RIGHTS)
def test_every_test_user_gets_the_claims_the_realm_file_gives_them(
    keycloak: KeycloakRealm, username: str
) -> None:
    user = keycloak.users[username]

    claims = _login_claims(keycloak, username)

    assert sorted(claims[CLAIM_ROLLEN]) == sorted(user.rollen)  # type: ignore[call-overload]
    assert sorted(claims[CLAIM_GEMEENTEN]) == sorted(user.gemeenten)  # type: ignore[call-overload]
    assert claims.get(CLAIM_TEAM) == user.team


def test_the_test_users_cover_every_role(keycloak: KeycloakRealm) -> None:
    roles = {role for user in keycloak.users.values() for role in user.rollen}

    assert roles == {"schuldhulpverlener", "teamleider", "manager", "admin"}


def test_user_without_vroegsignaal_claims_logs_in_but_carries_none(
    keycloak: KeycloakRealm,
) -> None:
    claims = _login_claims(keycloak, "zonder-rechten")

    assert claims["preferred_username"] == "zonder-rechten"
    assert claims["sub"]
    for claim in (CLAIM_ROLLEN, CLAIM_GEMEENTEN, CLAIM_TEAM):
        assert claim not in claims


def test_wrong_password_is_refused(keycloak: KeycloakRealm) -> None:
    _, challenge = pkce_pair()
    with loopback_client() as client:
        page = authorization_request(
            client, keycloak, redirect_uri=REDIRECT_URI, state="s", code_challenge=challenge
        )
        answer = submit_login_form(client, page, "shv-utrecht", "not-the-password")

    assert answer.status_code == 200  # the login page again, no redirect with a code
    assert "location" not in answer.headers


def test_authorization_request_without_pkce_is_refused(keycloak: KeycloakRealm) -> None:
    with loopback_client() as client:
        answer = authorization_request(
            client, keycloak, redirect_uri=REDIRECT_URI, state="s", code_challenge=None
        )

    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(REDIRECT_URI)
    assert "error=invalid_request" in location
    assert "code=" not in location


def test_redirect_uri_outside_loopback_is_refused(keycloak: KeycloakRealm) -> None:
    _, challenge = pkce_pair()
    with loopback_client() as client:
        answer = authorization_request(
            client,
            keycloak,
            redirect_uri="https://elders.example/auth/callback",
            state="s",
            code_challenge=challenge,
        )

    assert answer.status_code == 400
    assert "location" not in answer.headers
