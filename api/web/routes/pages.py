# SPDX-License-Identifier: EUPL-1.2
"""Pages every user has: the start (by role), the accessibility statement, personal
settings, and the municipality themes (CSS and logo) the pages load."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import SessionDep, SettingsDep
from api.web.deps import NEUTRAL_THEME, CurrentViewer, deployment_theme
from api.web.templating import page
from api.web.theme import theme_css
from vroegsignaal.accounts import preferences
from vroegsignaal.accounts.principal import UserRole
from vroegsignaal.errors import NotFound
from vroegsignaal.themes import get_logo, get_theme

router = APIRouter(include_in_schema=False)
CODE = r"^GM[0-9]{4}$"


@router.get("/")
def start(viewer: CurrentViewer) -> Response:
    """Each role's own start page."""
    if viewer.creditor is not None:
        target = "/schuldeiser"
    elif viewer.is_worker:
        target = "/werkvoorraad"
    elif viewer.has(UserRole.MANAGER):
        target = "/dashboard"
    elif viewer.has(UserRole.ADMIN):
        target = "/beheer"
    else:
        target = "/geen-rechten"
    return RedirectResponse(target, status_code=303)


@router.get("/geen-rechten")
def no_rights(request: Request, viewer: CurrentViewer) -> Response:
    return page(request, "geen_rechten.html", {"viewer": viewer, "theme": viewer.theme})


@router.get("/toegankelijkheidsverklaring")
def accessibility_statement(request: Request, db: SessionDep, s: SettingsDep) -> Response:
    """Public: the statement must be reachable without logging in."""
    return page(request, "toegankelijkheidsverklaring.html",
                {"viewer": None, "theme": deployment_theme(db, s)})


@router.get("/instellingen")
def settings_form(request: Request, viewer: CurrentViewer, melding: str | None = None) -> Response:
    return page(request, "instellingen.html",
                {"viewer": viewer, "theme": viewer.theme, "melding": melding})


@router.post("/instellingen")
def settings_submit(
    viewer: CurrentViewer, db: SessionDep,
    sneltoetsen: Annotated[str, Form(pattern="^(aan|uit)$")] = "uit",
) -> Response:
    preferences.set_shortcuts(db, viewer.gebruiker_id, sneltoetsen == "aan")
    return RedirectResponse("/instellingen?melding=opgeslagen", status_code=303)


@router.get("/thema/standaard.css")
def neutral_css() -> Response:
    return Response(theme_css(NEUTRAL_THEME), media_type="text/css",
                    headers={"Cache-Control": "public, max-age=300"})


@router.get("/thema/{gemeentecode}.css")
def municipality_css(gemeentecode: str, db: SessionDep) -> Response:
    if not gemeentecode.startswith("GM") or len(gemeentecode) != 6:
        raise NotFound("thema")
    return Response(theme_css(get_theme(db, gemeentecode)), media_type="text/css",
                    headers={"Cache-Control": "public, max-age=300"})


@router.get("/thema/{gemeentecode}/logo")
def municipality_logo(gemeentecode: str, db: SessionDep) -> Response:
    """The logo, with a policy that keeps an SVG's scripts from running when the file is
    opened on its own (in <img> they never run)."""
    logo = get_logo(db, gemeentecode) if len(gemeentecode) == 6 else None
    if logo is None:
        raise NotFound("logo")
    data, media_type = logo
    return Response(data, media_type=media_type, headers={
        "Cache-Control": "public, max-age=300",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        "X-Content-Type-Options": "nosniff",
    })
