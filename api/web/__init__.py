# SPDX-License-Identifier: EUPL-1.2
"""The web app: server-rendered pages in Dutch for workers, managers, admins and creditors.

Jinja2 templates (api/templates/), the NL Design System's Utrecht CSS with a theme per
municipality, htmx 4 for partial updates; every page also works without JavaScript
(forms with POST-redirect-GET). Everything is served by this app: the vendored assets
(api/static/vendor/, `make web-assets`), the app's own CSS and JS, the theme CSS and logos;
the Content Security Policy allows nothing else. Pages call the core with the viewer's
principal; the core checks every right and writes the audit trail. Route modules live in
api/web/routes/, outside /api/v1 and outside the OpenAPI document.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.asgi_headers import PageHeaders
from api.web.routes import (
    auth,
    beheer,
    beheer_gemeente,
    dashboard,
    overzicht,
    pages,
    schuldeiser,
    werkvoorraad,
    zaak,
)

STATIC = Path(__file__).resolve().parents[1] / "static"
# Pages: own origin only. htmx's indicator style is in app.css (includeIndicatorCSS off),
# so no inline style is needed; images may be data: URIs (the TOTP QR code).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'self'; "
    "base-uri 'none'; object-src 'none'"
)
# Swagger UI sets inline styles on its elements.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
ROUTERS = [
    auth.router, pages.router, werkvoorraad.router, zaak.router, schuldeiser.router,
    beheer.router, beheer_gemeente.router, dashboard.router, overzicht.router,
]


def install(app: FastAPI) -> None:
    """Mount the static files and the page routes, and set the pages' security headers."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)

    app.add_middleware(PageHeaders, csp=CSP, docs_csp=DOCS_CSP)
