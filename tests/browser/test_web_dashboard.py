# SPDX-License-Identifier: EUPL-1.2
"""A manager in Chromium: the dashboard of their municipality with its charts drawn and
their tables, no axe violation, filters and downloads reached with the keyboard alone,
the Excel and CSV downloads holding the withheld cells as "<10"; a manager whose account
serves two municipalities of the region switches between them and downloads the other's
CSV and Excel; a worker is refused the dashboard's downloads. Marked `browser`."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.accounts import make_team
from tests.browser.conftest import LiveApp, serve_live_app
from tests.browser.helpers import axe_scan, screenshot
from tests.browser.web import account, check_page, unique, web_login
from tests.integration.kpi.test_kpi_figures import PEILDATUM, build
from vroegsignaal.accounts.principal import UserRole
from vroegsignaal.kpi.publish import refresh_kpis
from vroegsignaal.storage.db import session_scope


@pytest.fixture(scope="module")
def kpi_app(
    new_postgres_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveApp]:
    """The app on a database of its own with the hand-built KPI world of GM0344
    (tests/kpi_world.py) published: the other modules' zaken would change its figures."""
    with serve_live_app(new_postgres_database(), tmp_path_factory.mktemp("kpi-app")) as app:
        with session_scope(app.database_url) as session:
            build(session)
            refresh_kpis(session, jaar=2026, peildatum=PEILDATUM)
        yield app


def _focus_by_tab(page: Page, name: str, limit: int = 60) -> None:
    """Press Tab until the element named `name` has the focus (fails after `limit`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return ((e.labels && e.labels[0] ? e.labels[0].innerText : e.innerText) || '')"
            ".trim(); }")
        if focused == name:
            return
    raise AssertionError(f"{name!r} not reached with Tab")


def test_manager_sees_charts_and_tables_and_downloads_by_keyboard(
    page: Page, kpi_app: LiveApp, tmp_path: Path
) -> None:
    manager = account(kpi_app.database_url, "manager", UserRole.MANAGER)
    web_login(page, kpi_app.base_url, manager, "/dashboard?jaar=2026")

    expect(page.get_by_role("heading", name="Dashboard Utrecht", exact=True)).to_be_visible()
    charts = page.get_by_role("img", name="Van signaal tot geaccepteerde hulp, 2026",
                              exact=False)
    expect(charts).to_be_visible()
    assert page.locator("svg.vs-grafiek").count() == 4
    assert page.locator("svg.vs-grafiek rect").count() > 3  # the bars are drawn
    box = page.locator("svg.vs-grafiek").first.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150
    expect(page.get_by_text("Vergelijking binnen U16 (regio Utrecht)")).to_be_visible()
    violations = axe_scan(page)
    assert [v["id"] for impact in violations.values() for v in impact] == [], violations
    screenshot(page, "dashboard")

    # The filter with the keyboard only: the period select, then "Toon".
    page.locator("body").focus()
    _focus_by_tab(page, "Periode")
    page.keyboard.press("End")  # the last option: december
    page.keyboard.press("Home")
    for _ in range(3):  # heel het jaar -> januari -> februari -> maart
        page.keyboard.press("ArrowDown")
    _focus_by_tab(page, "Toon")
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard?*maand=3*")
    expect(page.get_by_text("over maart 2026")).to_be_visible()

    _focus_by_tab(page, "Alle tabellen van deze pagina als Excel")
    with page.expect_download() as excel:
        page.keyboard.press("Enter")
    book = load_workbook(io.BytesIO(Path(excel.value.path()).read_bytes()))
    termijn = {r[0]: r[1:] for r in book["termijn_eerste_poging"].iter_rows(
        min_row=4, values_only=True)}
    assert list(termijn) == ["mrt"] and termijn["mrt"][:4] == (44, "<10", 0, 12)

    with page.expect_download() as table:
        page.get_by_role("link", name="Signalen per soort schuldeiser, maart 2026 als CSV").click()
    rows = list(csv.reader(io.StringIO(Path(table.value.path()).read_text("utf-8"))))
    assert rows[0][0] == "Soort schuldeiser" and len(rows) > 1


def test_a_manager_of_two_municipalities_switches_within_the_region(
    page: Page, kpi_app: LiveApp
) -> None:
    manager = account(kpi_app.database_url, "regiomanager", UserRole.MANAGER)
    make_team(kpi_app.database_url, unique("team"), ["GM0344", "GM0310"], [manager.id])
    web_login(page, kpi_app.base_url, manager, "/dashboard?jaar=2026")
    # Without a choice the first municipality served: De Bilt, no figures published yet.
    expect(page.get_by_role("heading", name="Dashboard De Bilt", exact=True)).to_be_visible()

    # The core-checked choice: only the municipalities the account serves are offered.
    choice = page.get_by_label("Gemeente", exact=True)
    assert choice.locator("option").all_inner_texts() == ["GM0310", "GM0344"]
    choice.select_option("GM0344")
    page.get_by_role("button", name="Toon").click()
    page.wait_for_url("**/dashboard?*gemeente=GM0344*")
    expect(page.get_by_role("heading", name="Dashboard Utrecht", exact=True)).to_be_visible()
    assert page.locator("svg.vs-grafiek").count() == 4
    assert page.locator("svg.vs-grafiek rect").count() > 3  # the bars are drawn
    expect(page.get_by_text("Vergelijking binnen U16 (regio Utrecht)")).to_be_visible()
    check_page(page)

    with page.expect_download() as table:
        page.get_by_role("link", name="Vergelijking U16 (regio Utrecht) als CSV").click()
    assert table.value.suggested_filename == "GM0344-2026-vergelijking.csv"
    rows = list(csv.reader(io.StringIO(Path(table.value.path()).read_text("utf-8"))))
    labels = [r[0] for r in rows[1:]]
    assert rows[0][0] == "Gemeente" and "Utrecht" in labels and "De Bilt" in labels, rows

    with page.expect_download() as excel:
        page.get_by_role("link", name="Alle tabellen van deze pagina als Excel").click()
    assert excel.value.suggested_filename == "GM0344-2026.xlsx"
    book = load_workbook(io.BytesIO(Path(excel.value.path()).read_bytes()))
    compared = [r[0] for r in book["vergelijking"].iter_rows(values_only=True)]
    assert "Utrecht" in compared and "De Bilt" in compared, compared

    # A municipality of the region the account does not serve: refused in the core.
    response = page.request.get(kpi_app.base_url + "/dashboard/kengetallen.xlsx?jaar=2026"
                                "&gemeente=GM0312")
    assert response.status == 403


def test_a_worker_cannot_open_the_dashboard_or_its_downloads(
    page: Page, kpi_app: LiveApp
) -> None:
    worker = account(kpi_app.database_url, "werker", UserRole.SCHULDHULPVERLENER)
    web_login(page, kpi_app.base_url, worker, "/instellingen")
    expect(page.get_by_role("link", name="Dashboard")).to_have_count(0)
    for path in ("/dashboard", "/dashboard/kengetallen.xlsx?jaar=2026",
                 "/dashboard/tabel/signalen.csv?jaar=2026&gemeente=GM0363",
                 "/dashboard/kengetallen.xlsx?jaar=2026&gemeente=GM0310"):
        response = page.request.get(kpi_app.base_url + path)
        assert response.status == 403, path


def test_a_teamleider_opens_the_overview_from_the_menu(page: Page, kpi_app: LiveApp) -> None:
    lead = account(kpi_app.database_url, "teamleider", UserRole.TEAMLEIDER)
    web_login(page, kpi_app.base_url, lead, "/werkvoorraad")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Overzicht").click()
    page.wait_for_url("**/overzicht")
    expect(page.get_by_role("heading", name="Overzicht werkvoorraad")).to_be_visible()
    table = page.get_by_role("table", name="Open zaken")
    expect(table.get_by_role("row", name=re.compile("^Open, totaal"))).to_be_visible()
    expect(page.get_by_role("link", name="bekijk in de werkvoorraad")).to_be_visible()
    check_page(page)
    screenshot(page, "overzicht")
