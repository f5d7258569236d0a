# SPDX-License-Identifier: EUPL-1.2
"""Administration: users and their roles, teams and their municipalities, creditor
organisations and their API keys. Admins only; every change is audited.

Reach is the core's (vroegsignaal/accounts/access.py): an admin acts on users and teams
within their own municipalities; others answer 404. Thresholds per municipality are in
api/routes/beheer_instellingen.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, Field, StringConstraints

from api.deps import CurrentPrincipal, SessionDep, SettingsDep
from vroegsignaal.accounts import api_keys, creditors, teams, users
from vroegsignaal.accounts.principal import UserRole
from vroegsignaal.contract.enums import Signaalpartner
from vroegsignaal.dates import utc_now

router = APIRouter(prefix="/beheer", tags=["beheer"])

GebruikerId = Annotated[int, Path(ge=1, le=2**62)]
TeamId = Annotated[int, Path(ge=1, le=2**62)]
SleutelId = Annotated[int, Path(ge=1, le=2**62)]
Gemeentecode = Annotated[str, Path(pattern=r"^GM[0-9]{4}$")]
Schuldeisercode = Annotated[str, Path(pattern=r"^[\w.\-:]{1,64}$")]
# Free text an admin types (names, contact details): no control characters.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]*$")]
ERRORS = ["400", "401", "403", "404"]
CHANGE_ERRORS = [*ERRORS, "409", "422"]


# ----------------------------------------------------------------------------- users


class RolToekenning(BaseModel):
    rol: UserRole
    bron: str = Field(description="'beheer' (granted by an admin) or 'oidc' (from the claims).")


class GebruikerUit(BaseModel):
    id: int
    gebruikersnaam: str
    weergavenaam: str
    email: str | None
    telefoon: str | None
    gemeentecode: str | None = Field(description="Own municipality (CBS code).")
    gemeenten: list[str] = Field(description="Every municipality served, teams included.")
    actief: bool
    rollen: list[RolToekenning]
    teams: list[int]
    wachtwoord: bool = Field(description="Has a password (else OIDC only).")
    totp: bool = Field(description="Has a TOTP second factor.")
    oidc: bool = Field(description="Linked to the identity provider.")
    laatstIngelogdOp: dt.datetime | None
    aangemaaktOp: dt.datetime


class NieuweGebruiker(BaseModel):
    gebruikersnaam: Text = Field(min_length=2, max_length=80)
    weergavenaam: Text = Field(min_length=1, max_length=120)
    gemeentecode: str | None = Field(default=None, pattern=r"^GM[0-9]{4}$")
    email: Text | None = Field(default=None, max_length=254)
    telefoon: Text | None = Field(default=None, max_length=30)
    wachtwoord: Text | None = Field(
        default=None, min_length=1, max_length=256, description="Omit for an OIDC-only account."
    )


class GebruikerWijziging(BaseModel):
    """Fields left out stay as they are; `gemeentecode: null` removes the own municipality."""

    weergavenaam: Text | None = Field(default=None, min_length=1, max_length=120)
    email: Text | None = Field(default=None, max_length=254)
    telefoon: Text | None = Field(default=None, max_length=30)
    gemeentecode: str | None = Field(default=None, pattern=r"^GM[0-9]{4}$")
    actief: bool | None = None


def _user(view: users.UserView) -> GebruikerUit:
    return GebruikerUit(
        id=view.id,
        gebruikersnaam=view.gebruikersnaam,
        weergavenaam=view.weergavenaam,
        email=view.email,
        telefoon=view.telefoon,
        gemeentecode=view.gemeentecode,
        gemeenten=sorted(view.gemeenten),
        actief=view.actief,
        rollen=[RolToekenning(rol=UserRole(r), bron=b) for r, b in sorted(view.rollen.items())],
        teams=sorted(view.teams),
        wachtwoord=view.wachtwoord,
        totp=view.totp,
        oidc=view.oidc,
        laatstIngelogdOp=view.laatst_ingelogd_op,
        aangemaaktOp=view.aangemaakt_op,
    )


@router.get(
    "/gebruikers",
    response_model=list[GebruikerUit],
    summary="Users within your municipalities",
    openapi_extra={"x-errors": ["401", "403"]},
)
def list_users(principal: CurrentPrincipal, db: SessionDep) -> list[GebruikerUit]:
    return [_user(v) for v in users.list_users(db, principal)]


@router.post(
    "/gebruikers",
    status_code=status.HTTP_201_CREATED,
    response_model=GebruikerUit,
    summary="Create a user (no roles yet)",
    openapi_extra={"x-errors": CHANGE_ERRORS},
)
def create_user(body: NieuweGebruiker, principal: CurrentPrincipal, db: SessionDep) -> GebruikerUit:
    view = users.create_user(
        db,
        principal,
        gebruikersnaam=body.gebruikersnaam,
        weergavenaam=body.weergavenaam,
        gemeentecode=body.gemeentecode,
        email=body.email,
        telefoon=body.telefoon,
        password=body.wachtwoord,
        now=utc_now(),
    )
    return _user(view)


@router.get(
    "/gebruikers/{gebruiker_id}",
    response_model=GebruikerUit,
    summary="One user",
    openapi_extra={"x-errors": ERRORS},
)
def get_user(
    gebruiker_id: GebruikerId, principal: CurrentPrincipal, db: SessionDep
) -> GebruikerUit:
    return _user(users.view(db, users.administered_user(db, principal, gebruiker_id)))


@router.patch(
    "/gebruikers/{gebruiker_id}",
    response_model=GebruikerUit,
    summary="Change contact details, own municipality, or (de)activate",
    description="Deactivating ends every session of the user at once.",
    openapi_extra={"x-errors": CHANGE_ERRORS},
)
def update_user(
    gebruiker_id: GebruikerId,
    body: GebruikerWijziging,
    principal: CurrentPrincipal,
    db: SessionDep,
) -> GebruikerUit:
    given = body.model_fields_set
    view = users.update_user(
        db,
        principal,
        gebruiker_id,
        weergavenaam=body.weergavenaam,
        email=(body.email or "") if "email" in given else None,
        telefoon=(body.telefoon or "") if "telefoon" in given else None,
        gemeentecode=body.gemeentecode,
        clear_gemeentecode="gemeentecode" in given and body.gemeentecode is None,
    )
    if body.actief is not None and body.actief != view.actief:
        view = users.set_active(db, principal, gebruiker_id, body.actief)
    return _user(view)


@router.put(
    "/gebruikers/{gebruiker_id}/rollen/{rol}",
    response_model=GebruikerUit,
    summary="Grant a role",
    openapi_extra={"x-errors": ERRORS},
)
def grant_role(
    gebruiker_id: GebruikerId, rol: UserRole, principal: CurrentPrincipal, db: SessionDep
) -> GebruikerUit:
    return _user(users.grant_role(db, principal, gebruiker_id, rol))


@router.delete(
    "/gebruikers/{gebruiker_id}/rollen/{rol}",
    response_model=GebruikerUit,
    summary="Take a role away",
    openapi_extra={"x-errors": ERRORS},
)
def revoke_role(
    gebruiker_id: GebruikerId, rol: UserRole, principal: CurrentPrincipal, db: SessionDep
) -> GebruikerUit:
    return _user(users.revoke_role(db, principal, gebruiker_id, rol))


@router.delete(
    "/gebruikers/{gebruiker_id}/totp",
    response_model=GebruikerUit,
    summary="Reset the second factor (a lost phone)",
    description="The user's sessions end; the next password login sets up TOTP again.",
    openapi_extra={"x-errors": ERRORS},
)
def reset_totp(
    gebruiker_id: GebruikerId, principal: CurrentPrincipal, db: SessionDep
) -> GebruikerUit:
    return _user(users.reset_totp(db, principal, gebruiker_id))


@router.delete(
    "/gebruikers/{gebruiker_id}/blokkade",
    response_model=GebruikerUit,
    summary="Lift a login block after repeated failures",
    openapi_extra={"x-errors": ERRORS},
)
def unlock_user(
    gebruiker_id: GebruikerId, principal: CurrentPrincipal, db: SessionDep, s: SettingsDep
) -> GebruikerUit:
    return _user(users.unlock(db, principal, gebruiker_id, settings=s))


# ----------------------------------------------------------------------------- teams


class TeamUit(BaseModel):
    id: int
    naam: str
    gemeenten: list[str]
    leden: list[int]
    aangemaaktOp: dt.datetime


class NieuwTeam(BaseModel):
    naam: Text = Field(min_length=2, max_length=80)
    gemeenten: list[Annotated[str, StringConstraints(pattern=r"^GM[0-9]{4}$")]] = Field(
        default_factory=list, max_length=400, description="CBS codes the team serves."
    )


def _team(view: teams.TeamView) -> TeamUit:
    return TeamUit(
        id=view.id,
        naam=view.naam,
        gemeenten=sorted(view.gemeenten),
        leden=sorted(view.leden),
        aangemaaktOp=view.aangemaakt_op,
    )


@router.get(
    "/teams",
    response_model=list[TeamUit],
    summary="Teams within your municipalities",
    openapi_extra={"x-errors": ["401", "403"]},
)
def list_teams(principal: CurrentPrincipal, db: SessionDep) -> list[TeamUit]:
    return [_team(v) for v in teams.list_teams(db, principal)]


@router.post(
    "/teams",
    status_code=status.HTTP_201_CREATED,
    response_model=TeamUit,
    summary="Create a team serving one or more municipalities",
    openapi_extra={"x-errors": CHANGE_ERRORS},
)
def create_team(body: NieuwTeam, principal: CurrentPrincipal, db: SessionDep) -> TeamUit:
    return _team(
        teams.create_team(db, principal, naam=body.naam, gemeenten=body.gemeenten, now=utc_now())
    )


@router.get(
    "/teams/{team_id}",
    response_model=TeamUit,
    summary="One team",
    openapi_extra={"x-errors": ERRORS},
)
def get_team(team_id: TeamId, principal: CurrentPrincipal, db: SessionDep) -> TeamUit:
    return _team(teams.get_team(db, principal, team_id))


@router.put(
    "/teams/{team_id}/gemeenten/{gemeentecode}",
    response_model=TeamUit,
    summary="Let the team serve a municipality",
    openapi_extra={"x-errors": [*ERRORS, "422"]},
)
def add_team_municipality(
    team_id: TeamId, gemeentecode: Gemeentecode, principal: CurrentPrincipal, db: SessionDep
) -> TeamUit:
    return _team(teams.add_municipality(db, principal, team_id, gemeentecode))


@router.delete(
    "/teams/{team_id}/gemeenten/{gemeentecode}",
    response_model=TeamUit,
    summary="Stop the team serving a municipality",
    openapi_extra={"x-errors": ERRORS},
)
def remove_team_municipality(
    team_id: TeamId, gemeentecode: Gemeentecode, principal: CurrentPrincipal, db: SessionDep
) -> TeamUit:
    return _team(teams.remove_municipality(db, principal, team_id, gemeentecode))


@router.put(
    "/teams/{team_id}/leden/{gebruiker_id}",
    response_model=TeamUit,
    summary="Add a member",
    openapi_extra={"x-errors": ERRORS},
)
def add_team_member(
    team_id: TeamId, gebruiker_id: GebruikerId, principal: CurrentPrincipal, db: SessionDep
) -> TeamUit:
    return _team(teams.add_member(db, principal, team_id, gebruiker_id))


@router.delete(
    "/teams/{team_id}/leden/{gebruiker_id}",
    response_model=TeamUit,
    summary="Remove a member",
    openapi_extra={"x-errors": ERRORS},
)
def remove_team_member(
    team_id: TeamId, gebruiker_id: GebruikerId, principal: CurrentPrincipal, db: SessionDep
) -> TeamUit:
    return _team(teams.remove_member(db, principal, team_id, gebruiker_id))


# ------------------------------------------------------------ creditors and API keys


class SchuldeiserUit(BaseModel):
    code: str
    naam: str
    signaalpartner: Signaalpartner | None
    actief: bool = Field(description="An inactive creditor's keys do not work.")
    aangemaaktOp: dt.datetime


class NieuweSchuldeiser(BaseModel):
    code: str = Field(pattern=r"^[\w.\-:]{1,64}$", description="The contract's `schuldeiser`.")
    naam: Text = Field(min_length=1, max_length=120)
    signaalpartner: Signaalpartner | None = None


class SchuldeiserWijziging(BaseModel):
    actief: bool


class ApiSleutelUit(BaseModel):
    """A key as it may be shown later: its public prefix, never the key."""

    id: int
    schuldeiser: str
    prefix: str
    aangemaaktOp: dt.datetime
    verlooptOp: dt.datetime | None
    ingetrokkenOp: dt.datetime | None
    laatstGebruiktOp: dt.datetime | None


class NieuweApiSleutel(BaseModel):
    id: int
    schuldeiser: str
    prefix: str
    sleutel: str = Field(description="The key, shown this once; only its hash is kept.")
    voorgangerVerlooptOp: dt.datetime | None = Field(
        default=None, description="For a rotation: when the replaced key stops working."
    )


class Rotatie(BaseModel):
    overlapUren: int | None = Field(
        default=None,
        ge=0,
        le=24 * 90,
        description="Hours the old key keeps working; default VROEGSIGNAAL_API_KEY_OVERLAP_HOURS.",
    )


def _creditor(view: creditors.CreditorView) -> SchuldeiserUit:
    return SchuldeiserUit(
        code=view.code,
        naam=view.naam,
        signaalpartner=Signaalpartner(view.signaalpartner) if view.signaalpartner else None,
        actief=view.actief,
        aangemaaktOp=view.aangemaakt_op,
    )


def _key(view: api_keys.KeyView) -> ApiSleutelUit:
    return ApiSleutelUit(
        id=view.id,
        schuldeiser=view.schuldeiser,
        prefix=view.prefix,
        aangemaaktOp=view.aangemaakt_op,
        verlooptOp=view.verloopt_op,
        ingetrokkenOp=view.ingetrokken_op,
        laatstGebruiktOp=view.laatst_gebruikt_op,
    )


def _issued(issued: api_keys.IssuedKey) -> NieuweApiSleutel:
    return NieuweApiSleutel(
        id=issued.id,
        schuldeiser=issued.schuldeiser,
        prefix=issued.prefix,
        sleutel=issued.key,
        voorgangerVerlooptOp=issued.expires_predecessor_at,
    )


@router.get(
    "/schuldeisers",
    response_model=list[SchuldeiserUit],
    summary="Registered creditor organisations",
    openapi_extra={"x-errors": ["401", "403"]},
)
def list_creditors(principal: CurrentPrincipal, db: SessionDep) -> list[SchuldeiserUit]:
    return [_creditor(v) for v in creditors.list_creditors(db, principal)]


@router.post(
    "/schuldeisers",
    status_code=status.HTTP_201_CREATED,
    response_model=SchuldeiserUit,
    summary="Register a creditor organisation",
    openapi_extra={"x-errors": CHANGE_ERRORS},
)
def register_creditor(
    body: NieuweSchuldeiser, principal: CurrentPrincipal, db: SessionDep
) -> SchuldeiserUit:
    view = creditors.register(
        db,
        principal,
        code=body.code,
        naam=body.naam,
        signaalpartner=body.signaalpartner.value if body.signaalpartner else None,
        now=utc_now(),
    )
    return _creditor(view)


@router.get(
    "/schuldeisers/{code}",
    response_model=SchuldeiserUit,
    summary="One creditor organisation",
    openapi_extra={"x-errors": ERRORS},
)
def get_creditor(
    code: Schuldeisercode, principal: CurrentPrincipal, db: SessionDep
) -> SchuldeiserUit:
    return _creditor(creditors.get_creditor(db, principal, code))


@router.patch(
    "/schuldeisers/{code}",
    response_model=SchuldeiserUit,
    summary="Switch a creditor on or off",
    openapi_extra={"x-errors": ERRORS},
)
def update_creditor(
    code: Schuldeisercode,
    body: SchuldeiserWijziging,
    principal: CurrentPrincipal,
    db: SessionDep,
) -> SchuldeiserUit:
    return _creditor(creditors.set_active(db, principal, code, body.actief))


@router.get(
    "/schuldeisers/{code}/api-sleutels",
    response_model=list[ApiSleutelUit],
    summary="A creditor's API keys (prefix and dates, never the key)",
    openapi_extra={"x-errors": ERRORS},
)
def list_api_keys(
    code: Schuldeisercode, principal: CurrentPrincipal, db: SessionDep
) -> list[ApiSleutelUit]:
    return [_key(v) for v in api_keys.list_keys(db, principal, code)]


@router.post(
    "/schuldeisers/{code}/api-sleutels",
    status_code=status.HTTP_201_CREATED,
    response_model=NieuweApiSleutel,
    summary="Issue an API key (shown once)",
    openapi_extra={"x-errors": ERRORS},
)
def create_api_key(
    code: Schuldeisercode, principal: CurrentPrincipal, db: SessionDep
) -> NieuweApiSleutel:
    return _issued(api_keys.create_key(db, principal, code, now=utc_now()))


@router.post(
    "/schuldeisers/{code}/api-sleutels/{sleutel_id}/rotatie",
    status_code=status.HTTP_201_CREATED,
    response_model=NieuweApiSleutel,
    summary="Rotate an API key: a successor now, the old key ends after the overlap",
    openapi_extra={"x-errors": ERRORS},
)
def rotate_api_key(
    code: Schuldeisercode,
    sleutel_id: SleutelId,
    body: Rotatie,
    principal: CurrentPrincipal,
    db: SessionDep,
    s: SettingsDep,
) -> NieuweApiSleutel:
    hours = s.api_key_overlap_hours if body.overlapUren is None else body.overlapUren
    issued = api_keys.rotate_key(
        db, principal, code, sleutel_id, overlap=dt.timedelta(hours=hours), now=utc_now()
    )
    return _issued(issued)


@router.delete(
    "/schuldeisers/{code}/api-sleutels/{sleutel_id}",
    response_model=ApiSleutelUit,
    summary="Revoke an API key at once",
    openapi_extra={"x-errors": ERRORS},
)
def revoke_api_key(
    code: Schuldeisercode, sleutel_id: SleutelId, principal: CurrentPrincipal, db: SessionDep
) -> ApiSleutelUit:
    return _key(api_keys.revoke_key(db, principal, code, sleutel_id, now=utc_now()))
