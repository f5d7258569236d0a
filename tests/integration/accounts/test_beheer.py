# SPDX-License-Identifier: EUPL-1.2
"""Administration through the API: admins act only within their own municipalities
(enforced in the core), every change is audited, other roles are refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.accounts import login, make_team, make_user
from vroegsignaal.accounts.principal import UserRole
from vroegsignaal.storage.db import session_scope
from vroegsignaal.storage.tables import AuditLog

pytestmark = pytest.mark.integration
USERS = "/api/v1/beheer/gebruikers"


@pytest.fixture
def utrecht_admin(
    accounts_db: str, new_client: Callable[[], TestClient]
) -> tuple[TestClient, dict[str, str]]:
    client = new_client()
    csrf = login(client, make_user(accounts_db, "beheer-utrecht", UserRole.ADMIN, totp=True))
    return client, {"X-CSRF-Token": csrf}


def _audit(url: str) -> list[tuple[str, str, dict]]:
    with session_scope(url) as session:
        rows = session.execute(select(AuditLog.actie, AuditLog.actor, AuditLog.details))
        return [(a, actor, d) for a, actor, d in rows]


def test_admin_creates_a_user_without_rights_then_grants_a_role(
    accounts_db: str, utrecht_admin: tuple[TestClient, dict[str, str]]
) -> None:
    client, csrf = utrecht_admin

    created = client.post(
        USERS,
        json={
            "gebruikersnaam": "Nieuw",
            "weergavenaam": "Nieuwe Collega",
            "gemeentecode": "GM0344",
        },
        headers=csrf,
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["gebruikersnaam"] == "nieuw" and user["rollen"] == []
    assert user["wachtwoord"] is False and user["totp"] is False

    granted = client.put(f"{USERS}/{user['id']}/rollen/teamleider", headers=csrf)
    revoked = client.delete(f"{USERS}/{user['id']}/rollen/teamleider", headers=csrf)

    assert granted.json()["rollen"] == [{"rol": "teamleider", "bron": "beheer"}]
    assert revoked.json()["rollen"] == []
    actions = [(a, d.get("gebruiker_id")) for a, _, d in _audit(accounts_db)]
    for action in ("gebruiker.aanmaken", "gebruiker.rol_toekennen", "gebruiker.rol_intrekken"):
        assert (action, user["id"]) in actions


def test_admin_acts_only_within_own_municipalities(
    accounts_db: str, utrecht_admin: tuple[TestClient, dict[str, str]]
) -> None:
    client, csrf = utrecht_admin
    zwolle = make_user(
        accounts_db, "werker-zwolle", UserRole.SCHULDHULPVERLENER, gemeentecode="GM0193"
    )
    utrecht = make_user(accounts_db, "werker-utrecht", UserRole.SCHULDHULPVERLENER)

    listed = {u["gebruikersnaam"] for u in client.get(USERS).json()}
    foreign = client.get(f"{USERS}/{zwolle.id}")
    foreign_grant = client.put(f"{USERS}/{zwolle.id}/rollen/admin", headers=csrf)
    move_out = client.patch(f"{USERS}/{utrecht.id}", json={"gemeentecode": "GM0193"}, headers=csrf)
    create_out = client.post(
        USERS,
        json={"gebruikersnaam": "x-zwolle", "weergavenaam": "X", "gemeentecode": "GM0193"},
        headers=csrf,
    )
    team_out = client.post(
        "/api/v1/beheer/teams",
        json={"naam": "Regio", "gemeenten": ["GM0344", "GM0193"]},
        headers=csrf,
    )

    assert "werker-utrecht" in listed and "werker-zwolle" not in listed
    assert foreign.status_code == 404 and foreign_grant.status_code == 404
    assert "werker-zwolle" not in foreign.text
    assert move_out.status_code == create_out.status_code == team_out.status_code == 403
    assert move_out.json()["code"] == "BUITEN_BEHEERGEBIED"


def test_a_regional_admin_administers_the_team_municipalities(
    accounts_db: str, new_client: Callable[[], TestClient]
) -> None:
    admin = make_user(accounts_db, "beheer-regio", UserRole.ADMIN, gemeentecode=None, totp=True)
    make_team(accounts_db, "Regio Zwolle", ["GM0193", "GM0148"], [admin.id])
    dalfsen = make_user(
        accounts_db, "werker-dalfsen", UserRole.SCHULDHULPVERLENER, gemeentecode="GM0148"
    )
    client = new_client()
    csrf = {"X-CSRF-Token": login(client, admin)}

    team = client.post(
        "/api/v1/beheer/teams", json={"naam": "Dalfsen", "gemeenten": ["GM0148"]}, headers=csrf
    )
    member = client.put(
        f"/api/v1/beheer/teams/{team.json()['id']}/leden/{dalfsen.id}", headers=csrf
    )

    assert team.status_code == 201 and member.status_code == 200
    assert member.json()["leden"] == [dalfsen.id]
    assert client.get(f"{USERS}/{dalfsen.id}").json()["teams"] == [team.json()["id"]]


def test_team_municipalities_widen_the_members_reach(
    accounts_db: str,
    utrecht_admin: tuple[TestClient, dict[str, str]],
    new_client: Callable[[], TestClient],
) -> None:
    client, csrf = utrecht_admin
    worker = make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER, gemeentecode=None)
    team = client.post(
        "/api/v1/beheer/teams", json={"naam": "Vroeg Eropaf", "gemeenten": ["GM0344"]}, headers=csrf
    ).json()

    client.put(f"/api/v1/beheer/teams/{team['id']}/leden/{worker.id}", headers=csrf)
    worker_client = new_client()
    login(worker_client, worker)

    assert worker_client.get("/api/v1/sessies/huidige").json()["gebruiker"]["gemeenten"] == [
        "GM0344"
    ]
    removed = client.delete(f"/api/v1/beheer/teams/{team['id']}/leden/{worker.id}", headers=csrf)
    assert removed.json()["leden"] == []
    assert worker_client.get("/api/v1/sessies/huidige").json()["gebruiker"]["gemeenten"] == []


def test_reset_totp_ends_sessions_and_asks_for_a_new_one(
    accounts_db: str,
    utrecht_admin: tuple[TestClient, dict[str, str]],
    new_client: Callable[[], TestClient],
) -> None:
    client, csrf = utrecht_admin
    worker = make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER, totp=True)
    worker_client = new_client()
    login(worker_client, worker)

    reset = client.delete(f"{USERS}/{worker.id}/totp", headers=csrf)

    assert reset.status_code == 200 and reset.json()["totp"] is False
    assert worker_client.get("/api/v1/sessies/huidige").status_code == 401
    assert any(a == "gebruiker.totp_resetten" for a, _, _ in _audit(accounts_db))


def test_admin_cannot_lock_themselves_out(
    accounts_db: str, utrecht_admin: tuple[TestClient, dict[str, str]]
) -> None:
    client, csrf = utrecht_admin
    me = client.get("/api/v1/sessies/huidige").json()["gebruiker"]["id"]

    assert client.patch(f"{USERS}/{me}", json={"actief": False}, headers=csrf).status_code == 403
    assert client.delete(f"{USERS}/{me}/rollen/admin", headers=csrf).status_code == 403


@pytest.mark.parametrize(
    "role", [UserRole.SCHULDHULPVERLENER, UserRole.TEAMLEIDER, UserRole.MANAGER]
)
def test_other_roles_may_not_administer(
    accounts_db: str, new_client: Callable[[], TestClient], role: UserRole
) -> None:
    client = new_client()
    csrf = {"X-CSRF-Token": login(client, make_user(accounts_db, "iemand", role))}

    assert client.get(USERS).status_code == 403
    assert client.get("/api/v1/beheer/teams").status_code == 403
    answer = client.post(USERS, json={"gebruikersnaam": "x1", "weergavenaam": "X"}, headers=csrf)
    assert answer.status_code == 403 and answer.json()["code"] == "GEEN_TOEGANG"


def test_anonymous_gets_401_problem_json(client: TestClient) -> None:
    answer = client.get(USERS)
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "NIET_GEAUTHENTICEERD"


def test_control_characters_in_names_are_a_bad_request(
    utrecht_admin: tuple[TestClient, dict[str, str]],
) -> None:
    client, csrf = utrecht_admin
    answer = client.post(
        USERS, json={"gebruikersnaam": "x1", "weergavenaam": "nul\x00teken"}, headers=csrf
    )
    assert answer.status_code == 400 and answer.json()["invalidParams"][0]["veld"].endswith(
        "weergavenaam"
    )
