# SPDX-License-Identifier: EUPL-1.2
"""Logging in through the web pages in Chromium: password and TOTP, setting TOTP up,
wrong passwords, the same without JavaScript; the public pages; no request outside the
app. Marked `browser` by tests/browser/conftest.py."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.accounts import PASSWORD, make_user
from tests.browser.conftest import LiveApp
from tests.browser.web import account, check_page, unique, web_login
from vroegsignaal.accounts.principal import UserRole
from vroegsignaal.accounts.totp import code_at
from vroegsignaal.dates import utc_now


def test_login_page_is_accessible_and_refuses_a_wrong_password(
    page: Page, live_app: LiveApp
) -> None:
    page.goto(f"{live_app.base_url}/")
    expect(page).to_have_url(re.compile(r"/aanmelden\?terug=/$"))
    check_page(page, "aanmelden")

    page.get_by_label("Gebruikersnaam").fill("niemand-bekend")
    page.get_by_label("Wachtwoord").fill("helemaal-fout-wachtwoord")
    page.get_by_role("button", name="Aanmelden").click()

    expect(page.get_by_role("alert")).to_contain_text("klopt niet")
    assert page.get_by_label("Wachtwoord").input_value() == ""  # never echoed
    check_page(page)


def test_worker_logs_in_with_password_and_totp_and_out_again(
    page: Page, live_app: LiveApp
) -> None:
    worker = account(live_app.database_url, "w", UserRole.SCHULDHULPVERLENER)

    web_login(page, live_app.base_url, worker, "/instellingen")

    expect(page.get_by_role("heading", name="Instellingen")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("Gemeente Utrecht")
    cookies = {c["name"]: c for c in page.context.cookies(live_app.base_url)}
    assert cookies["__Host-vroegsignaal"]["httpOnly"] and cookies["__Host-vroegsignaal"]["secure"]
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("status")).to_contain_text("afgemeld")
    page.goto(f"{live_app.base_url}/instellingen")
    expect(page).to_have_url(re.compile(r"/aanmelden\?terug=/instellingen"))


def test_first_login_sets_totp_up_with_the_shown_key(page: Page, live_app: LiveApp) -> None:
    name = unique("nieuw")
    make_user(live_app.database_url, name, UserRole.SCHULDHULPVERLENER)  # no TOTP yet

    page.goto(f"{live_app.base_url}/aanmelden")
    page.get_by_label("Gebruikersnaam").fill(name)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("heading", name="Tweestapsverificatie instellen")).to_be_visible()
    page.get_by_role("button", name="Sleutel maken").click()
    key = page.locator(".vs-sleutel").inner_text().replace(" ", "")
    expect(page.get_by_role("img", name=re.compile("QR-code"))).to_be_visible()
    check_page(page)
    page.get_by_label("Code uit uw app").fill(code_at(key, utc_now()))
    page.get_by_role("button", name="Verder").click()

    expect(page).to_have_url(f"{live_app.base_url}/werkvoorraad")


def test_login_works_without_javascript(no_js_page: Page, live_app: LiveApp) -> None:
    admin = account(live_app.database_url, "b", UserRole.ADMIN)

    web_login(no_js_page, live_app.base_url, admin, "/beheer")

    expect(no_js_page.get_by_role("heading", name="Beheer", exact=True)).to_be_visible()


def test_public_pages_load_nothing_from_outside(page: Page, live_app: LiveApp) -> None:
    page.goto(f"{live_app.base_url}/toegankelijkheidsverklaring")
    expect(page.get_by_role("heading", name="Toegankelijkheidsverklaring")).to_be_visible()
    check_page(page, "toegankelijkheidsverklaring")

    page.goto(f"{live_app.base_url}/api/v1/docs")
    expect(page.get_by_text("vroegsignaal API").first).to_be_visible()
    page.wait_for_load_state("networkidle")
