# SPDX-License-Identifier: EUPL-1.2
"""Who is acting: the types every rights check in the core takes.

Rights come from rows, never from a route: a user's roles (`gebruiker_rol`) and the
municipalities the user serves (`gebruiker.gemeentecode` plus the municipalities of each
team in `team_lid`/`team_gemeente`). A user without roles has no rights at all; that is
how a new (OIDC) account starts until an admin grants it a role (issue 10, DESIGN.md
"Users and rights").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import CompoundSelect, String, cast, literal, select, union_all
from sqlalchemy.orm import Session

from vroegsignaal.storage.tables import (
    Gebruiker,
    GebruikerRol,
    SchuldeiserOrganisatie,
    TeamGemeente,
    TeamLid,
)


class UserRole(StrEnum):
    """The roles of a municipal user (DESIGN.md "Users and rights")."""

    SCHULDHULPVERLENER = "schuldhulpverlener"  # works the werkvoorraad and zaken
    TEAMLEIDER = "teamleider"  # assigns work, sees the team's werkvoorraad
    MANAGER = "manager"  # aggregates only, never case details
    ADMIN = "admin"  # users, teams, keys, thresholds


@dataclass(frozen=True, slots=True)
class Principal:
    """A logged-in municipal user, as the core sees them.

    `gemeenten` are the CBS codes (e.g. "GM0344") of every municipality the user serves;
    `teams` the ids of the teams they belong to. `request_id` names the request or job
    the action came from, for the audit trail.
    """

    gebruiker_id: int
    gebruikersnaam: str
    roles: frozenset[UserRole]
    gemeenten: frozenset[str]
    teams: frozenset[int]
    request_id: str | None = None

    def has(self, *roles: UserRole) -> bool:
        """True when the user has at least one of `roles`."""
        return not self.roles.isdisjoint(roles)

    def serves(self, gemeentecode: str) -> bool:
        """Whether the user serves municipality `gemeentecode` (CBS code, GM0000)."""
        return gemeentecode in self.gemeenten


@dataclass(frozen=True, slots=True)
class CreditorPrincipal:
    """A schuldeiser authenticated by an API key, by a person's web login (ADR 0014), or by
    its delivery folder or Kafka identity.

    `schuldeiser` is the registered code, equal to the contract's `schuldeiser` field;
    `gebruiker_id` is the creditor's web account when a person logged in.
    """

    schuldeiser: str
    api_sleutel_id: int | None = None
    gebruiker_id: int | None = None
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class SystemPrincipal:
    """The system itself: intake, nightly jobs, the automatic closing of expired zaken."""

    naam: str = "systeem"
    request_id: str | None = None


SYSTEM = SystemPrincipal()

AnyPrincipal = Principal | CreditorPrincipal | SystemPrincipal


def load_principal(
    session: Session, gebruiker_id: int, *, request_id: str | None = None
) -> Principal | None:
    """The principal of an active user, or None for an unknown or deactivated account."""
    user = session.get(Gebruiker, gebruiker_id)
    if user is None or not user.actief:
        return None
    # Roles, teams and the teams' municipalities in one round trip: this runs on every
    # request (api/deps.py), and under load each round trip also waits for the GIL
    # (benchmarks/bench_casework.py: three queries were a third of a werkvoorraad page).
    roles: set[UserRole] = set()
    teams: set[int] = set()
    gemeenten = {user.gemeentecode} if user.gemeentecode else set()
    for kind, value in session.execute(_rights_of(gebruiker_id)):
        if kind == "rol":
            roles.add(UserRole(value))
        elif kind == "team":
            teams.add(int(value))
        else:
            gemeenten.add(str(value))
    return Principal(
        gebruiker_id=user.id,
        gebruikersnaam=user.gebruikersnaam,
        roles=frozenset(roles),
        gemeenten=frozenset(gemeenten),
        teams=frozenset(teams),
        request_id=request_id,
    )


def _rights_of(gebruiker_id: int) -> CompoundSelect[str, str]:
    """(kind, value) rows: each role ("rol"), team id ("team", as text) and municipality of
    a team ("gemeente") of the user; what `served_municipalities` and the roles query
    read, in one statement."""
    mine = TeamLid.gebruiker_id == gebruiker_id
    return union_all(
        select(literal("rol"), GebruikerRol.rol).where(GebruikerRol.gebruiker_id == gebruiker_id),
        select(literal("team"), cast(TeamLid.team_id, String)).where(mine),
        select(literal("gemeente"), TeamGemeente.gemeentecode)
        .join(TeamLid, TeamLid.team_id == TeamGemeente.team_id).where(mine),
    )


def load_creditor_user(
    session: Session, gebruiker_id: int, *, request_id: str | None = None
) -> CreditorPrincipal | None:
    """The creditor a web account acts for (ADR 0014), or None: not a creditor's account,
    deactivated, or its organisation deactivated."""
    user = session.get(Gebruiker, gebruiker_id)
    if user is None or not user.actief or user.schuldeiser is None:
        return None
    organisation = session.get(SchuldeiserOrganisatie, user.schuldeiser)
    if organisation is None or not organisation.actief:
        return None
    return CreditorPrincipal(
        schuldeiser=organisation.code, gebruiker_id=user.id, request_id=request_id
    )


def served_municipalities(
    session: Session, user: Gebruiker
) -> tuple[frozenset[int], frozenset[str]]:
    """The user's team ids and the municipalities they serve: their own `gemeentecode` plus
    every municipality of every team they belong to (active or not)."""
    teams = frozenset(
        session.execute(select(TeamLid.team_id).where(TeamLid.gebruiker_id == user.id)).scalars()
    )
    served = select(TeamGemeente.gemeentecode).where(TeamGemeente.team_id.in_(teams))
    gemeenten = set(session.execute(served).scalars()) if teams else set()
    if user.gemeentecode:
        gemeenten.add(user.gemeentecode)
    return teams, frozenset(gemeenten)
