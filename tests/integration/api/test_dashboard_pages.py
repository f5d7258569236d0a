# SPDX-License-Identifier: EUPL-1.2
"""The managers' dashboard over HTTP with real logins on PostgreSQL: the page shows the
published cells with their charts and tables, the Excel and PDF hold the same numbers as
the KPI API for the same filter, withheld cells stay withheld everywhere, the DDAS
delivery status shows the logged file and pulls, and everyone but the manager of the
municipality is refused (403), in the core."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from api.main import create_app
from cli import app
from tests.accounts import OPERATOR, PASSWORD, TestAccount, login, make_user
from tests.integration.kpi.test_kpi_figures import PEILDATUM, build
from vroegsignaal.accounts import creditors, users
from vroegsignaal.accounts.principal import SYSTEM, UserRole
from vroegsignaal.config import get_settings
from vroegsignaal.dates import utc_now
from vroegsignaal.ddas import pull, status
from vroegsignaal.ddas.delivery import DeliverySpec
from vroegsignaal.kpi import views
from vroegsignaal.kpi.access import KpiForbidden
from vroegsignaal.kpi.dashboard import Filter, manager_dashboard
from vroegsignaal.kpi.publish import refresh_kpis
from vroegsignaal.kpi.views import WITHHELD
from vroegsignaal.storage.db import session_factory, session_scope

pytestmark = pytest.mark.integration



@pytest.fixture
def url(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", pg_url)
    monkeypatch.setenv("VROEGSIGNAAL_TOTP_REQUIRED", "false")
    monkeypatch.setenv("VROEGSIGNAAL_DDAS_GEMEENTEN", '["GM0344"]')
    get_settings.cache_clear()
    with session_factory(pg_url)() as session:
        build(session)
        refresh_kpis(session, jaar=2026, peildatum=PEILDATUM)
    yield pg_url
    get_settings.cache_clear()


def _client(url: str, *roles: UserRole, name: str, gemeentecode: str = "GM0344") -> TestClient:
    client = TestClient(create_app(), base_url="https://testserver")
    login(client, make_user(url, name, *roles, gemeentecode=gemeentecode))
    return client


def _api_cells(client: TestClient, maand: int = 0) -> dict[str, dict[str, list[str]]]:
    """The KPI API's tables of GM0344 in 2026 as {key: {row label: [cell texts]}}, only
    the month's row when `maand` is given."""
    body = client.get("/api/v1/kpi/gemeenten/GM0344?jaar=2026").json()
    month = (views.MONTH_NAMES[maand - 1]
             if maand else None)
    out: dict[str, dict[str, list[str]]] = {}
    for t in body["tables"]:
        rows = {r["label"]: [WITHHELD if c["withheld"] else
                             ("" if c["value"] is None else f"{c['value']:g}")
                             for c in r["cells"]] for r in t["rows"]}
        if month and t["row_header"] == "Maand":
            rows = {month: rows[month]}
        out[t["key"]] = rows
    return out


def _text(value: object) -> str:
    return "" if value is None else value if isinstance(value, str) else f"{value:g}"


@pytest.mark.parametrize("maand", [0, 3])
def test_excel_holds_the_api_numbers_for_the_same_filter(url: str, maand: int) -> None:
    client = _client(url, UserRole.MANAGER, name=f"manager{maand}")
    r = client.get(f"/dashboard/kengetallen.xlsx?jaar=2026&maand={maand}")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxml"), r.text[:500]
    book = load_workbook(io.BytesIO(r.content))
    api = _api_cells(client, maand)
    compared = 0
    for key, rows in api.items():
        sheet = book[key[:28]]
        got = {row[0]: [_text(v) for v in row[1:]]
               for row in sheet.iter_rows(min_row=4, values_only=True)}
        assert got == rows, key
        compared += sum(len(v) for v in rows.values())
    assert compared > 200
    withheld = [c for s in book.worksheets for row in s.iter_rows(min_row=4, values_only=True)
                for c in row if c == WITHHELD]
    assert withheld  # the world has small cells: they stay withheld in the workbook


def test_page_shows_figures_charts_tables_and_suppression(url: str) -> None:
    client = _client(url, UserRole.MANAGER, name="kijker")
    r = client.get("/dashboard?jaar=2026")
    assert r.status_code == 200, r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    html = r.text
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="vs-grafiek" role="img"') == 4
    assert " style=" not in html  # the CSP allows no inline style: charts use attributes
    api = {f["key"]: f for f in client.get("/api/v1/kpi/gemeenten/GM0344?jaar=2026")
           .json()["figures"]}
    assert api["signalen"]["value"] == 90
    figures = dict(re.findall(r"<dt>([^<]+)</dt>\s*<dd>([^<]+)", html))
    assert figures["Signalen"] == "90" and figures["Bereik (zaken met geslaagd contact)"] == "45%"
    assert "&lt;10<span class=\"vs-visueel-verborgen\"> (afgeschermd)" in html
    assert "Vergelijking binnen U16 (regio Utrecht)" in html
    march = client.get("/dashboard/tabel/termijn_eerste_poging.csv?jaar=2026&maand=3")
    assert march.text.splitlines()[1].split(",")[1:5] == ["44", "<10", "0", "12"]


def test_creditor_kind_filter_narrows_the_signals(url: str) -> None:
    client = _client(url, UserRole.MANAGER, name="filteraar")
    csv = client.get("/dashboard/tabel/signalen.csv?jaar=2026&soort=Huur").text.splitlines()
    assert csv[0] == "Maand,Huur"
    api = _api_cells(client)["signalen"]
    column = [*client.get("/api/v1/kpi/gemeenten/GM0344?jaar=2026").json()["tables"][0]
              ["columns"]].index("Huur")
    assert {line.split(",")[0]: line.split(",")[1] for line in csv[1:]} == {
        label: cells[column] for label, cells in api.items()}
    assert client.get("/dashboard?soort=Onzin").status_code == 422


def test_pdf_report_has_the_same_numbers_and_the_theme(url: str) -> None:
    client = _client(url, UserRole.MANAGER, name="lezer")
    r = client.get("/dashboard/maandrapport.pdf?jaar=2026&maand=3")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    text = " ".join(text.split())
    assert "maandrapport maart 2026" in text and "Gemeente Utrecht" in text
    assert "Registratiekwaliteit" in text and "Vergelijking binnen U16" in text
    api = client.get("/api/v1/kpi/regios/RG-U16/vergelijking?jaar=2026")
    assert api.status_code == 200  # a manager of one U16 municipality reads its comparison
    api = _api_cells(client, 3)
    assert api["termijn_eerste_poging"]["mrt"][:4] == ["44", WITHHELD, "0", "12"]
    month_rows = {key: rows["mrt"] for key, rows in api.items() if "mrt" in rows}
    assert len(month_rows) >= 15
    for key, cells in month_rows.items():  # every month table's row, as the API has it
        assert " ".join(["mrt", *(c for c in cells if c)]) in text, key
    with session_scope(url) as session:
        view = manager_dashboard(session, SYSTEM, "GM0344", Filter(2026, 3))
    assert f"Afgeschermde cellen: {view.withheld}." in text


def test_ddas_status_shows_the_last_file_and_the_pulls(url: str, tmp_path: Path) -> None:
    with session_scope(url) as session:
        report = status.export_file(session, DeliverySpec(
            "GM0344", PEILDATUM.replace(month=1, day=1), PEILDATUM), tmp_path / "d.json")
        out = io.BytesIO()
        pull.answer(session, pull.DdasCaller("cbs-ddas"), pull.PullRequest(
            aanleverperiodeStartdatum=PEILDATUM.replace(month=1, day=1),
            aanleverperiodeEinddatum=PEILDATUM, aanleverendeOrganisatie="GM0344"), out)
    assert (tmp_path / "d.json.rapport.json").is_file() and report.vroegsignalen > 0
    client = _client(url, UserRole.MANAGER, name="leveraar")
    html = client.get("/dashboard?jaar=2026").text
    section = html[html.index('id="ddas"'):html.index('id="tabellen"')]
    assert f"{report.vroegsignalen} vroegsignalen" in section
    assert "Geldig volgens DDAS v1.2" in section
    assert "cbs-ddas" in section and "1 van 1" in section


def _creditor_client(url: str) -> TestClient:
    """A creditor's web account (TOTP: creditors always have a second factor), logged in."""
    with session_scope(url) as session:
        creditors.register(session, OPERATOR, code="VERHUUR-DB", naam="Verhuurder",
                           signaalpartner="Huur", now=utc_now())
        view = users.create_user(session, OPERATOR, gebruikersnaam="verhuurder-db",
                                 weergavenaam="Vera", gemeentecode=None, password=PASSWORD,
                                 schuldeiser="VERHUUR-DB", now=utc_now())
        secret = users.assign_totp(session, OPERATOR, view.id, settings=get_settings())
    client = TestClient(create_app(), base_url="https://testserver")
    login(client, TestAccount(view.id, view.gebruikersnaam, PASSWORD, secret))
    return client


@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/kengetallen.xlsx",
                                  "/dashboard/tabel/signalen.csv",
                                  "/dashboard/maandrapport.pdf"])
def test_only_the_municipalitys_manager_gets_in(url: str, path: str) -> None:
    worker = _client(url, UserRole.SCHULDHULPVERLENER, name="werker")
    assert worker.get(path + "?jaar=2026").status_code == 403
    lead = _client(url, UserRole.TEAMLEIDER, name="teamleider")
    assert lead.get(path + "?jaar=2026").status_code == 403
    other = _client(url, UserRole.MANAGER, name="amsterdammer", gemeentecode="GM0363")
    refused = other.get(path + "?jaar=2026&gemeente=GM0344")
    assert refused.status_code == 403 and "90" not in refused.text
    creditor = _creditor_client(url).get(path, follow_redirects=False)
    assert creditor.status_code == 403, (creditor.status_code, creditor.headers)
    anonymous = TestClient(create_app(), base_url="https://testserver").get(
        path, follow_redirects=False)
    assert anonymous.status_code == 303 and "/aanmelden" in anonymous.headers["location"]


def test_the_core_refuses_a_worker(url: str) -> None:
    with session_scope(url) as session:
        from vroegsignaal.accounts.principal import load_principal

        worker = make_user(url, "kern-werker", UserRole.SCHULDHULPVERLENER)
        principal = load_principal(session, worker.id)
        assert principal is not None
        with pytest.raises(KpiForbidden):
            manager_dashboard(session, principal, "GM0344", Filter(2026))
        with pytest.raises(KpiForbidden):
            status.delivery_status(session, principal, "GM0344")


def test_the_command_line_writes_the_report(url: str, tmp_path: Path) -> None:
    out = tmp_path / "rapport.pdf"
    result = CliRunner().invoke(app, ["kpi", "rapport", "--gemeente", "GM0344", "--jaar",
                                      "2026", "--maand", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert "maandrapport maart 2026" in text and "Kerncijfers" in text
    refused = CliRunner().invoke(app, ["kpi", "rapport", "--gemeente", "GM0344", "--maand",
                                       "13", "--out", str(out)])
    assert refused.exit_code != 0
