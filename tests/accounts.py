# SPDX-License-Identifier: EUPL-1.2
"""Builders for accounts in tests: users with roles and teams, creditors with API keys,
and logging in through the real API (password, then TOTP when asked).

They go through the core's own functions (vroegsignaal/accounts), as the operator's
command line does, so a test sets up what production would hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from fastapi.testclient import TestClient

from tests.oidc import KeycloakRealm
from vroegsignaal.accounts import api_keys, creditors, teams, users
from vroegsignaal.accounts.principal import SystemPrincipal, UserRole
from vroegsignaal.accounts.totp import code_at
from vroegsignaal.config import get_settings
from vroegsignaal.dates import utc_now
from vroegsignaal.storage.db import session_scope

OPERATOR = SystemPrincipal(naam="test-beheer")
PASSWORD = "correct-horse-battery"


@dataclass(frozen=True)
class TestAccount:
    """A user made for a test: id, name, password and (when set) the TOTP secret."""

    __test__ = False

    id: int
    gebruikersnaam: str
    password: str
    totp_secret: str | None = None


def make_user(
    url: str,
    gebruikersnaam: str,
    *roles: UserRole,
    gemeentecode: str | None = "GM0344",
    password: str = PASSWORD,
    totp: bool = False,
) -> TestAccount:
    """A user with `roles` (granted by an admin) and, with `totp`, a TOTP secret."""
    with session_scope(url) as session:
        view = users.create_user(
            session,
            OPERATOR,
            gebruikersnaam=gebruikersnaam,
            weergavenaam=gebruikersnaam,
            gemeentecode=gemeentecode,
            password=password,
            now=utc_now(),
        )
        for role in roles:
            users.grant_role(session, OPERATOR, view.id, role)
        secret = (
            users.assign_totp(session, OPERATOR, view.id, settings=get_settings()) if totp else None
        )
    return TestAccount(view.id, view.gebruikersnaam, password, secret)


def make_team(url: str, naam: str, gemeenten: list[str], members: list[int]) -> int:
    with session_scope(url) as session:
        team = teams.create_team(session, OPERATOR, naam=naam, gemeenten=gemeenten, now=utc_now())
        for member in members:
            teams.add_member(session, OPERATOR, team.id, member)
    return team.id


@dataclass(frozen=True)
class TestKey:
    __test__ = False

    id: int
    key: str


def register_creditor(url: str, code: str, *, key: str | None = None) -> TestKey:
    """Register `code` with one API key: `key` when given (imported by its hash), else new."""
    now = utc_now()
    with session_scope(url) as session:
        creditors.register(session, OPERATOR, code=code, naam=code, signaalpartner=None, now=now)
        if key is not None:
            digest = hashlib.sha256(key.encode()).hexdigest()
            view = api_keys.import_hash(session, OPERATOR, code, digest, now=now)
            return TestKey(view.id, key)
        issued = api_keys.create_key(session, OPERATOR, code, now=now)
        return TestKey(issued.id, issued.key)


def current_code(secret: str, *, offset_steps: int = 0) -> str:
    return code_at(secret, utc_now() + dt.timedelta(seconds=30 * offset_steps))


def login(client: TestClient, account: TestAccount) -> str:
    """Log `account` in through the API (TOTP when asked); returns the CSRF token."""
    answer = client.post(
        "/api/v1/sessies",
        json={"gebruikersnaam": account.gebruikersnaam, "wachtwoord": account.password},
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    if body["stap"] == "totp":
        assert account.totp_secret is not None
        answer = client.post(
            "/api/v1/sessies/huidige/totp",
            json={"code": current_code(account.totp_secret)},
            headers={"X-CSRF-Token": body["csrfToken"]},
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
    assert body["stap"] == "volledig", body
    return str(body["csrfToken"])


def oidc_env(
    realm: KeycloakRealm, database_url: str, public_url: str | None = None
) -> dict[str, str]:
    """The settings of an app that logs in through the test realm (environment variables)."""
    env = {
        "VROEGSIGNAAL_DATABASE_URL": database_url,
        "VROEGSIGNAAL_OIDC_ISSUER": realm.issuer,
        "VROEGSIGNAAL_OIDC_CLIENT_ID": realm.client_id,
        "VROEGSIGNAAL_OIDC_CLIENT_SECRET": realm.client_secret,
    }
    if public_url:
        env["VROEGSIGNAAL_PUBLIC_URL"] = public_url
    return env
