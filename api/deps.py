# SPDX-License-Identifier: EUPL-1.2
"""Named dependencies: the database session, who is calling, and the CSRF check.

- `CurrentPrincipal`: a municipal user with a live, complete session (401 otherwise); for
  a state-changing request also a valid CSRF token (403 otherwise).
- `CurrentSession`: the session row at any login step (the TOTP step and logout use it),
  with the same CSRF check.
- `CurrentCreditor`: the creditor whose API key came in `X-Api-Key` (401 otherwise).
- `OriginChecked`: the Origin check alone, for the login itself (no session yet).

The rules are the core's (vroegsignaal/accounts); this module reads cookies and headers.
CSRF: the synchronizer-token pattern (OWASP CSRF Prevention Cheat Sheet): each session
has a random token, given to the client at login and by `GET /sessies/huidige`; every
state-changing request made with the session cookie must return it in the `X-CSRF-Token`
header or, from an HTML form, the `csrf_token` field. A request with `Sec-Fetch-Site:
cross-site` or an Origin other than the service's own is refused as well. The cookie is
SameSite=Lax on top (a second layer, not the protection itself).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from vroegsignaal.accounts import api_keys, sessions
from vroegsignaal.accounts.login import Origin
from vroegsignaal.accounts.principal import CreditorPrincipal, Principal, load_principal
from vroegsignaal.accounts.sessions import COOKIE_NAME, SessionExpired, Step
from vroegsignaal.config import Settings, get_settings
from vroegsignaal.dates import utc_now
from vroegsignaal.errors import Forbidden, NotAuthenticated
from vroegsignaal.storage.db import session_factory
from vroegsignaal.storage.tables import Sessie

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class CsrfRefused(Forbidden):
    code = "CSRF_CONTROLE_MISLUKT"
    title = "Verzoek geweigerd: CSRF-token ontbreekt of klopt niet"


def settings() -> Settings:
    return get_settings()


SettingsDep = Annotated[Settings, Depends(settings)]


def db_session(s: SettingsDep) -> Iterator[Session]:
    session = session_factory(s.database_url)()
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(db_session)]


def origin(request: Request) -> Origin:
    """The client address (after trusted proxy headers, `vroegsignaal serve`) and the
    request id the middleware gave this request."""
    return Origin(
        source=request.client.host if request.client else None,
        request_id=getattr(request.state, "request_id", None),
    )


OriginDep = Annotated[Origin, Depends(origin)]


def _own_origin(request: Request, s: Settings) -> str:
    if s.public_url:
        url = s.public_url.rstrip("/")
        scheme, _, rest = url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"
    return f"{request.url.scheme}://{request.url.netloc}"


def check_origin(request: Request, s: SettingsDep) -> None:
    """Refuse a state-changing request that a browser says comes from another site."""
    if request.method in SAFE_METHODS:
        return
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise CsrfRefused("verzoek van een andere site")
    sent = request.headers.get("origin")
    if sent is not None and sent != _own_origin(request, s):
        raise CsrfRefused("verzoek van een andere herkomst")


OriginChecked = Annotated[None, Depends(check_origin)]


async def presented_csrf_token(request: Request) -> str | None:
    """The CSRF token of the request: the header, or the form field of an HTML form."""
    token = request.headers.get(CSRF_HEADER)
    if token is None and request.method not in SAFE_METHODS:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(FORM_TYPES):
            value = (await request.form()).get(CSRF_FIELD)
            token = value if isinstance(value, str) else None
    return token


def session_row(
    request: Request,
    db: SessionDep,
    s: SettingsDep,
    _: OriginChecked,
    csrf_token: Annotated[str | None, Depends(presented_csrf_token)],
) -> Sessie:
    """The live session of the cookie, at any login step; CSRF-checked when it changes state.

    Raises NotAuthenticated / SessionExpired (401) and CsrfRefused (403).
    """
    try:
        row = sessions.find(db, request.cookies.get(COOKIE_NAME), settings=s, now=utc_now())
    except SessionExpired:
        db.commit()  # the expired row is deleted
        raise
    if request.method not in SAFE_METHODS and not (
        csrf_token and hmac.compare_digest(csrf_token.encode(), row.csrf_token.encode())
    ):
        raise CsrfRefused()
    return row


CurrentSession = Annotated[Sessie, Depends(session_row)]


def current_principal(db: SessionDep, row: CurrentSession, who: OriginDep) -> Principal:
    """The logged-in user of a complete session. Raises NotAuthenticated (401)."""
    if row.stap != Step.COMPLETE:
        raise NotAuthenticated("de aanmelding is nog niet afgerond")
    principal = load_principal(db, row.gebruiker_id, request_id=who.request_id)
    if principal is None:  # deactivated since the login
        sessions.end(db, row)
        db.commit()
        raise NotAuthenticated()
    if sessions.touch(db, row, now=utc_now()):
        db.commit()
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def current_creditor(
    db: SessionDep,
    x_api_key: Annotated[str | None, Header(description="API key of the schuldeiser")] = None,
) -> CreditorPrincipal:
    """The creditor of the API key (vroegsignaal/accounts/api_keys.py). Raises 401."""
    return api_keys.authenticate(db, x_api_key, now=utc_now())


CurrentCreditor = Annotated[CreditorPrincipal, Depends(current_creditor)]
