# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal users`, `keys api`, `serve` and the demo accounts, on SQLite."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli import app
from vroegsignaal.config import get_settings

runner = CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite3")
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    yield tmp_path
    get_settings.cache_clear()


def _ok(args: list[str], stdin: str | None = None) -> str:
    result = runner.invoke(app, args, input=stdin)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def _api(workdir: Path) -> TestClient:
    from api.main import create_app

    return TestClient(create_app(), base_url="https://testserver")


def test_users_create_grant_list_deactivate(workdir: Path) -> None:
    out = _ok(
        [
            "users",
            "create",
            "J.Jansen",
            "--weergavenaam",
            "Jan Jansen",
            "-g",
            "GM0344",
            "--rol",
            "schuldhulpverlener",
            "--wachtwoord-stdin",
        ],
        stdin="een lang wachtwoord\n",
    )
    assert "j.jansen" in out and "schuldhulpverlener (beheer)" in out
    assert "teamleider" in _ok(["users", "grant", "j.jansen", "teamleider"])
    assert "teamleider" not in _ok(["users", "revoke", "j.jansen", "teamleider"])
    listed = _ok(["users", "list"])
    assert "j.jansen" in listed and "GM0344" in listed
    assert "gedeactiveerd" in _ok(["users", "deactivate", "j.jansen"])
    assert "actief" in _ok(["users", "activate", "j.jansen"])

    refused = runner.invoke(app, ["users", "create", "j.jansen"])
    assert refused.exit_code == 1 and "CONFLICT" in refused.output
    weak = runner.invoke(
        app, ["users", "set-password", "j.jansen", "--wachtwoord-stdin"], input="kort\n"
    )
    assert weak.exit_code == 1 and "WACHTWOORD_ONGESCHIKT" in weak.output


def test_password_login_works_for_a_cli_user(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VROEGSIGNAAL_TOTP_REQUIRED", "false")
    get_settings.cache_clear()
    out = _ok(
        [
            "users",
            "create",
            "werker",
            "-g",
            "GM0344",
            "--rol",
            "schuldhulpverlener",
            "--genereer-wachtwoord",
        ]
    )
    password = re.search(r"Wachtwoord \(eenmalig getoond\): (\S+)", out)
    assert password
    with _api(workdir) as client:
        answer = client.post(
            "/api/v1/sessies", json={"gebruikersnaam": "werker", "wachtwoord": password.group(1)}
        )
    assert answer.status_code == 201 and answer.json()["stap"] == "volledig"


def test_teams_totp_reset_and_unlock(workdir: Path) -> None:
    _ok(["users", "create", "werker", "--totp"])
    out = _ok(["users", "team-create", "Regio Zwolle", "-g", "GM0193", "-g", "GM0148"])
    team_id = re.search(r"\(id (\d+)\)", out)
    assert team_id
    _ok(["users", "team-add", team_id.group(1), "werker"])
    listed = _ok(["users", "list"])
    assert "GM0148, GM0193" in listed
    assert "TOTP nee" in _ok(["users", "reset-totp", "werker"])
    _ok(["users", "unlock", "werker"])


def test_api_keys_create_list_rotate_revoke(workdir: Path) -> None:
    out = _ok(
        ["keys", "api", "create", "WBV-TEST", "--naam", "Woonbedrijf", "--signaalpartner", "Huur"]
    )
    key = out.split()[-1]
    assert key.startswith("vs_")
    listed = _ok(["keys", "api", "list", "WBV-TEST"])
    assert key not in listed and key.split("_")[1] in listed

    rotated = _ok(["keys", "api", "rotate", "WBV-TEST", "1", "--overlap-uren", "2"])
    assert "de vorige sleutel werkt tot" in rotated
    new_key = next(w for w in rotated.split() if w.startswith("vs_"))
    assert "ingetrokken" in _ok(["keys", "api", "revoke", "WBV-TEST", "1"])

    with _api(workdir) as client:
        old = client.get("/api/v1/signalen/S-1/status", headers={"X-Api-Key": key})
        new = client.get("/api/v1/signalen/S-1/status", headers={"X-Api-Key": new_key})
    assert (old.status_code, new.status_code) == (401, 404)
    unknown = runner.invoke(app, ["keys", "api", "create", "ONBEKEND"])
    assert unknown.exit_code == 1 and "NIET_GEVONDEN" in unknown.output


def test_keys_from_the_former_setting_keep_working(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    digest = hashlib.sha256(b"oude-sleutel").hexdigest()
    monkeypatch.setenv("VROEGSIGNAAL_API_KEYS", json.dumps({"WBV-OUD": digest}))

    _ok(["keys", "api", "import"])
    _ok(["keys", "api", "import"])  # twice changes nothing

    with _api(workdir) as client:
        answer = client.get("/api/v1/signalen/S-1/status", headers={"X-Api-Key": "oude-sleutel"})
    assert answer.status_code == 404  # known key; no such signal
    assert _ok(["keys", "api", "list"]).count("legacy") == 1


def test_serve_refuses_production_without_real_keys(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VROEGSIGNAAL_ENV", "production")
    monkeypatch.setenv("VROEGSIGNAAL_ENCRYPTION_KEY", "k1:changeme")
    get_settings.cache_clear()

    result = runner.invoke(app, ["serve", "--port", "1"])

    assert result.exit_code == 1
    assert "configuratie geweigerd" in result.output and "placeholder" in result.output


def test_serve_refuses_an_unknown_role_in_the_claim_map(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VROEGSIGNAAL_OIDC_ROLE_MAP", json.dumps({"x": "superuser"}))
    get_settings.cache_clear()

    result = runner.invoke(app, ["serve", "--port", "1"])

    assert result.exit_code == 1 and "OIDC_ROLE_MAP" in result.output


def test_demo_prints_accounts_that_log_in(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VROEGSIGNAAL_DATABASE_URL")
    get_settings.cache_clear()
    out = _ok(["demo", "-g", "GM0344", "-g", "GM0193", "-g", "GM0080", "--maanden", "1"])

    lines = {m.group(1): m.group(2) for m in re.finditer(r"  (\w+) \(.*\): wachtwoord (\S+)", out)}
    assert set(lines) == {"werker", "teamleider", "manager", "beheerder", "verhuurder"}
    assert "werker (schuldhulpverlener; Zwolle, Leeuwarden)" in out
    secret = re.search(r"beheerder \(admin; Utrecht\).*\n    TOTP-geheim (\w+)", out)
    creditor_secret = re.search(r"verhuurder \(schuldeiser .*\n +TOTP-geheim (\w+)", out)
    key = re.search(r"API-sleutel \(header X-Api-Key\) (\S+)", out)
    assert secret and key and creditor_secret
    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", f"sqlite:///{workdir}/var/vroegsignaal.sqlite3")
    get_settings.cache_clear()
    from tests.accounts import TestAccount, login

    with _api(workdir) as client:
        csrf = login(client, TestAccount(0, "beheerder", lines["beheerder"], secret.group(1)))
        users = client.get("/api/v1/beheer/gebruikers", headers={"X-CSRF-Token": csrf})
        creditor = client.get("/api/v1/signalen/S-1/status", headers={"X-Api-Key": key.group(1)})
    with _api(workdir) as browser:  # the creditor's web account reaches its upload page
        login(browser, TestAccount(0, "verhuurder", lines["verhuurder"],
                                   creditor_secret.group(1)))
        upload_page = browser.get("/schuldeiser")
    assert users.status_code == 200
    assert {u["gebruikersnaam"] for u in users.json()} >= {"manager", "beheerder", "verhuurder"}
    assert creditor.status_code == 404
    assert upload_page.status_code == 200 and "Woningcorporatie Woongoed" in upload_page.text
