# SPDX-License-Identifier: EUPL-1.2
"""Login and logout: password with a TOTP second factor, or OIDC through the municipality's
identity provider; the current user. The rules are vroegsignaal/accounts'; this module
reads and writes the cookies.

Cookies: `__Host-vroegsignaal` (the session) and, for ten minutes during an OIDC login,
`__Host-vroegsignaal-oidc` (its `state`); both Secure, HttpOnly, SameSite=Lax, Path=/.
Lax, not Strict: the OIDC callback arrives as a cross-site navigation from the identity
provider, and a Strict cookie would be withheld from it and from the first page after it;
state changes are protected by the CSRF token (api/deps.py), not by SameSite.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from api.deps import (
    CurrentPrincipal,
    CurrentSession,
    OriginChecked,
    OriginDep,
    SessionDep,
    SettingsDep,
)
from vroegsignaal.accounts import login, oidc, sessions
from vroegsignaal.accounts.principal import Principal, UserRole, load_principal
from vroegsignaal.accounts.sessions import COOKIE_NAME, IssuedSession
from vroegsignaal.config import Settings
from vroegsignaal.dates import utc, utc_now
from vroegsignaal.errors import NotAuthenticated
from vroegsignaal.storage.tables import Gebruiker, Sessie

router = APIRouter(prefix="/sessies", tags=["sessies"])
OIDC_COOKIE = "__Host-vroegsignaal-oidc"
OIDC_COOKIE_SECONDS = int(oidc.PENDING_LIFETIME.total_seconds())
NO_STORE = {"Cache-Control": "no-store"}


class Aanmelding(BaseModel):
    gebruikersnaam: str = Field(min_length=1, max_length=80)
    wachtwoord: str = Field(min_length=1, max_length=256)


class TotpCode(BaseModel):
    code: str = Field(pattern=r"^[0-9]{6}$", description="Six digits from the authenticator app.")


class GebruikerInfo(BaseModel):
    id: int
    gebruikersnaam: str
    weergavenaam: str
    rollen: list[UserRole] = Field(description="Empty for a new account: no rights yet.")
    gemeenten: list[str] = Field(description="CBS codes of the municipalities served.")
    teams: list[int]


class SessieInfo(BaseModel):
    stap: Literal["volledig", "totp", "totp-inschrijving"] = Field(
        description="'volledig': logged in; 'totp': send the TOTP code; 'totp-inschrijving': "
        "set up TOTP first, then send a code."
    )
    csrfToken: str = Field(
        description="Send back in the X-CSRF-Token header (or the csrf_token form field) "
        "with every state-changing request."
    )
    verlooptOp: dt.datetime = Field(description="Absolute end of this session (UTC).")
    gebruiker: GebruikerInfo | None = Field(
        default=None, description="Only once the login is complete."
    )


class TotpInschrijving(BaseModel):
    geheim: str = Field(description="Base32 TOTP secret, shown this once.")
    otpauthUri: str = Field(description="The same as an otpauth:// URI (for a QR code).")


def _gebruiker(principal: Principal, weergavenaam: str) -> GebruikerInfo:
    return GebruikerInfo(
        id=principal.gebruiker_id,
        gebruikersnaam=principal.gebruikersnaam,
        weergavenaam=weergavenaam,
        rollen=sorted(principal.roles),
        gemeenten=sorted(principal.gemeenten),
        teams=sorted(principal.teams),
    )


def _sessie_info(db: SessionDep, issued: IssuedSession, request_id: str | None) -> SessieInfo:
    user = None
    if issued.step is sessions.Step.COMPLETE:
        principal = load_principal(db, issued.gebruiker_id, request_id=request_id)
        assert principal is not None
        user = _gebruiker(principal, _display_name(db, principal.gebruiker_id))
    return SessieInfo(
        stap=issued.step.value,
        csrfToken=issued.csrf_token,
        verlooptOp=issued.expires_at,
        gebruiker=user,
    )


def _display_name(db: SessionDep, gebruiker_id: int) -> str:
    user = db.get(Gebruiker, gebruiker_id)
    return user.weergavenaam if user else ""


def set_session_cookie(response: Response, issued: IssuedSession) -> None:
    seconds = max(0, int((issued.expires_at - utc_now()).total_seconds()))
    response.set_cookie(
        COOKIE_NAME,
        issued.token,
        max_age=seconds,
        path="/",
        secure=True,
        httponly=True,
        samesite="lax",
    )


def clear_cookie(response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", secure=True, httponly=True, samesite="lax")


def previous_session(request: Request, db: SessionDep, s: Settings) -> Sessie | None:
    """The session the browser still presents, if live: it ends at login (no fixation)."""
    try:
        return sessions.find(db, request.cookies.get(COOKIE_NAME), settings=s, now=utc_now())
    except NotAuthenticated:
        return None


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SessieInfo,
    summary="Log in with user name and password",
    description="Starts a new session (a new cookie, whatever session the browser had). "
    "When `stap` is not 'volledig' the second factor is still due. Wrong name, wrong password "
    "and unknown or deactivated accounts all answer 401 AANMELDEN_MISLUKT; repeated failures "
    "answer 429 with Retry-After.",
    openapi_extra={"x-errors": ["400", "401", "403", "429"]},
)
def create_session(
    body: Aanmelding,
    request: Request,
    response: Response,
    db: SessionDep,
    s: SettingsDep,
    who: OriginDep,
    _: OriginChecked,
) -> SessieInfo:
    issued = login.login_with_password(
        db,
        name=body.gebruikersnaam,
        password=body.wachtwoord,
        settings=s,
        origin=who,
        now=utc_now(),
        previous=previous_session(request, db, s),
    )
    set_session_cookie(response, issued)
    response.headers.update(NO_STORE)
    return _sessie_info(db, issued, who.request_id)


@router.post(
    "/huidige/totp-inschrijving",
    status_code=status.HTTP_201_CREATED,
    response_model=TotpInschrijving,
    summary="Set up TOTP during a login that needs it",
    description="Only while `stap` is 'totp-inschrijving'. Returns a new secret, shown "
    "once; a following POST /sessies/huidige/totp with a code from it completes the login.",
    openapi_extra={"x-errors": ["401", "403", "409"]},
)
def begin_totp_enrolment(
    row: CurrentSession, response: Response, db: SessionDep, s: SettingsDep
) -> TotpInschrijving:
    secret, uri = login.begin_totp_enrolment(db, row, settings=s, now=utc_now())
    response.headers.update(NO_STORE)
    return TotpInschrijving(geheim=secret, otpauthUri=uri)


@router.post(
    "/huidige/totp",
    response_model=SessieInfo,
    summary="Give the TOTP code and complete the login",
    description="Completes a login whose `stap` is 'totp' or 'totp-inschrijving'; the "
    "session gets a new cookie and a new CSRF token.",
    openapi_extra={"x-errors": ["400", "401", "403", "409", "429"]},
)
def complete_totp(
    body: TotpCode,
    row: CurrentSession,
    response: Response,
    db: SessionDep,
    s: SettingsDep,
    who: OriginDep,
) -> SessieInfo:
    issued = login.complete_second_factor(db, row, body.code, settings=s, origin=who, now=utc_now())
    set_session_cookie(response, issued)
    response.headers.update(NO_STORE)
    return _sessie_info(db, issued, who.request_id)


@router.get(
    "/huidige",
    response_model=SessieInfo,
    summary="The current user and session",
    openapi_extra={"x-errors": ["401"]},
)
def current_session(
    principal: CurrentPrincipal, row: CurrentSession, response: Response, db: SessionDep
) -> SessieInfo:
    response.headers.update(NO_STORE)
    return SessieInfo(
        stap="volledig",
        csrfToken=row.csrf_token,
        verlooptOp=utc(row.verloopt_op),
        gebruiker=_gebruiker(principal, _display_name(db, principal.gebruiker_id)),
    )


@router.delete(
    "/huidige",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Log out",
    description="Ends the session at once (also a half-finished login). An OIDC login "
    "also leaves a session at the identity provider; logging out there is its own step.",
    openapi_extra={"x-errors": ["401", "403"]},
)
def delete_session(row: CurrentSession, db: SessionDep, who: OriginDep) -> Response:
    login.logout(db, row, origin=who)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_cookie(response, COOKIE_NAME)
    return response


def _redirect_uri(request: Request, s: Settings) -> str:
    path = request.url_for("oidc_callback").path
    base = s.public_url.rstrip("/") if s.public_url else str(request.base_url).rstrip("/")
    return base + path


@router.get(
    "/oidc",
    status_code=status.HTTP_302_FOUND,
    response_class=RedirectResponse,
    summary="Log in through the municipality's identity provider (browser)",
    description="Redirects the browser to the identity provider (authorization code flow "
    "with PKCE). `terug` is the path in this application to return to afterwards.",
    responses={302: {"description": "Naar de identity provider"}},
    openapi_extra={"x-errors": ["404", "503"]},
)
def start_oidc(
    request: Request,
    db: SessionDep,
    s: SettingsDep,
    terug: Annotated[str | None, Query(max_length=200)] = None,
) -> RedirectResponse:
    authorization = oidc.start(
        db, s, redirect_uri=_redirect_uri(request, s), terug=terug, now=utc_now()
    )
    response = RedirectResponse(authorization.url, status_code=status.HTTP_302_FOUND)
    response.set_cookie(
        OIDC_COOKIE,
        authorization.state,
        max_age=OIDC_COOKIE_SECONDS,
        path="/",
        secure=True,
        httponly=True,
        samesite="lax",
    )
    return response


@router.get(
    "/oidc/terugkeer",
    name="oidc_callback",
    status_code=status.HTTP_302_FOUND,
    response_class=RedirectResponse,
    summary="Return from the identity provider (browser)",
    description="The redirect URI registered at the identity provider. Checks the answer, "
    "applies the mapped claims to the account, starts a session and redirects to `terug`.",
    responses={302: {"description": "Aangemeld; naar de gevraagde pagina"}},
    openapi_extra={"x-errors": ["401", "403", "404", "503"]},
)
def oidc_callback(
    request: Request, db: SessionDep, s: SettingsDep, who: OriginDep
) -> RedirectResponse:
    previous = previous_session(request, db, s)
    if previous is not None:
        sessions.end(db, previous)
        db.commit()
    params = {k: v[:2048] for k, v in request.query_params.items()}
    result = oidc.finish(
        db,
        s,
        params=params,
        browser_state=request.cookies.get(OIDC_COOKIE),
        redirect_uri=_redirect_uri(request, s),
        origin=who,
        now=utc_now(),
    )
    response = RedirectResponse(result.terug, status_code=status.HTTP_302_FOUND)
    set_session_cookie(response, result.session)
    clear_cookie(response, OIDC_COOKIE)
    return response
