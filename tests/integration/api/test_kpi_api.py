# SPDX-License-Identifier: EUPL-1.2
"""The managers' KPI API with real logins (sessions, CSRF): figures and downloads for a
manager's own municipality; refused (problem+json) for a worker, another municipality,
a region not wholly served, and without a session. Downloads hold no withheld value."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.main import create_app
from tests.accounts import login, make_user
from tests.integration.kpi.test_kpi_figures import PEILDATUM, build
from vroegsignaal.accounts.principal import UserRole
from vroegsignaal.config import get_settings
from vroegsignaal.kpi.publish import refresh_kpis
from vroegsignaal.storage.db import session_factory

pytestmark = pytest.mark.integration


@pytest.fixture
def url(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", pg_url)
    monkeypatch.setenv("VROEGSIGNAAL_TOTP_REQUIRED", "false")
    get_settings.cache_clear()
    with session_factory(pg_url)() as session:
        build(session)
        refresh_kpis(session, jaar=2026, peildatum=PEILDATUM)
    yield pg_url
    get_settings.cache_clear()


def _client(url: str, *roles: UserRole, name: str) -> TestClient:
    client = TestClient(create_app(), base_url="https://testserver")  # the cookie is Secure
    login(client, make_user(url, name, *roles, gemeentecode="GM0344"))
    return client


def test_manager_reads_figures_and_downloads(url: str) -> None:
    client = _client(url, UserRole.MANAGER, name="manager")
    r = client.get("/api/v1/kpi/gemeenten/GM0344?jaar=2026")
    assert r.status_code == 200, r.text
    figures = {f["key"]: f for f in r.json()["figures"]}
    assert figures["signalen"]["value"] == 90 and figures["bereik"]["value"] == 45.0
    csv = client.get("/api/v1/kpi/gemeenten/GM0344/tabellen/termijn_eerste_poging"
                     "?jaar=2026&formaat=csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    march = next(line for line in csv.text.splitlines() if line.startswith("mrt,"))
    assert march.split(",")[1:5] == ["44", "<10", "0", "12"]  # the 4 late ones are withheld
    xlsx = client.get("/api/v1/kpi/gemeenten/GM0344/tabellen/signalen?jaar=2026&formaat=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["mrt"][-1] == 80 and rows["Totaal"][-1] == 90


@pytest.mark.parametrize(("role", "path", "status"), [
    (UserRole.SCHULDHULPVERLENER, "/api/v1/kpi/gemeenten/GM0344", 403),
    (UserRole.MANAGER, "/api/v1/kpi/gemeenten/GM0363", 403),
    (UserRole.MANAGER, "/api/v1/kpi/regios/RG-U16", 403),  # serves Utrecht, not all of U16
    (UserRole.MANAGER, "/api/v1/kpi/regios/RG-NERGENS", 404),
    (UserRole.MANAGER, "/api/v1/kpi/gemeenten/GM0344/tabellen/bestaat_niet", 404),
    (None, "/api/v1/kpi/gemeenten/GM0344", 401),
])
def test_refusals_are_problem_json(url: str, role: UserRole | None, path: str,
                                   status: int) -> None:
    client = _client(url, role, name="gebruiker") if role else TestClient(create_app(), base_url="https://testserver")
    r = client.get(path)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "Utrecht" not in r.text
