# SPDX-License-Identifier: EUPL-1.2
"""Logging in and out on the web: password, then the TOTP code (or setting up TOTP), or
the municipality's identity provider. The rules are vroegsignaal/accounts' (the same
functions the JSON API calls); this module shows forms and sets the cookie.

Every step is a plain form with POST-redirect-GET, so it works without JavaScript. The
login form itself carries no CSRF token (there is no session yet): the Origin check of
api/deps.py protects it against login CSRF, as it does the JSON login. The forms after
it carry the session's token.
"""

from __future__ import annotations

from typing import Annotated

import segno
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import CurrentSession, OriginChecked, OriginDep, SessionDep, SettingsDep
from api.routes.sessies import clear_cookie, previous_session, set_session_cookie
from api.web.deps import deployment_theme
from api.web.templating import page
from vroegsignaal.accounts import login
from vroegsignaal.accounts.oidc import safe_return_path
from vroegsignaal.accounts.sessions import COOKIE_NAME, Step
from vroegsignaal.dates import utc_now
from vroegsignaal.errors import NotAuthenticated, TooManyAttempts, VroegsignaalError

router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}
NEXT_STEP = {
    Step.COMPLETE: None,
    Step.TOTP: "/aanmelden/code",
    Step.TOTP_ENROLMENT: "/aanmelden/code-instellen",
}


def _with_return(path: str, terug: str) -> str:
    return path if terug == "/" else f"{path}?terug={terug}"


def _login_page(
    request: Request, db: SessionDep, s: SettingsDep, *, terug: str, fout: str | None = None,
    gebruikersnaam: str = "", status_code: int = 200, melding: str | None = None,
) -> Response:
    return page(request, "aanmelden/aanmelden.html", {
        "theme": deployment_theme(db, s), "viewer": None, "terug": terug, "fout": fout,
        "melding": melding, "gebruikersnaam": gebruikersnaam, "oidc": bool(s.oidc_issuer),
    }, status_code=status_code, headers=NO_STORE)


@router.get("/aanmelden")
def login_form(
    request: Request, db: SessionDep, s: SettingsDep,
    terug: Annotated[str | None, Query(max_length=200)] = None,
    melding: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    return _login_page(request, db, s, terug=safe_return_path(terug), melding=melding)


@router.post("/aanmelden")
def login_submit(
    request: Request, db: SessionDep, s: SettingsDep, who: OriginDep, _: OriginChecked,
    gebruikersnaam: Annotated[str, Form(max_length=80)] = "",
    wachtwoord: Annotated[str, Form(max_length=256)] = "",
    terug: Annotated[str, Form(max_length=200)] = "/",
) -> Response:
    terug = safe_return_path(terug)
    if not gebruikersnaam or not wachtwoord:
        return _login_page(request, db, s, terug=terug, fout="LEEG",
                           gebruikersnaam=gebruikersnaam, status_code=400)
    try:
        issued = login.login_with_password(
            db, name=gebruikersnaam, password=wachtwoord, settings=s, origin=who,
            now=utc_now(), previous=previous_session(request, db, s))
    except TooManyAttempts as exc:
        response = _login_page(request, db, s, terug=terug, fout=exc.code, status_code=429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except NotAuthenticated as exc:
        return _login_page(request, db, s, terug=terug, fout=exc.code,
                           gebruikersnaam=gebruikersnaam, status_code=401)
    step = NEXT_STEP[issued.step]
    response = RedirectResponse(_with_return(step, terug) if step else terug, status_code=303)
    set_session_cookie(response, issued)
    return response


def _code_page(
    request: Request, db: SessionDep, s: SettingsDep, row: CurrentSession, *, terug: str,
    fout: str | None = None, status_code: int = 200, geheim: str | None = None,
    qr: str | None = None,
) -> Response:
    return page(request, "aanmelden/code.html", {
        "theme": deployment_theme(db, s), "viewer": None, "terug": terug, "fout": fout,
        "csrf_token": row.csrf_token, "inschrijven": row.stap == Step.TOTP_ENROLMENT,
        "geheim": geheim, "qr": qr,
    }, status_code=status_code, headers=NO_STORE)


@router.get("/aanmelden/code")
def code_form(
    request: Request, db: SessionDep, s: SettingsDep, row: CurrentSession,
    terug: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    if row.stap == Step.COMPLETE:
        return RedirectResponse(safe_return_path(terug), status_code=303)
    return _code_page(request, db, s, row, terug=safe_return_path(terug))


@router.get("/aanmelden/code-instellen")
def enrol_form(
    request: Request, db: SessionDep, s: SettingsDep, row: CurrentSession,
    terug: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    return code_form(request, db, s, row, terug)


@router.post("/aanmelden/code-instellen")
def enrol_submit(
    request: Request, db: SessionDep, s: SettingsDep, row: CurrentSession,
    terug: Annotated[str, Form(max_length=200)] = "/",
) -> Response:
    """Make the TOTP secret and show it once, with its QR code (no redirect: the secret is
    not kept anywhere the browser could fetch it again)."""
    secret, uri = login.begin_totp_enrolment(db, row, settings=s, now=utc_now())
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000000", light="#ffffff")
    return _code_page(request, db, s, row, terug=safe_return_path(terug),
                      geheim=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), qr=qr)


@router.post("/aanmelden/code")
def code_submit(
    request: Request, db: SessionDep, s: SettingsDep, row: CurrentSession, who: OriginDep,
    code: Annotated[str, Form(max_length=12)] = "",
    terug: Annotated[str, Form(max_length=200)] = "/",
) -> Response:
    terug = safe_return_path(terug)
    digits = "".join(code.split())
    if not (len(digits) == 6 and digits.isdigit()):
        return _code_page(request, db, s, row, terug=terug, fout="CODE_FORMAAT", status_code=400)
    try:
        issued = login.complete_second_factor(db, row, digits, settings=s, origin=who,
                                              now=utc_now())
    except TooManyAttempts as exc:
        response = _code_page(request, db, s, row, terug=terug, fout=exc.code, status_code=429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except VroegsignaalError as exc:
        status = 409 if exc.code == "VERKEERDE_AANMELDSTAP" else 401
        return _code_page(request, db, s, row, terug=terug, fout=exc.code, status_code=status)
    response = RedirectResponse(terug, status_code=303)
    set_session_cookie(response, issued)
    return response


@router.get("/aanmelden/oidc")
def oidc_start(terug: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    """The identity provider's login (the JSON API's browser flow, which returns here)."""
    return RedirectResponse(f"/api/v1/sessies/oidc?terug={safe_return_path(terug)}",
                            status_code=303)


@router.post("/afmelden")
def logout(row: CurrentSession, db: SessionDep, who: OriginDep) -> Response:
    login.logout(db, row, origin=who)
    response = RedirectResponse("/aanmelden?melding=afgemeld", status_code=303)
    clear_cookie(response, COOKIE_NAME)
    return response
