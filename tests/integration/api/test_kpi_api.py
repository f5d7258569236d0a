# SPDX-License-Identifier: EUPL-1.2
"""The managers' KPI API: figures and downloads for a manager's own municipality, refused
(problem+json) for a worker and for another municipality; downloads hold no withheld value."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.deps import current_principal
from api.main import create_app
from tests.integration.kpi.test_kpi_figures import PEILDATUM, build
from vroegsignaal.config import get_settings
from vroegsignaal.kpi.publish import refresh_kpis
from vroegsignaal.storage.db import session_factory

pytestmark = pytest.mark.integration


@pytest.fixture
def client(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from tests.casework import build_world, principal_override  # issue 10's test world

    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", pg_url)
    get_settings.cache_clear()
    with session_factory(pg_url)() as session:
        build_world(session)
        build(session)
        refresh_kpis(session, jaar=2026, peildatum=PEILDATUM)
    app = create_app()
    app.dependency_overrides[current_principal] = principal_override(pg_url)
    yield TestClient(app)
    get_settings.cache_clear()


def test_manager_reads_figures_and_downloads(client: TestClient) -> None:
    as_manager = {"X-Test-Gebruiker": "manager"}
    r = client.get("/api/v1/kpi/gemeenten/GM0344?jaar=2026", headers=as_manager)
    assert r.status_code == 200, r.text
    figures = {f["key"]: f for f in r.json()["figures"]}
    assert figures["signalen"]["value"] == 90 and figures["bereik"]["value"] == 45.0
    csv = client.get("/api/v1/kpi/gemeenten/GM0344/tabellen/termijn_eerste_poging"
                     "?jaar=2026&formaat=csv", headers=as_manager)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    march = next(line for line in csv.text.splitlines() if line.startswith("mrt,"))
    assert march.split(",")[1:5] == ["44", "<10", "0", "12"]  # the 4 late ones are withheld
    xlsx = client.get("/api/v1/kpi/gemeenten/GM0344/tabellen/signalen?jaar=2026&formaat=xlsx",
                      headers=as_manager)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["mrt"][-1] == 80 and rows["Totaal"][-1] == 90


@pytest.mark.parametrize(("user", "path", "status"), [
    ("schuldhulpverlener", "/api/v1/kpi/gemeenten/GM0344", 403),
    ("manager", "/api/v1/kpi/gemeenten/GM0363", 403),
    ("manager", "/api/v1/kpi/regios/RG-U16", 403),  # serves Utrecht, not all of U16
    ("manager", "/api/v1/kpi/regios/RG-NERGENS", 404),
    ("manager", "/api/v1/kpi/gemeenten/GM0344/tabellen/bestaat_niet", 404),
    ("verlopen", "/api/v1/kpi/gemeenten/GM0344", 401),
])
def test_refusals_are_problem_json(client: TestClient, user: str, path: str,
                                   status: int) -> None:
    r = client.get(path, headers={"X-Test-Gebruiker": user})
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "Utrecht" not in r.text
