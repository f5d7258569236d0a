# SPDX-License-Identifier: EUPL-1.2
"""Helpers for tests against the real OpenID Connect provider (Keycloak, realm `vroegsignaal`).

The realm, its client and its test users are defined once, in
scripts/services/keycloak/vroegsignaal-realm.json; `load_realm` reads them from there, so
the tests and the provider cannot drift apart. The claims and users are described in
scripts/services/keycloak/README.md.

A login is driven over plain HTTP the way a browser would: `loopback_client()` keeps
cookies like a browser on http://127.0.0.1 (Keycloak marks its cookies Secure, and
browsers treat loopback as a secure context), `submit_login_form` fills in Keycloak's
login page, and `authorization_code_login` runs the whole authorization-code flow with
PKCE (RFC 7636) and returns the token response.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookiejar import Cookie, CookieJar
from pathlib import Path
from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet

REALM_FILE = (
    Path(__file__).resolve().parent.parent
    / "scripts"
    / "services"
    / "keycloak"
    / "vroegsignaal-realm.json"
)
CLIENT_ID = "vroegsignaal"
# ID-token claims set by the client's protocol mappers (absent when the user has none).
CLAIM_ROLLEN = "vroegsignaal_rollen"  # list of role names, e.g. ["schuldhulpverlener"]
CLAIM_GEMEENTEN = "vroegsignaal_gemeenten"  # list of CBS codes, e.g. ["GM0344"]
CLAIM_TEAM = "vroegsignaal_team"  # regional team id, e.g. "regio-zwolle"
ADMIN_USERNAME = "admin"  # master-realm admin for the admin REST API
ADMIN_PASSWORD = "admin"


@dataclass(frozen=True)
class TestUser:
    """A user of the test realm and the claims their ID token must carry."""

    __test__ = False  # not a pytest test class

    username: str
    password: str
    rollen: tuple[str, ...]
    gemeenten: tuple[str, ...]
    team: str | None


@dataclass(frozen=True)
class KeycloakRealm:
    """The running test realm: where it is, its confidential client and its users."""

    issuer: str
    client_id: str
    client_secret: str
    users: dict[str, TestUser]
    admin_username: str = ADMIN_USERNAME
    admin_password: str = ADMIN_PASSWORD

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def base_url(self) -> str:
        """Keycloak's root URL (the issuer without /realms/<name>)."""
        return self.issuer.rsplit("/realms/", 1)[0]


def load_realm(issuer: str, realm_file: Path = REALM_FILE) -> KeycloakRealm:
    """The realm served at `issuer`, with client and users as the realm file defines them."""
    data = json.loads(realm_file.read_text(encoding="utf-8"))
    (client,) = (c for c in data["clients"] if c["clientId"] == CLIENT_ID)
    users = {}
    for user in data["users"]:
        attributes = user.get("attributes", {})
        (password,) = (c["value"] for c in user["credentials"] if c["type"] == "password")
        users[user["username"]] = TestUser(
            username=user["username"],
            password=password,
            rollen=tuple(user.get("clientRoles", {}).get(CLIENT_ID, [])),
            gemeenten=tuple(attributes.get(CLAIM_GEMEENTEN, [])),
            team=(attributes.get(CLAIM_TEAM) or [None])[0],
        )
    return KeycloakRealm(
        issuer=issuer, client_id=CLIENT_ID, client_secret=client["secret"], users=users
    )


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class _LoopbackCookieJar(CookieJar):
    """Keeps Secure cookies set by loopback servers usable over http, as browsers do.

    Browsers treat http://127.0.0.1 and http://localhost as secure contexts and send
    Secure cookies there; Python's cookie jar would not, and Keycloak's session cookies
    (all Secure) would be missing from the login POST. httpx copies the jar's cookies
    into a jar with the default policy for each request, so the flag is cleared when
    the cookie is stored rather than checked when it is sent.
    """

    def make_cookies(self, response: Any, request: Any) -> Sequence[Cookie]:
        cookies = super().make_cookies(response, request)
        if httpx.URL(request.get_full_url()).host in LOOPBACK_HOSTS:
            for cookie in cookies:
                cookie.secure = False
        return cookies


def loopback_client(**kwargs: Any) -> httpx.Client:
    """An httpx client that keeps cookies like a browser on loopback; no redirects followed."""
    kwargs.setdefault("follow_redirects", False)
    kwargs.setdefault("timeout", 30.0)
    return httpx.Client(cookies=_LoopbackCookieJar(), **kwargs)


class _LoginFormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and values.get("id") == "kc-form-login":
            self.action = values.get("action")


def submit_login_form(
    client: httpx.Client, login_page: httpx.Response, username: str, password: str
) -> httpx.Response:
    """Fill in Keycloak's login page and post it; returns Keycloak's answer, not followed.

    On success that is a 302 to the client's redirect URI carrying `code` and `state`;
    with a wrong password Keycloak answers 200 with the login page again.
    Raises AssertionError when `login_page` is not Keycloak's login form.
    """
    parser = _LoginFormParser()
    parser.feed(login_page.text)
    assert parser.action, f"no Keycloak login form in the page ({login_page.status_code})"
    return client.post(
        parser.action, data={"username": username, "password": password, "credentialId": ""}
    )


def pkce_pair() -> tuple[str, str]:
    """A fresh PKCE code verifier and its S256 code challenge (RFC 7636, section 4)."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def discovery(realm: KeycloakRealm) -> dict[str, Any]:
    response = httpx.get(realm.discovery_url, timeout=30.0)
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    return document


def authorization_request(
    client: httpx.Client,
    realm: KeycloakRealm,
    *,
    redirect_uri: str,
    state: str,
    code_challenge: str | None,
    nonce: str | None = None,
) -> httpx.Response:
    """GET the authorization endpoint (response_type=code, scope openid); not followed.

    `code_challenge` is the S256 challenge, or None to send a request without PKCE.
    A valid request answers 200 with Keycloak's login page.
    """
    params = {
        "response_type": "code",
        "client_id": realm.client_id,
        "redirect_uri": redirect_uri,
        "scope": "openid",
        "state": state,
    }
    if nonce is not None:
        params["nonce"] = nonce
    if code_challenge is not None:
        params |= {"code_challenge": code_challenge, "code_challenge_method": "S256"}
    return client.get(discovery(realm)["authorization_endpoint"], params=params)


def authorization_code_login(
    realm: KeycloakRealm,
    user: TestUser,
    *,
    redirect_uri: str = "http://127.0.0.1:8000/auth/callback",
    nonce: str | None = None,
) -> dict[str, Any]:
    """Log `user` in with the authorization-code flow and PKCE; return the token response.

    The redirect URI is never called: the code is read from Keycloak's 302. The returned
    dict is the token endpoint's JSON (`id_token`, `access_token`, ...) plus `nonce`.
    Raises AssertionError when a step does not answer as a successful login does.
    """
    config = discovery(realm)
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    nonce = nonce or secrets.token_urlsafe(16)
    with loopback_client() as client:
        login_page = authorization_request(
            client,
            realm,
            redirect_uri=redirect_uri,
            state=state,
            code_challenge=challenge,
            nonce=nonce,
        )
        assert login_page.status_code == 200, login_page.text[:500]
        answer = submit_login_form(client, login_page, user.username, user.password)
        assert answer.status_code == 302, f"login of {user.username} refused ({answer.status_code})"
        location = httpx.URL(answer.headers["location"])
        assert str(location).startswith(redirect_uri), location
        assert location.params["state"] == state
        token = client.post(
            config["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": location.params["code"],
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            },
            auth=(realm.client_id, realm.client_secret),
        )
        assert token.status_code == 200, token.text
        tokens: dict[str, Any] = token.json()
    tokens["nonce"] = nonce
    return tokens


def verified_id_token_claims(realm: KeycloakRealm, id_token: str, *, nonce: str) -> dict[str, Any]:
    """The ID token's claims after checking signature (realm JWKS), iss, aud, exp and nonce.

    Raises joserfc errors (BadSignatureError, InvalidClaimError, ...) when a check fails.
    """
    jwks = httpx.get(discovery(realm)["jwks_uri"], timeout=30.0).json()
    token = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": realm.issuer},
        aud={"essential": True, "value": realm.client_id},
        exp={"essential": True},
        nonce={"essential": True, "value": nonce},
    ).validate(token.claims)
    return dict(token.claims)
