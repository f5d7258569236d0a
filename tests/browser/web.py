# SPDX-License-Identifier: EUPL-1.2
"""Helpers for the web-app browser tests: logging in through the pages, accounts per test,
and the accessibility check with a screenshot.

Every test makes its own accounts (a TOTP code is accepted once per 30-second step, so
two logins of one account within a step would be refused as a replay).
"""

from __future__ import annotations

import itertools
import os
import re

from playwright.sync_api import Page, expect

from tests.accounts import TestAccount, current_code, make_user
from tests.browser.helpers import axe_scan, screenshot, serious_or_worse
from vroegsignaal.accounts.principal import UserRole

_names = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{os.getpid()}x{next(_names)}"


def account(
    database_url: str, prefix: str, *roles: UserRole, gemeentecode: str | None = "GM0344"
) -> TestAccount:
    """A new user with `roles` and a TOTP secret (the test settings require TOTP)."""
    return make_user(database_url, unique(prefix), *roles, gemeentecode=gemeentecode, totp=True)


def web_login(page: Page, base_url: str, who: TestAccount, path: str = "/") -> None:
    """Log in through the login pages (password, then the TOTP code) and open `path`."""
    page.goto(f"{base_url}/aanmelden?terug={path}")
    page.get_by_label("Gebruikersnaam").fill(who.gebruikersnaam)
    page.get_by_label("Wachtwoord").fill(who.password)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(re.compile(re.escape(base_url) + r"/aanmelden/code(\?.*)?$"))
    assert who.totp_secret is not None
    page.get_by_label("Code uit uw app").fill(current_code(who.totp_secret))
    page.get_by_role("button", name="Verder").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()


def check_page(page: Page, name: str | None = None) -> None:
    """No serious or critical axe-core violation (WCAG 2.1 AA); `name` saves a screenshot
    as docs/screenshots/<name>.png."""
    violations = serious_or_worse(axe_scan(page))
    assert violations == [], violations
    if name:
        screenshot(page, name)
