# SPDX-License-Identifier: EUPL-1.2
"""OAuth 2.0 client credentials: the bearer token of the caller, checked against the
configured issuer (Keycloak in the tests; `Settings.ddas_oauth_issuer`).

The token is a JWT signed by the issuer; its keys come from the issuer's discovery
document and JWKS (fetched once and again when an unknown key id shows up). Checked:
signature, issuer, expiry; the client id (`azp`, or `client_id`) is the caller. Which
clients may pull is the core's decision (vroegsignaal/ddas/pull.py).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import KeySet

from vroegsignaal.ddas.pull import DdasCaller

_LOCK = threading.Lock()
_KEYS: dict[str, tuple[float, KeySet]] = {}
KEYS_TTL = 3600.0


class TokenProblem(Exception):
    """Why a token is refused, as an FSC error code (DDAS-VS.yaml `Fsc-Error-Code`)."""

    def __init__(self, fsc_code: str, detail: str) -> None:
        super().__init__(detail)
        self.fsc_code, self.detail = fsc_code, detail


def _keyset(issuer: str, refresh: bool = False) -> KeySet:
    with _LOCK:
        cached = _KEYS.get(issuer)
        if cached and not refresh and time.monotonic() - cached[0] < KEYS_TTL:
            return cached[1]
    with httpx.Client(timeout=10) as client:
        conf = client.get(f"{issuer.rstrip('/')}/.well-known/openid-configuration")
        conf.raise_for_status()
        jwks = client.get(conf.json()["jwks_uri"])
        jwks.raise_for_status()
    keys = KeySet.import_key_set(jwks.json())
    with _LOCK:
        _KEYS[issuer] = (time.monotonic(), keys)
    return keys


def caller_from(authorization: str | None, issuer: str) -> DdasCaller:
    """The caller of a request with this Authorization header; raises `TokenProblem`."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise TokenProblem("ERROR_CODE_ACCESS_TOKEN_MISSING", "Bearer-token ontbreekt")
    if not issuer:
        raise TokenProblem("ERROR_CODE_ACCESS_TOKEN_INVALID", "geen OAuth-uitgever ingesteld")
    token = authorization[7:].strip()
    try:
        try:
            decoded = jwt.decode(token, _keyset(issuer), algorithms=["RS256", "PS256", "ES256"])
        except JoseError:
            decoded = jwt.decode(token, _keyset(issuer, refresh=True),
                                 algorithms=["RS256", "PS256", "ES256"])
        claims: dict[str, Any] = decoded.claims
        jwt.JWTClaimsRegistry(iss={"essential": True, "value": issuer},
                              exp={"essential": True}).validate(claims)
    except ExpiredTokenError as exc:
        raise TokenProblem("ERROR_CODE_ACCESS_TOKEN_EXPIRED", "token verlopen") from exc
    except (JoseError, ValueError, httpx.HTTPError) as exc:
        raise TokenProblem("ERROR_CODE_ACCESS_TOKEN_INVALID", "token ongeldig") from exc
    client_id = claims.get("azp") or claims.get("client_id")
    if not isinstance(client_id, str):
        raise TokenProblem("ERROR_CODE_ACCESS_TOKEN_INVALID", "token zonder client")
    return DdasCaller(client_id)
