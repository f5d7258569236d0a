# SPDX-License-Identifier: EUPL-1.2
"""The pages' CSS and JavaScript come from the app itself, copied from the npm lock.

`make web-assets` copies them into api/static/vendor/ (scripts/web-assets.sh). A page
may load nothing from outside the app: no CDN, no web font service. These tests scan
every template and static file, so they keep holding as pages are added; the browser
tests (tests/browser/) check the same on the requests Chromium really makes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
API = ROOT / "api"
VENDOR = API / "static" / "vendor"
NODE_MODULES = ROOT / "node_modules"

# Copied file -> its source in node_modules (scripts/web-assets.sh).
VENDORED = {
    "utrecht/component-library.css": "@utrecht/component-library-css/dist/index.css",
    "utrecht/design-tokens.css": "@utrecht/design-tokens/dist/index.css",
    "noto-sans/index.css": "@fontsource-variable/noto-sans/index.css",
    "htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "axe-core/axe.min.js": "axe-core/axe.min.js",
    "swagger-ui/swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui/swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}
SCANNED_SUFFIXES = {".html", ".j2", ".jinja", ".jinja2", ".css", ".js", ".mjs", ".svg", ".xml"}
# axe-core is injected by the tests only, never by a page; its strings hold documentation
# links (each rule's helpUrl) that it never requests. Swagger UI's bundle holds links to
# its documentation and the address of its online validator, which it calls only when
# `validatorUrl` is set (api/static/js/api-docs.js sets it to null); the browser test of
# the documentation page checks that nothing outside the app is requested.
NOT_SCANNED = {VENDOR / "axe-core", VENDOR / "swagger-ui"}
# Namespace names are identifiers, never fetched (SVG inside CSS data: URIs, xmlns).
NAMESPACES = re.compile(
    r"https?://www\.w3\.org/(?:2000/svg|1999/xlink|1999/xhtml|XML/1998/namespace)"
)
EXTERNAL = re.compile(
    r"""(?:https?:)?//(?P<host>[a-z0-9.-]+\.[a-z]{2,}|\[[0-9a-f:]+\]|[0-9.]+)""", re.I
)
LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}
# A hyperlink the user follows leaves the app on purpose (for instance to a public register);
# it loads nothing by itself. Every other attribute, url() and import loads something.
HYPERLINK = re.compile(r"""<a\b[^>]*\bhref\s*=\s*(["'])(?P<url>[^"']*)\1""", re.I | re.S)


def external_references(text: str) -> list[str]:
    """Absolute URLs in `text` that point outside the app, except hyperlinks and namespaces.

    Matches http://, https:// and protocol-relative //host references anywhere: in
    src/href/action/hx-* attributes, CSS url() and @import, or JavaScript strings.
    """
    allowed_spans = [m.span("url") for m in HYPERLINK.finditer(text)]
    text_without_namespaces = NAMESPACES.sub(lambda m: " " * len(m.group()), text)
    found = []
    for match in EXTERNAL.finditer(text_without_namespaces):
        if match.group("host").lower() in LOOPBACK:
            continue
        if any(start <= match.start() < end for start, end in allowed_spans):
            continue
        if match.start() > 0 and text_without_namespaces[match.start() - 1] in ":/\\":
            continue  # part of a longer token, e.g. file:///
        found.append(text_without_namespaces[match.start() : match.end()])
    return found


def _scanned_files() -> list[Path]:
    files = []
    for folder in (API / "templates", API / "static"):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.suffix not in SCANNED_SUFFIXES:
                continue
            if any(path.is_relative_to(skipped) for skipped in NOT_SCANNED):
                continue
            files.append(path)
    return files


def _locked_version(package: str) -> str:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return str(lock["packages"][f"node_modules/{package}"]["version"])


@pytest.mark.parametrize("copied", sorted(VENDORED))
def test_vendored_file_is_the_locked_package_file(copied: str) -> None:
    target = VENDOR / copied
    source = NODE_MODULES / VENDORED[copied]

    assert target.is_file(), f"{target.relative_to(ROOT)} missing: run `make web-assets`"
    assert target.stat().st_size > 1000
    assert target.read_bytes() == source.read_bytes(), f"{copied} differs from {source}"


@pytest.mark.parametrize(
    ("package", "pinned"),
    [
        ("htmx.org", "4.0.1"),
        ("@utrecht/component-library-css", "9.0.4"),
        ("@utrecht/design-tokens", "5.0.1"),
        ("axe-core", "4.14.1"),
        ("swagger-ui-dist", "5.35.0"),
        ("@stoplight/spectral-cli", "6.16.3"),
    ],
)
def test_installed_packages_are_the_pinned_versions(package: str, pinned: str) -> None:
    manifest = json.loads((NODE_MODULES / package / "package.json").read_text(encoding="utf-8"))
    declared = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    ranges = declared["dependencies"] | declared["devDependencies"]

    assert ranges[package] == pinned  # exact pins, no ranges
    assert _locked_version(package) == pinned
    assert manifest["version"] == pinned


def test_vendored_fonts_referenced_by_the_font_css_are_there() -> None:
    css = (VENDOR / "noto-sans" / "index.css").read_text(encoding="utf-8")
    fonts = re.findall(r"url\(\./(files/[^)]+\.woff2)\)", css)

    assert fonts
    for font in fonts:
        assert (VENDOR / "noto-sans" / font).is_file(), font


def test_no_template_or_static_file_loads_anything_from_outside_the_app() -> None:
    files = _scanned_files()
    assert any(path.is_relative_to(VENDOR) for path in files), "nothing vendored to scan"

    offenders = {
        str(path.relative_to(ROOT)): refs
        for path in files
        if (refs := external_references(path.read_text(encoding="utf-8", errors="replace")))
    }

    assert offenders == {}


@pytest.mark.parametrize(
    "text",
    [
        '<script src="https://cdn.jsdelivr.net/npm/htmx.org"></script>',
        '<link rel="stylesheet" href="//fonts.googleapis.com/css?family=Noto+Sans">',
        "@import url('https://unpkg.com/@utrecht/component-library-css');",
        "body { background: url(http://example.org/bg.png); }",
        '<form action="https://elders.example/post">',
        '<button hx-get="https://api.example.nl/zaken">',
        "fetch('https://telemetry.example.com/collect')",
        '<img src="http://192.0.2.7/logo.png" alt="">',
    ],
)
def test_the_scan_finds_external_references(text: str) -> None:
    assert external_references(text)


@pytest.mark.parametrize(
    "text",
    [
        '<script src="/static/vendor/htmx/htmx.min.js"></script>',
        '<link rel="stylesheet" href="{{ url_for(\'static\', path=\'vendor/htmx.css\') }}">',
        "background: url(\"data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg'%3e\");",
        '<a href="https://www.toegankelijkheidsverklaring.nl/register">register</a>',
        '<a class="link" href="https://www.rijksoverheid.nl">Rijksoverheid</a>',
        "const base = 'http://127.0.0.1:8000/api/v1';",
        "// a comment without a URL",
    ],
)
def test_the_scan_allows_the_app_itself_hyperlinks_and_namespaces(text: str) -> None:
    assert external_references(text) == []
