# SPDX-License-Identifier: EUPL-1.2
"""Named dependencies: the database session, the authenticated schuldeiser, and the
logged-in municipal user (`CurrentPrincipal`, ISSUE10-DESIGN.md).

Routes take these and pass them into the core; rights are decided there, never here.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from api.errors import ApiProblem
from vroegsignaal.accounts.principal import Principal
from vroegsignaal.config import Settings, get_settings
from vroegsignaal.storage.db import session_factory

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


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


def request_id(request: Request) -> str:
    """The request's id (the audit trail's `trace_id`): the caller's `X-Request-ID` when it
    is a plain token, else a fresh one; set by api/main.py's middleware."""
    rid = getattr(request.state, "request_id", None)
    return rid if isinstance(rid, str) else uuid.uuid4().hex


def new_request_id(header: str | None) -> str:
    return header if header and REQUEST_ID.match(header) else uuid.uuid4().hex


def authenticate(request: Request, session: Session) -> Principal | None:
    """The principal of the request's session, or None. Filled in by the login work of
    issue 10 (accounts: session cookie lookup, expiry, `load_principal`); until then no
    request carries a principal, and tests override `current_principal`."""
    return None


def current_principal(request: Request, session: SessionDep) -> Principal:
    """The logged-in user, with the request id for the audit trail; 401 problem+json when
    there is no valid session (none, expired, or an account that was deactivated)."""
    principal = authenticate(request, session)
    if principal is None:
        raise ApiProblem(401, "NIET_GEAUTHENTICEERD", "Niet ingelogd of sessie verlopen")
    return replace(principal, request_id=request_id(request))


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def current_schuldeiser(
    s: SettingsDep,
    x_api_key: Annotated[str | None, Header(description="API key of the schuldeiser")] = None,
) -> str:
    """The schuldeiser code the API key belongs to (keys are stored as SHA-256 hashes)."""
    if not x_api_key:
        raise ApiProblem(401, "NIET_GEAUTHENTICEERD", "API-sleutel ontbreekt")
    digest = hashlib.sha256(x_api_key.encode()).hexdigest()
    for code, expected in s.api_keys.items():
        if hmac.compare_digest(digest, expected):
            return code
    raise ApiProblem(401, "NIET_GEAUTHENTICEERD", "API-sleutel onbekend")


CurrentSchuldeiser = Annotated[str, Depends(current_schuldeiser)]
