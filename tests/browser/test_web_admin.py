# SPDX-License-Identifier: EUPL-1.2
"""An admin in Chromium: the admin pages pass axe, a theme with too little contrast is
refused and a good one changes the header, the letter template's preview shows the
example people (never a resident) and loads nothing from outside. Marked `browser`."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveApp
from tests.browser.web import account, check_page, web_login
from vroegsignaal.accounts.principal import UserRole


def test_admin_pages_are_accessible(page: Page, live_app: LiveApp) -> None:
    admin = account(live_app.database_url, "beheer", UserRole.ADMIN)
    web_login(page, live_app.base_url, admin, "/beheer")

    check_page(page, "beheer")
    for path, heading, shot in (
        ("/beheer/gebruikers", "Gebruikers", "beheer-gebruikers"),
        ("/beheer/teams", "Teams", None),
        ("/beheer/schuldeisers", "Schuldeisers", None),
        ("/beheer/gemeenten/GM0344/thema", "Thema en schuldhulpcontact: Utrecht", None),
        ("/beheer/gemeenten/GM0344/brieven", "Brief en sms: Utrecht", "beheer-brieven"),
    ):
        page.goto(live_app.base_url + path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        check_page(page, shot)


def test_theme_is_checked_for_contrast_and_then_shown(page: Page, live_app: LiveApp) -> None:
    admin = account(live_app.database_url, "thema", UserRole.ADMIN, gemeentecode="GM0193")
    web_login(page, live_app.base_url, admin, "/beheer/gemeenten/GM0193/thema")

    page.get_by_label("Hoofdkleur (kop, knoppen)").fill("#ffdd00")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_role("alert").last).to_contain_text("tekst op de hoofdkleur")

    page.get_by_label("Hoofdkleur (kop, knoppen)").fill("#0b5d1e")
    page.get_by_label("Naam zoals in de kop en op brieven").fill("Gemeente Zwolle")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Opgeslagen")
    header = page.locator("header.vs-kop")
    expect(header).to_contain_text("Gemeente Zwolle")
    # Retried until the theme's stylesheet has loaded (read at once it raced the load).
    expect(header).to_have_css("background-color", "rgb(11, 93, 30)")


def test_letter_preview_uses_example_people_and_is_accessible(
    page: Page, live_app: LiveApp
) -> None:
    admin = account(live_app.database_url, "brief", UserRole.ADMIN)
    web_login(page, live_app.base_url, admin, "/beheer/gemeenten/GM0344/brieven")

    page.goto(f"{live_app.base_url}/beheer/gemeenten/GM0344/brieven/voorbeeld")
    expect(page.get_by_text("A.B. van der Voorbeeld-Proefpersoon").first).to_be_visible()
    check_page(page, "briefvoorbeeld")

    page.goto(f"{live_app.base_url}/beheer/gemeenten/GM0344/brieven")
    sms = page.get_by_label(re.compile("Sjabloon van de sms"))
    sms.fill("Beste {{ inwoner.naam }}, bel ons: {{ medewerker.telefoon }} [€]")
    expect(page.locator("#sms-lengte")).to_contain_text("1 bericht")  # htmx, while typing
    page.get_by_role("button", name="Opslaan").last.click()
    expect(page.get_by_role("status")).to_contain_text("Opgeslagen")
