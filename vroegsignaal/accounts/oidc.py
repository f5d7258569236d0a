# SPDX-License-Identifier: EUPL-1.2
"""OpenID Connect login against the municipality's identity provider (authlib).

The authorization-code flow with PKCE (S256) and a nonce. authlib does the protocol: the
discovery document, the authorization URL, the token request with the client secret,
and the ID token's checks (signature against the provider's JWKS, refetched for an
unknown key id; `iss`, `aud`, `exp`, `iat`, `nonce`, `at_hash`). This module keeps the
state between the two legs in `oidc_aanmelding` (one row per login under way, used once,
ten minutes) and turns the verified claims into an account (claims.py).

The door binds the login to the browser that started it: it sets `state` in a cookie
and passes it back here, and a callback whose `state` differs is refused (RFC 6749
section 10.12, login CSRF). An `iss` parameter in the callback must name the configured
issuer (RFC 9207, mix-up attacks).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import requests
from authlib.integrations.base_client import BaseApp, OAuth2Mixin, OAuthError, OpenIDMixin
from authlib.integrations.requests_client import OAuth2Session
from joserfc.errors import JoseError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vroegsignaal.accounts.claims import ClaimMapping, MappedClaims, map_claims
from vroegsignaal.accounts.login import PURPOSE, Origin, open_oidc_session
from vroegsignaal.accounts.sessions import IssuedSession
from vroegsignaal.accounts.throttle import normalise_name
from vroegsignaal.accounts.users import USERNAME
from vroegsignaal.audit.log import record
from vroegsignaal.config import Settings
from vroegsignaal.dates import utc
from vroegsignaal.errors import Forbidden, NotAuthenticated, NotFound, ServiceUnavailable
from vroegsignaal.storage.tables import (
    BRON_BEHEER,
    BRON_OIDC,
    Gebruiker,
    GebruikerRol,
    Gemeente,
    OidcAanmelding,
    Team,
    TeamGemeente,
    TeamLid,
)

log = logging.getLogger(__name__)
PENDING_LIFETIME = dt.timedelta(minutes=10)
HTTP_TIMEOUT = 10.0


class OidcNotConfigured(NotFound):
    code = "OIDC_NIET_INGESTELD"
    title = "Aanmelden via de identity provider is hier niet ingesteld"


class OidcLoginFailed(NotAuthenticated):
    code = "OIDC_AANMELDEN_MISLUKT"
    title = "Aanmelden via de identity provider is mislukt"


class AccountDeactivated(Forbidden):
    code = "ACCOUNT_GEDEACTIVEERD"
    title = "Dit account is gedeactiveerd"


class IdentityProviderUnavailable(ServiceUnavailable):
    code = "IDP_NIET_BEREIKBAAR"
    title = "De identity provider is niet bereikbaar"


class _Client(OAuth2Mixin, OpenIDMixin, BaseApp):  # type: ignore[misc]  # authlib: untyped
    """authlib's framework-free OAuth 2 + OIDC client on requests (what its Flask client is,
    without Flask's session storage: ours is `oidc_aanmelding`)."""

    client_cls = OAuth2Session


@lru_cache(maxsize=4)
def _cached_client(issuer: str, client_id: str, client_secret: str, scope: str) -> _Client:
    return _Client(
        framework=None,
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": scope,
            "code_challenge_method": "S256",
            "default_timeout": HTTP_TIMEOUT,
        },
    )


def client(settings: Settings) -> _Client:
    """The provider's client (discovery and keys cached per process). Raises OidcNotConfigured."""
    if not settings.oidc_issuer:
        raise OidcNotConfigured()
    return _cached_client(
        settings.oidc_issuer,
        settings.oidc_client_id,
        settings.oidc_client_secret,
        settings.oidc_scope,
    )


def _state_hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


# A path (with query) in this app: no scheme, no host, no "//", no backslash or control
# characters; anything else returns to "/" (no open redirect).
RETURN_PATH = re.compile(r"^/(?!/)[A-Za-z0-9._~!$&'()*+,;=:@%/?-]{0,199}$")


def safe_return_path(terug: str | None) -> str:
    """Where to go after login: `terug` when it is a path in this app, else "/"."""
    return terug if terug and RETURN_PATH.match(terug) else "/"


@dataclass(frozen=True, slots=True)
class Authorization:
    """Where to send the browser, and the `state` the door keeps in its cookie."""

    url: str
    state: str


@dataclass(frozen=True, slots=True)
class OidcLogin:
    """The result of an OIDC callback: the issued session and the page to return to."""

    session: IssuedSession
    terug: str


def start(
    session: Session, settings: Settings, *, redirect_uri: str, terug: str | None, now: dt.datetime
) -> Authorization:
    """Begin a login: the provider's authorization URL (committed row with nonce and PKCE
    verifier). Raises OidcNotConfigured, IdentityProviderUnavailable."""
    app = client(settings)
    try:
        rv = app.create_authorization_url(redirect_uri=redirect_uri)
    except requests.RequestException as exc:
        raise IdentityProviderUnavailable() from exc
    session.execute(delete(OidcAanmelding).where(OidcAanmelding.verloopt_op <= now))
    session.add(
        OidcAanmelding(
            state_hash=_state_hash(rv["state"]),
            nonce=rv["nonce"],
            code_verifier=rv["code_verifier"],
            terug=safe_return_path(terug),
            verloopt_op=now + PENDING_LIFETIME,
        )
    )
    session.commit()
    return Authorization(url=rv["url"], state=rv["state"])


def finish(
    session: Session,
    settings: Settings,
    *,
    params: dict[str, str],
    browser_state: str | None,
    redirect_uri: str,
    origin: Origin,
    now: dt.datetime,
) -> OidcLogin:
    """Complete a login from the callback's query `params` (code, state, iss or error).

    Raises OidcLoginFailed (provider error, state not this browser's or unknown, code or
    ID token refused), AccountDeactivated, IdentityProviderUnavailable.
    """
    app = client(settings)
    state = params.get("state") or ""
    if "error" in params:
        raise OidcLoginFailed("de identity provider meldt een fout")
    if not state or not browser_state:
        raise OidcLoginFailed("state ontbreekt")
    if not hmac.compare_digest(state.encode(), browser_state.encode()):
        raise OidcLoginFailed("state hoort niet bij deze browser")
    pending = session.get(OidcAanmelding, _state_hash(state))
    if pending is None or utc(pending.verloopt_op) <= now:
        raise OidcLoginFailed("onbekende of verlopen aanmelding")
    nonce, verifier, terug = pending.nonce, pending.code_verifier, pending.terug
    session.delete(pending)
    session.commit()  # used once, whatever follows
    try:
        issuer = app.load_server_metadata()["issuer"]
        if "iss" in params and params["iss"] != issuer:
            raise OidcLoginFailed("iss is niet de ingestelde identity provider")
        token = app.fetch_access_token(
            redirect_uri=redirect_uri, code=params.get("code", ""), code_verifier=verifier
        )
        claims = dict(app.parse_id_token(token, nonce=nonce))
    except requests.RequestException as exc:
        raise IdentityProviderUnavailable() from exc
    except (OAuthError, JoseError, KeyError, ValueError) as exc:
        log.warning("oidc login refused error=%s", type(exc).__name__)
        raise OidcLoginFailed("code of ID-token geweigerd") from exc
    mapped = map_claims(claims, ClaimMapping.from_settings(settings))
    user, details = sync_account(session, claims, mapped, now=now)
    if not user.actief:
        record(
            session,
            origin.actor(),
            actie="aanmelden",
            doel=PURPOSE,
            resultaat="gedeactiveerd",
            details={"gebruiker_id": user.id, "methode": "oidc"},
        )
        session.commit()
        raise AccountDeactivated()
    issued = open_oidc_session(
        session, user, claims=details, settings=settings, origin=origin, now=now
    )
    session.commit()
    return OidcLogin(issued, terug)


def sync_account(
    session: Session, claims: dict[str, Any], mapped: MappedClaims, *, now: dt.datetime
) -> tuple[Gebruiker, dict[str, Any]]:
    """Find or create the account of (iss, sub) and apply the mapped claims (flushed).

    Returns the user and what was applied, as codes for the audit record.
    """
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    query = select(Gebruiker).where(
        Gebruiker.oidc_issuer == issuer, Gebruiker.oidc_subject == subject
    )
    user = session.execute(query).scalar_one_or_none()
    created = user is None
    if user is None:
        user = Gebruiker(
            gebruikersnaam=_free_username(session, claims),
            weergavenaam="",
            oidc_issuer=issuer,
            oidc_subject=subject,
            actief=True,
            aangemaakt_op=now,
        )
        session.add(user)
    user.weergavenaam = str(claims.get("name") or claims.get("preferred_username") or subject)[:120]
    email = claims.get("email")
    user.email = str(email)[:254] if email else None
    session.flush()

    known = set(
        session.execute(
            select(Gemeente.gemeentecode).where(Gemeente.gemeentecode.in_(mapped.gemeenten))
        ).scalars()
    )
    team = _apply_team(session, user, mapped.team)
    user.gemeentecode = next(iter(known)) if len(known) == 1 else None
    served = set(known if len(known) == 1 else ())
    if team is not None:
        served |= set(
            session.execute(
                select(TeamGemeente.gemeentecode).where(TeamGemeente.team_id == team.id)
            ).scalars()
        )
    _apply_roles(session, user, mapped)
    session.flush()
    return user, {
        "nieuw_account": created,
        "rollen": sorted(mapped.roles),
        "gemeentecode": user.gemeentecode,
        "team_id": team.id if team else None,
        "genegeerd": mapped.unmapped
        + len(mapped.gemeenten - known)
        + len(known - served)
        + (1 if mapped.team and team is None else 0),
    }


def _apply_roles(session: Session, user: Gebruiker, mapped: MappedClaims) -> None:
    rows = {
        row.rol: row
        for row in session.execute(
            select(GebruikerRol).where(GebruikerRol.gebruiker_id == user.id)
        ).scalars()
    }
    wanted = {role.value for role in mapped.roles}
    for rol, row in rows.items():
        if row.bron == BRON_OIDC and rol not in wanted:
            session.delete(row)
    for rol in wanted - rows.keys():
        session.add(GebruikerRol(gebruiker_id=user.id, rol=rol, bron=BRON_OIDC))


def _apply_team(session: Session, user: Gebruiker, naam: str | None) -> Team | None:
    team = (
        session.execute(select(Team).where(Team.naam == naam)).scalar_one_or_none()
        if naam
        else None
    )
    memberships = session.execute(select(TeamLid).where(TeamLid.gebruiker_id == user.id))
    have = {row.team_id: row for row in memberships.scalars()}
    for team_id, row in have.items():
        if row.bron == BRON_OIDC and (team is None or team_id != team.id):
            session.delete(row)
    if team is not None and team.id not in have:
        session.add(TeamLid(team_id=team.id, gebruiker_id=user.id, bron=BRON_OIDC))
    return team


def _free_username(session: Session, claims: dict[str, Any]) -> str:
    """`preferred_username` when it is a valid, free name; else a name from iss and sub."""
    wanted = normalise_name(str(claims.get("preferred_username") or ""))
    taken = select(Gebruiker.id).where(Gebruiker.gebruikersnaam == wanted)
    if USERNAME.match(wanted) and session.execute(taken).first() is None:
        return wanted
    digest = hashlib.sha256(f"{claims['iss']}|{claims['sub']}".encode()).hexdigest()
    return f"oidc-{digest[:16]}"


__all__ = ["BRON_BEHEER", "Authorization", "OidcLogin", "finish", "start", "sync_account"]
