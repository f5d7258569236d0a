# SPDX-License-Identifier: EUPL-1.2
"""Named dependencies: the database session and the authenticated schuldeiser."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header
from sqlalchemy.orm import Session

from api.errors import ApiProblem
from vroegsignaal.accounts.principal import Principal
from vroegsignaal.config import Settings, get_settings
from vroegsignaal.storage.db import session_factory


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


def current_principal() -> Principal:
    """The logged-in municipal user. Login is issue 10's (accounts); until it is merged
    nobody is logged in here, and tests override this dependency."""
    raise ApiProblem(401, "NIET_GEAUTHENTICEERD", "Niet ingelogd")


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
