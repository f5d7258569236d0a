# SPDX-License-Identifier: EUPL-1.2
"""Creditor API keys (issue 10): shown once, only a hash stored, rotation with overlap,
revocation, last-used date; the creditor door (`CurrentCreditor`) uses them."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update

from tests.accounts import login, make_user, register_creditor
from tests.factories import signaal
from vroegsignaal.accounts.principal import UserRole
from vroegsignaal.storage.db import session_scope
from vroegsignaal.storage.tables import ApiSleutel, AuditLog

pytestmark = pytest.mark.integration
KEYS = "/api/v1/beheer/schuldeisers/WBV-TEST/api-sleutels"


@pytest.fixture
def admin(
    accounts_db: str, new_client: Callable[[], TestClient]
) -> tuple[TestClient, dict[str, str]]:
    client = new_client()
    csrf = login(client, make_user(accounts_db, "beheerder", UserRole.ADMIN, totp=True))
    headers = {"X-CSRF-Token": csrf}
    created = client.post(
        "/api/v1/beheer/schuldeisers",
        json={"code": "WBV-TEST", "naam": "Woonbedrijf Test", "signaalpartner": "Huur"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    return client, headers


def _status(creditor: TestClient, key: str) -> int:
    return creditor.get("/api/v1/signalen/S-1/status", headers={"X-Api-Key": key}).status_code


def _deliver(creditor: TestClient, key: str) -> int:
    answer = creditor.post(
        "/api/v1/signalen", json=[signaal(schuldeiser="WBV-TEST")], headers={"X-Api-Key": key}
    )
    return answer.status_code


def test_key_is_shown_once_and_only_its_hash_is_stored(
    accounts_db: str, admin: tuple[TestClient, dict[str, str]], new_client: Callable[[], TestClient]
) -> None:
    client, headers = admin

    issued = client.post(KEYS, headers=headers)

    assert issued.status_code == 201, issued.text
    key = issued.json()["sleutel"]
    assert key.startswith(f"vs_{issued.json()['prefix']}_") and len(key) > 40
    listed = client.get(KEYS)
    assert listed.status_code == 200 and key not in listed.text
    assert [k["prefix"] for k in listed.json()] == [issued.json()["prefix"]]
    with session_scope(accounts_db) as session:
        row = session.execute(select(ApiSleutel)).scalar_one()
        assert row.sleutel_hash == hashlib.sha256(key.encode()).hexdigest()
        dump = session.execute(text("SELECT row_to_json(a)::text FROM api_sleutel a")).scalar_one()
        audit = str(session.execute(select(AuditLog.details)).scalars().all())
    assert key not in dump and key.split("_")[-1] not in dump
    assert key not in audit
    assert _deliver(new_client(), key) == 202


def test_last_used_is_recorded(
    accounts_db: str, admin: tuple[TestClient, dict[str, str]], new_client: Callable[[], TestClient]
) -> None:
    client, headers = admin
    key = client.post(KEYS, headers=headers).json()["sleutel"]
    assert client.get(KEYS).json()[0]["laatstGebruiktOp"] is None

    before = dt.datetime.now(dt.UTC)
    assert _status(new_client(), key) == 404  # authenticated; the signal does not exist

    used = dt.datetime.fromisoformat(client.get(KEYS).json()[0]["laatstGebruiktOp"])
    assert before - dt.timedelta(seconds=1) <= used <= dt.datetime.now(dt.UTC)


def test_rotation_keeps_the_old_key_during_the_overlap(
    accounts_db: str, admin: tuple[TestClient, dict[str, str]], new_client: Callable[[], TestClient]
) -> None:
    client, headers = admin
    creditor = new_client()
    old = client.post(KEYS, headers=headers).json()

    rotated = client.post(f"{KEYS}/{old['id']}/rotatie", json={"overlapUren": 24}, headers=headers)

    assert rotated.status_code == 201, rotated.text
    new = rotated.json()
    ends = dt.datetime.fromisoformat(new["voorgangerVerlooptOp"])
    assert dt.timedelta(hours=23) < ends - dt.datetime.now(dt.UTC) <= dt.timedelta(hours=24)
    assert _status(creditor, old["sleutel"]) == 404 and _status(creditor, new["sleutel"]) == 404
    with session_scope(accounts_db) as session:  # the overlap has passed
        session.execute(
            update(ApiSleutel)
            .where(ApiSleutel.id == old["id"])
            .values(verloopt_op=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
        session.commit()
    assert _status(creditor, old["sleutel"]) == 401
    assert _status(creditor, new["sleutel"]) == 404
    assert client.post(f"{KEYS}/{old['id']}/rotatie", json={}, headers=headers).status_code == 404


def test_rotation_without_overlap_ends_the_old_key_at_once(
    admin: tuple[TestClient, dict[str, str]], new_client: Callable[[], TestClient]
) -> None:
    client, headers = admin
    old = client.post(KEYS, headers=headers).json()

    new = client.post(
        f"{KEYS}/{old['id']}/rotatie", json={"overlapUren": 0}, headers=headers
    ).json()

    creditor = new_client()
    assert _status(creditor, old["sleutel"]) == 401
    assert _status(creditor, new["sleutel"]) == 404


def test_revoked_key_is_refused(
    admin: tuple[TestClient, dict[str, str]], new_client: Callable[[], TestClient]
) -> None:
    client, headers = admin
    keep, revoke = (client.post(KEYS, headers=headers).json() for _ in range(2))

    answer = client.delete(f"{KEYS}/{revoke['id']}", headers=headers)

    assert answer.status_code == 200 and answer.json()["ingetrokkenOp"]
    creditor = new_client()
    refused = creditor.get("/api/v1/signalen/S-1/status", headers={"X-Api-Key": revoke["sleutel"]})
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert _deliver(creditor, revoke["sleutel"]) == 401
    assert _status(creditor, keep["sleutel"]) == 404


def test_keys_of_a_deactivated_creditor_are_refused(
    admin: tuple[TestClient, dict[str, str]], new_client: Callable[[], TestClient]
) -> None:
    client, headers = admin
    key = client.post(KEYS, headers=headers).json()["sleutel"]

    off = client.patch(
        "/api/v1/beheer/schuldeisers/WBV-TEST", json={"actief": False}, headers=headers
    )

    assert off.status_code == 200 and off.json()["actief"] is False
    assert _status(new_client(), key) == 401


def test_a_key_delivers_only_for_its_own_creditor(
    accounts_db: str, new_client: Callable[[], TestClient]
) -> None:
    other = register_creditor(accounts_db, "ANDER")
    answer = new_client().post(
        "/api/v1/signalen", json=[signaal(schuldeiser="WBV-TEST")], headers={"X-Api-Key": other.key}
    )
    assert answer.status_code == 403 and answer.json()["code"] == "ANDERE_SCHULDEISER"


def test_key_of_another_creditor_cannot_be_rotated_through_this_one(
    accounts_db: str, admin: tuple[TestClient, dict[str, str]]
) -> None:
    client, headers = admin
    other = register_creditor(accounts_db, "ANDER")

    assert client.post(f"{KEYS}/{other.id}/rotatie", json={}, headers=headers).status_code == 404
    assert client.delete(f"{KEYS}/{other.id}", headers=headers).status_code == 404


def test_only_admins_manage_keys(
    accounts_db: str, admin: tuple[TestClient, dict[str, str]], new_client: Callable[[], TestClient]
) -> None:
    worker = new_client()
    csrf = login(worker, make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER))

    assert worker.get(KEYS).status_code == 403
    assert worker.post(KEYS, headers={"X-CSRF-Token": csrf}).status_code == 403
    assert new_client().get(KEYS).status_code == 401
