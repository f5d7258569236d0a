# SPDX-License-Identifier: EUPL-1.2
"""Security basics of the login (issue 10): cookies, fixation, CSRF, lockout, TOTP, expiry.

Real PostgreSQL, the real app through its HTTP interface; time passes by moving the
stored timestamps back, as the clock would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update

from tests.accounts import PASSWORD, current_code, login, make_user
from vroegsignaal.accounts.principal import UserRole
from vroegsignaal.accounts.sessions import COOKIE_NAME, token_hash
from vroegsignaal.storage.db import session_scope
from vroegsignaal.storage.tables import AuditLog, Sessie

pytestmark = pytest.mark.integration
ME = "/api/v1/sessies/huidige"
JAR_DOMAIN = "testserver.local"  # where httpx keeps the cookies of https://testserver


def _password_login(client: TestClient, name: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/sessies", json={"gebruikersnaam": name, "wachtwoord": password})


def _set_cookie(response) -> str:  # type: ignore[no-untyped-def]
    (cookie,) = [c for c in response.headers.get_list("set-cookie") if c.startswith(COOKIE_NAME)]
    return cookie


def _actions(url: str) -> list[tuple[str, str]]:
    with session_scope(url) as session:
        rows = session.execute(select(AuditLog.actie, AuditLog.details).order_by(AuditLog.id))
        return [(actie, details["resultaat"]) for actie, details in rows]


def test_session_cookie_is_host_only_secure_httponly_lax(
    accounts_db: str, client: TestClient
) -> None:
    make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER)

    answer = _password_login(client, "werker")

    assert answer.status_code == 201, answer.text
    cookie = _set_cookie(answer)
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert cookie.startswith("__Host-vroegsignaal=")
    assert {"secure", "httponly", "samesite", "path", "max-age"} <= attributes
    assert "domain" not in attributes
    assert "samesite=lax" in cookie.lower() and "path=/" in cookie.lower()
    assert answer.headers["cache-control"] == "no-store"


def test_login_issues_a_new_session_id_and_ends_the_one_presented(
    accounts_db: str, client: TestClient
) -> None:
    make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER)
    login(client, make_user(accounts_db, "ander", UserRole.SCHULDHULPVERLENER))
    planted = client.cookies[COOKIE_NAME]  # a live session an attacker could have planted

    answer = _password_login(client, "werker")

    fresh = client.cookies[COOKIE_NAME]
    assert answer.status_code == 201 and fresh != planted
    assert client.get(ME).json()["gebruiker"]["gebruikersnaam"] == "werker"
    with session_scope(accounts_db) as session:
        assert session.get(Sessie, token_hash(planted)) is None
        assert session.get(Sessie, token_hash(fresh)) is not None
        assert len(session.execute(select(Sessie)).all()) == 1
    client.cookies.set(COOKIE_NAME, planted, domain=JAR_DOMAIN)
    assert client.get(ME).status_code == 401


def test_a_made_up_session_id_is_never_adopted(accounts_db: str, client: TestClient) -> None:
    make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER)
    client.cookies.set(COOKIE_NAME, "chosen-by-the-attacker", domain=JAR_DOMAIN)

    _password_login(client, "werker")

    assert client.cookies[COOKIE_NAME] != "chosen-by-the-attacker"
    with session_scope(accounts_db) as session:
        assert session.get(Sessie, token_hash("chosen-by-the-attacker")) is None


def test_state_changing_requests_need_the_csrf_token(accounts_db: str, client: TestClient) -> None:
    csrf = login(client, make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER))

    without = client.delete(ME)
    wrong = client.delete(ME, headers={"X-CSRF-Token": "x" * 43})
    assert (without.status_code, wrong.status_code) == (403, 403)
    assert without.json()["code"] == "CSRF_CONTROLE_MISLUKT"
    assert without.headers["content-type"] == "application/problem+json"
    assert client.get(ME).status_code == 200  # still logged in: nothing happened

    assert client.delete(ME, headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get(ME).status_code == 401


def test_an_html_form_carries_the_csrf_token_as_a_field(
    accounts_db: str, client: TestClient
) -> None:
    csrf = login(client, make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER))

    refused = client.request("DELETE", ME, data={"csrf_token": "fout"})
    accepted = client.request("DELETE", ME, data={"csrf_token": csrf})

    assert refused.status_code == 403 and accepted.status_code == 204


def test_requests_from_another_site_are_refused_even_with_the_token(
    accounts_db: str, client: TestClient
) -> None:
    csrf = login(client, make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER))

    cross_site = client.delete(ME, headers={"X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"})
    other_origin = client.delete(
        ME, headers={"X-CSRF-Token": csrf, "Origin": "https://elders.example"}
    )
    login_from_elsewhere = client.post(
        "/api/v1/sessies",
        json={"gebruikersnaam": "werker", "wachtwoord": PASSWORD},
        headers={"Origin": "https://elders.example"},
    )

    assert cross_site.status_code == other_origin.status_code == 403
    assert login_from_elsewhere.status_code == 403
    assert (
        client.delete(
            ME, headers={"X-CSRF-Token": csrf, "Origin": "https://testserver"}
        ).status_code
        == 204
    )


def test_lockout_after_repeated_failures_and_names_answer_alike(
    accounts_db: str, new_client: Callable[[], TestClient]
) -> None:
    make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER)
    answers: dict[str, list[int]] = {}
    for name in ("werker", "bestaat-niet"):
        client = new_client()
        answers[name] = [
            _password_login(client, name, "fout-wachtwoord").status_code for _ in range(6)
        ]
    # the right password no longer helps while the name is blocked
    blocked = _password_login(new_client(), "werker")

    assert answers["werker"] == answers["bestaat-niet"] == [401] * 5 + [429]
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "TE_VEEL_POGINGEN"
    assert 0 < int(blocked.headers["retry-after"]) <= 15 * 60
    actions = _actions(accounts_db)
    assert actions.count(("aanmelden.vergrendeld", "vergrendeld")) == 2
    assert ("aanmelden", "geblokkeerd") in actions


def test_back_off_doubles_after_a_block_ends(accounts_db: str, client: TestClient) -> None:
    make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER)
    for _ in range(5):
        _password_login(client, "werker", "fout-wachtwoord")
    with session_scope(accounts_db) as session:  # the 15-minute block has passed
        session.execute(
            text(
                "UPDATE aanmeld_teller SET geblokkeerd_tot = now() - interval '1 second', "
                "laatst_mislukt_op = now() - interval '15 minutes' WHERE soort = 'account'"
            )
        )
        session.commit()

    again = _password_login(client, "werker", "fout-wachtwoord")
    blocked = _password_login(client, "werker")

    assert again.status_code == 401
    assert blocked.status_code == 429
    assert 15 * 60 < int(blocked.headers["retry-after"]) <= 30 * 60


def test_success_clears_the_count(accounts_db: str, client: TestClient) -> None:
    make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER)
    for _ in range(4):
        _password_login(client, "werker", "fout-wachtwoord")
    assert _password_login(client, "werker").status_code == 201
    for _ in range(4):
        assert _password_login(client, "werker", "fout-wachtwoord").status_code == 401


def test_one_source_trying_many_names_is_blocked(
    accounts_db: str, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vroegsignaal.config import get_settings

    monkeypatch.setenv("VROEGSIGNAAL_LOGIN_SOURCE_MAX_FAILURES", "4")
    get_settings.cache_clear()
    make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER)

    codes = [_password_login(client, f"naam-{i}", "fout-wachtwoord").status_code for i in range(4)]
    blocked = _password_login(client, "werker")

    assert codes == [401] * 4  # the fourth failure blocks the source from the next attempt on
    assert blocked.status_code == 429


def test_deactivated_account_fails_like_a_wrong_password(
    accounts_db: str, client: TestClient
) -> None:
    account = make_user(accounts_db, "weg", UserRole.SCHULDHULPVERLENER)
    with session_scope(accounts_db) as session:
        session.execute(
            text("UPDATE gebruiker SET actief = false WHERE id = :id"), {"id": account.id}
        )
        session.commit()

    answer = _password_login(client, "weg")

    assert answer.status_code == 401 and answer.json()["code"] == "AANMELDEN_MISLUKT"


@pytest.mark.parametrize("required", ["true", "false"])
def test_totp_required_where_configured(
    accounts_db: str, client: TestClient, monkeypatch: pytest.MonkeyPatch, required: str
) -> None:
    from vroegsignaal.config import get_settings

    monkeypatch.setenv("VROEGSIGNAAL_TOTP_REQUIRED", required)
    get_settings.cache_clear()
    make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER)

    answer = _password_login(client, "werker")

    expected = "totp-inschrijving" if required == "true" else "volledig"
    assert answer.json()["stap"] == expected
    assert client.get(ME).status_code == (401 if required == "true" else 200)


def test_admins_always_need_totp_and_enrol_at_first_login(
    accounts_db: str, client: TestClient
) -> None:
    make_user(accounts_db, "beheerder", UserRole.ADMIN)

    first = _password_login(client, "beheerder").json()
    csrf = {"X-CSRF-Token": first["csrfToken"]}
    # half-logged-in: no rights yet
    assert first["stap"] == "totp-inschrijving" and first["gebruiker"] is None
    assert client.get("/api/v1/beheer/gebruikers").status_code == 401
    assert (
        client.post(
            "/api/v1/sessies/huidige/totp", json={"code": "123456"}, headers=csrf
        ).status_code
        == 409
    )
    enrolment = client.post("/api/v1/sessies/huidige/totp-inschrijving", headers=csrf)
    assert enrolment.status_code == 201
    secret = enrolment.json()["geheim"]
    assert enrolment.json()["otpauthUri"].startswith("otpauth://totp/vroegsignaal:beheerder?")
    pending = client.cookies[COOKIE_NAME]

    done = client.post(
        "/api/v1/sessies/huidige/totp", json={"code": current_code(secret)}, headers=csrf
    )

    assert done.status_code == 200, done.text
    assert done.json()["stap"] == "volledig"
    assert client.cookies[COOKIE_NAME] != pending  # a new session id after the second factor
    assert (
        client.get(
            "/api/v1/beheer/gebruikers", headers={"X-CSRF-Token": done.json()["csrfToken"]}
        ).status_code
        == 200
    )
    with session_scope(accounts_db) as session:
        stored = session.execute(
            text("SELECT totp_geheim FROM gebruiker WHERE gebruikersnaam = 'beheerder'")
        ).scalar_one()
    assert stored is not None and secret.encode() not in bytes(stored)


def test_wrong_and_replayed_totp_codes_are_refused(
    accounts_db: str, new_client: Callable[[], TestClient]
) -> None:
    account = make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER, totp=True)
    assert account.totp_secret
    code = current_code(account.totp_secret)

    first = new_client()
    body = _password_login(first, "werker").json()
    assert body["stap"] == "totp"
    csrf = {"X-CSRF-Token": body["csrfToken"]}
    wrong = "000000" if code != "000000" else "111111"
    assert (
        first.post("/api/v1/sessies/huidige/totp", json={"code": wrong}, headers=csrf).json()[
            "code"
        ]
        == "CODE_ONJUIST"
    )
    assert (
        first.post("/api/v1/sessies/huidige/totp", json={"code": code}, headers=csrf).status_code
        == 200
    )

    second = new_client()
    body = _password_login(second, "werker").json()
    replay = second.post(
        "/api/v1/sessies/huidige/totp",
        json={"code": code},
        headers={"X-CSRF-Token": body["csrfToken"]},
    )
    assert replay.status_code == 401 and replay.json()["code"] == "CODE_ONJUIST"


def test_idle_session_expires(accounts_db: str, client: TestClient) -> None:
    login(client, make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER))
    token = client.cookies[COOKIE_NAME]
    with session_scope(accounts_db) as session:
        session.execute(
            update(Sessie)
            .where(Sessie.sleutel_hash == token_hash(token))
            .values(laatst_actief_op=Sessie.laatst_actief_op - dt.timedelta(minutes=31))
        )
        session.commit()

    answer = client.get(ME)

    assert answer.status_code == 401 and answer.json()["code"] == "SESSIE_VERLOPEN"
    with session_scope(accounts_db) as session:
        assert session.get(Sessie, token_hash(token)) is None


def test_session_expires_absolutely_even_when_used(accounts_db: str, client: TestClient) -> None:
    login(client, make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER))
    assert client.get(ME).status_code == 200
    with session_scope(accounts_db) as session:
        session.execute(
            update(Sessie).values(verloopt_op=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
        session.commit()

    assert client.get(ME).json()["code"] == "SESSIE_VERLOPEN"


def test_deactivation_ends_sessions_at_once(
    accounts_db: str, new_client: Callable[[], TestClient]
) -> None:
    worker_client, admin_client = new_client(), new_client()
    worker = make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER)
    login(worker_client, worker)
    csrf = login(admin_client, make_user(accounts_db, "beheerder", UserRole.ADMIN, totp=True))

    answer = admin_client.patch(
        f"/api/v1/beheer/gebruikers/{worker.id}",
        json={"actief": False},
        headers={"X-CSRF-Token": csrf},
    )

    assert answer.status_code == 200 and answer.json()["actief"] is False
    assert worker_client.get(ME).status_code == 401


def test_logins_and_logouts_are_in_the_audit_trail(accounts_db: str, client: TestClient) -> None:
    csrf = login(client, make_user(accounts_db, "werker", UserRole.SCHULDHULPVERLENER))
    client.delete(ME, headers={"X-CSRF-Token": csrf})
    _password_login(client, "werker", "fout-wachtwoord")

    actions = _actions(accounts_db)

    assert ("aanmelden", "ok") in actions and ("afmelden", "ok") in actions
    assert ("aanmelden", "mislukt") in actions
    with session_scope(accounts_db) as session:
        text_of_log = str(session.execute(select(AuditLog.details)).scalars().all())
    assert "fout-wachtwoord" not in text_of_log and PASSWORD not in text_of_log


@pytest.mark.parametrize("name", ["nul\x00teken", "tab\tnaam", "é" * 80])
def test_odd_login_names_fail_like_any_other(client: TestClient, name: str) -> None:
    answer = _password_login(client, name, "fout-wachtwoord")
    assert answer.status_code == 401 and answer.json()["code"] == "AANMELDEN_MISLUKT"


def test_odd_login_names_longer_than_allowed_are_a_bad_request(client: TestClient) -> None:
    answer = _password_login(client, "x" * 81, "fout-wachtwoord")
    assert answer.status_code == 400 and answer.json()["code"] == "ONGELDIG_VERZOEK"
