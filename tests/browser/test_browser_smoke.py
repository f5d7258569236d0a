# SPDX-License-Identifier: EUPL-1.2
"""The browser test rig works: Debian's Chromium, the served app, axe-core, screenshots.

Marked `browser` by tests/browser/conftest.py.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

from playwright.sync_api import Page

from tests.browser.conftest import LiveApp
from tests.browser.helpers import axe_scan, screenshot, serious_or_worse

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "api" / "static" / "vendor"

# A page as the web app will build them: NL Design System CSS (Utrecht), htmx, Dutch.
TINY_PAGE = """<!DOCTYPE html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <title>Proefpagina - vroegsignaal</title>
  <link rel="stylesheet" href="{vendor}/noto-sans/index.css">
  <link rel="stylesheet" href="{vendor}/utrecht/design-tokens.css">
  <link rel="stylesheet" href="{vendor}/utrecht/component-library.css">
  <script src="{vendor}/htmx/htmx.min.js"></script>
</head>
<body class="utrecht-theme utrecht-document">
  <main class="utrecht-page-body">
    <h1 class="utrecht-heading-1">Werkvoorraad</h1>
    <p class="utrecht-paragraph">Er staan 3 zaken klaar.</p>
    <form class="utrecht-form" action="#">
      <label class="utrecht-form-label" for="zoek">Zoek op zaaknummer</label>
      <input class="utrecht-textbox" id="zoek" name="zoek" type="text">
      <button class="utrecht-button utrecht-button--primary-action" type="submit">Zoeken</button>
    </form>
  </main>
</body>
</html>
"""

BAD_PAGE = """<!DOCTYPE html><html><head><title>x</title></head><body>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input type="text">
<p style="color:#ddd;background:#fff">grijs op wit</p>
</body></html>"""


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_chromium_loads_the_served_app(page: Page, live_app: LiveApp) -> None:
    response = page.goto(f"{live_app.base_url}/api/v1/health/ready")

    assert response is not None
    assert response.status == 200
    assert response.headers["api-version"]
    assert json.loads(page.inner_text("body")) == {"status": "ok"}


def test_chromium_reads_the_served_openapi_document(page: Page, live_app: LiveApp) -> None:
    response = page.goto(f"{live_app.base_url}/api/v1/openapi.json")

    assert response is not None and response.status == 200
    spec = json.loads(page.inner_text("body"))
    assert spec["openapi"].startswith("3.1")
    assert spec["info"]["title"] == "vroegsignaal API"


def test_vendored_design_system_and_htmx_work_in_chromium(page: Page, tmp_path: Path) -> None:
    html = tmp_path / "proefpagina.html"
    html.write_text(TINY_PAGE.format(vendor=VENDOR.as_uri()), encoding="utf-8")

    page.goto(html.as_uri())
    page.wait_for_load_state("load")

    assert page.evaluate("() => window.htmx && window.htmx.version").startswith("4.")
    font = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert "Noto Sans" in font  # the design tokens' font, from the vendored CSS
    button_background = page.evaluate(
        "() => getComputedStyle(document.querySelector('.utrecht-button')).backgroundColor"
    )
    assert button_background not in ("rgba(0, 0, 0, 0)", "rgb(239, 239, 239)")  # styled
    loaded = page.evaluate(
        "async () => (await document.fonts.load('16px \"Noto Sans Variable\"', 'a')).length"
    )
    assert loaded > 0  # the vendored woff2 file, loaded from the app's own folder


def test_axe_scan_of_a_tiny_page_finds_no_serious_violations(page: Page, tmp_path: Path) -> None:
    html = tmp_path / "proefpagina.html"
    html.write_text(TINY_PAGE.format(vendor=VENDOR.as_uri()), encoding="utf-8")
    page.goto(html.as_uri())

    violations = axe_scan(page)

    assert serious_or_worse(violations) == []


def test_axe_scan_reports_violations_by_impact(page: Page) -> None:
    page.set_content(BAD_PAGE)

    violations = axe_scan(page)

    found = {impact: {v["id"] for v in items} for impact, items in violations.items()}
    assert "image-alt" in found["critical"]
    assert "label" in found["critical"]
    assert "html-has-lang" in found["serious"]
    assert "color-contrast" in found["serious"]
    assert serious_or_worse(violations)


def test_screenshot_is_a_png_of_the_page(page: Page, tmp_path: Path) -> None:
    html = tmp_path / "proefpagina.html"
    html.write_text(TINY_PAGE.format(vendor=VENDOR.as_uri()), encoding="utf-8")
    page.goto(html.as_uri())

    path = screenshot(page, "proefpagina", directory=tmp_path / "screenshots")

    assert path == tmp_path / "screenshots" / "proefpagina.png"
    width, height = _png_size(path)
    assert width == 1280
    assert height >= 800
    assert path.stat().st_size > 5_000  # more than a blank page


def test_requests_outside_the_app_are_blocked_and_recorded(
    page: Page, external_requests: list[str]
) -> None:
    page.set_content('<img alt="" src="https://cdn.example.com/logo.png">')
    page.wait_for_load_state("load")

    assert external_requests == ["https://cdn.example.com/logo.png"]
    external_requests.clear()  # seen and expected: the fixture's teardown check passes
