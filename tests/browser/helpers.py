# SPDX-License-Identifier: EUPL-1.2
"""Helpers for browser tests: axe-core accessibility scans and screenshots.

axe-core is the npm-installed one (package-lock.json), evaluated in the page under test;
nothing is loaded from outside the app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
# WCAG 2.1 level A and AA: the Dutch legal standard for government web apps (EN 301 549).
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
IMPACTS = ("critical", "serious", "moderate", "minor")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "file"})


def is_inside_app(url: str) -> bool:
    """True for URLs the browser may load in a test: loopback servers, data:, blob:, file:."""
    parsed = httpx.URL(url)
    if parsed.scheme in LOCAL_SCHEMES:
        return True
    return parsed.scheme in ("http", "https", "ws", "wss") and parsed.host in LOOPBACK_HOSTS


def axe_scan(
    page: Page, *, include: str | None = None, tags: tuple[str, ...] = WCAG_21_AA
) -> dict[str, list[dict[str, Any]]]:
    """Run axe-core on the page (or the part matching CSS selector `include`).

    Returns the violations grouped by impact: {"critical": [...], "serious": [...],
    "moderate": [...], "minor": [...]}; each violation is axe's result object (id, help,
    helpUrl, nodes with their target selectors). Raises AssertionError when axe-core is
    not installed (`make web-assets`).
    """
    assert AXE_SCRIPT.is_file(), f"{AXE_SCRIPT} missing: run `make web-assets` (npm ci)"
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content Security
        # Policy does not govern (the app's CSP rightly refuses an injected <script>).
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results: dict[str, Any] = page.evaluate(
        """async ([include, tags]) => {
            const context = include ? { include: [include] } : document;
            return await axe.run(context, { runOnly: { type: "tag", values: tags } });
        }""",
        [include, list(tags)],
    )
    grouped: dict[str, list[dict[str, Any]]] = {impact: [] for impact in IMPACTS}
    for violation in results["violations"]:
        grouped[violation.get("impact") or "minor"].append(violation)
    return grouped


def serious_or_worse(violations: dict[str, list[dict[str, Any]]]) -> list[str]:
    """`rule-id: help (selectors)` for each critical or serious violation; [] when none."""
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'])})"
        for impact in ("critical", "serious")
        for v in violations[impact]
    ]


def screenshot(page: Page, name: str, *, directory: Path = SCREENSHOTS) -> Path:
    """Save a full-page PNG as `<directory>/<name>.png` (default docs/screenshots/)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path
