# SPDX-License-Identifier: EUPL-1.2
"""Browser fixtures: Debian's Chromium driven by Playwright, and the app served by uvicorn.

- `browser` (session): /usr/bin/chromium (`make test` installs Debian's chromium) launched
  through Playwright with the flags a closed network needs. Playwright gives each launch
  a fresh, empty profile (user-data-dir) of its own. Playwright's own browser download
  is never used.
- `page` (per test): a fresh context and page, Dutch locale. Every request the page makes
  outside the app (anything but loopback, data:, blob:, file:) is aborted and recorded in
  `external_requests`; the test fails at teardown when there was one.
- `live_app` (session): `api.main:create_app` served by uvicorn in its own process on a
  free loopback port, against a fresh, migrated PostgreSQL database.

Helpers for axe-core scans and screenshots: tests/browser/helpers.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, sync_playwright

from tests.browser.helpers import is_inside_app
from tests.live_server import serve_app
from vroegsignaal.storage.seed import prepare_database

CHROMIUM_ENV = "VROEGSIGNAAL_TEST_CHROMIUM"
CHROMIUM = os.environ.get(CHROMIUM_ENV, "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling Google's services, which
# this closed network refuses; --no-sandbox because tests run as root on CI.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/browser/ drives the real Chromium: mark it `browser`."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Headless Debian Chromium, started once per session."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} missing: `make test` installs Debian's chromium "
            f"(apt-get install chromium), or point ${CHROMIUM_ENV} at one",
            pytrace=False,
        )
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def external_requests() -> list[str]:
    """URLs outside the app the page tried to load (aborted); must stay empty."""
    return []


def new_guarded_context(
    browser: Browser, external_requests: list[str], **options: object
) -> BrowserContext:
    """A fresh context (Dutch, Amsterdam time, 1280x800) whose requests outside the app are
    aborted and recorded in `external_requests`."""
    context = browser.new_context(
        locale="nl-NL", timezone_id="Europe/Amsterdam", viewport={"width": 1280, "height": 800},
        **options,  # type: ignore[arg-type]
    )
    context.set_default_timeout(15_000)

    def guard(route: Route) -> None:
        url = route.request.url
        if is_inside_app(url):
            route.continue_()
        else:
            external_requests.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    return context


@pytest.fixture
def context(browser: Browser, external_requests: list[str]) -> Iterator[BrowserContext]:
    context = new_guarded_context(browser, external_requests)
    yield context
    context.close()


@pytest.fixture
def no_js_page(browser: Browser, external_requests: list[str]) -> Iterator[Page]:
    """A page with JavaScript switched off (the pages must work without it)."""
    context = new_guarded_context(browser, external_requests, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()
    if external_requests:
        pytest.fail(f"the page requested URLs outside the app: {external_requests}")


@pytest.fixture
def page(context: BrowserContext, external_requests: list[str]) -> Iterator[Page]:
    page = context.new_page()
    yield page
    if external_requests:
        pytest.fail(f"the page requested URLs outside the app: {external_requests}")


@dataclass(frozen=True)
class LiveApp:
    """The app served over HTTP: `base_url` like http://127.0.0.1:PORT, its database, and
    its folders for delivered files (`work_dir`) and the offer outbox (`outbox`)."""

    base_url: str
    database_url: str
    work_dir: Path = Path()
    outbox: Path = Path()


@pytest.fixture(scope="session")
def live_app(
    new_postgres_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveApp]:
    """`api.main:create_app` under uvicorn on 127.0.0.1 (free port), fresh PostgreSQL database.

    Settings come from the environment as in production, with the test keys
    (tests/live_server.py).
    """
    with serve_live_app(new_postgres_database(), tmp_path_factory.mktemp("live-app")) as app:
        yield app


@contextmanager
def serve_live_app(database_url: str, folder: Path) -> Iterator[LiveApp]:
    """The app served on a fresh database `database_url`, its folders under `folder`: for a
    test module whose data must not meet the other modules' (the KPI figures)."""
    prepare_database(database_url)
    work_dir, outbox = folder / "batch", folder / "outbox"
    env = {
        "VROEGSIGNAAL_DATABASE_URL": database_url,
        "VROEGSIGNAAL_BATCH_WORK_DIR": str(work_dir),
        "VROEGSIGNAAL_BATCH_INBOX": str(work_dir / "inbox"),
        "VROEGSIGNAAL_OFFER_OUTBOX": f"file:{outbox}",
    }
    with serve_app(env, folder / "uvicorn.log") as base_url:
        yield LiveApp(base_url, database_url, work_dir, outbox)
