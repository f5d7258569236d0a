# SPDX-License-Identifier: EUPL-1.2
"""Errors on web pages: a readable Dutch page, never problem+json.

The same domain errors (and their stable codes) as the JSON API; the page says in Dutch
what happened and what to do (api/templates/fout.html names each code). Without a login
a GET goes to the login page and comes back after it (`terug`); a login whose second
factor is still due goes to that step. Nothing of the request is echoed.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from api.web.templating import page
from vroegsignaal.errors import NotAuthenticated, VroegsignaalError


def is_web(request: Request) -> bool:
    """True for the web app's paths (everything outside /api/)."""
    return not request.url.path.startswith("/api/")


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/aanmelden?terug=" + quote(target, safe="/")


def render_error(
    request: Request, status: int, code: str, title: str, exc: Exception | None = None
) -> Response:
    """The HTML answer to an error on a web page."""
    if isinstance(exc, NotAuthenticated) and request.method in ("GET", "HEAD"):
        if getattr(exc, "code", "") == "TWEEDE_FACTOR_NODIG":
            return RedirectResponse("/aanmelden/code", status_code=303)
        return RedirectResponse(login_url(request), status_code=303)
    from api.web.deps import NEUTRAL_THEME

    context = {"status": status, "code": code, "titel": title, "theme": NEUTRAL_THEME,
               "viewer": None}
    headers = {"Retry-After": str(exc.retry_after)} if hasattr(exc, "retry_after") else None
    return page(request, "fout.html", context, status_code=status, headers=headers)


def domain_code(exc: VroegsignaalError) -> str:
    return exc.code
