# SPDX-License-Identifier: EUPL-1.2
"""Teams and the municipalities they serve; membership.

A team serves one municipality or, as a regional team, several; its members serve them
all (principal.py). An admin acts on teams whose municipalities all lie within their own
reach and adds only municipalities they serve; other teams are NotFound. Every change is
audited and committed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vroegsignaal.accounts.access import admin_scope, require_within, within
from vroegsignaal.accounts.principal import AnyPrincipal
from vroegsignaal.accounts.users import CreditorAccount, UnknownMunicipality, administered_user
from vroegsignaal.audit.log import record
from vroegsignaal.dates import utc
from vroegsignaal.errors import Conflict, NotFound, VroegsignaalError
from vroegsignaal.storage.tables import BRON_BEHEER, Gemeente, Team, TeamGemeente, TeamLid

PURPOSE = "vroegsignalering.beheer"  # docs/privacy.md, processing purposes


class InvalidTeamName(VroegsignaalError):
    """A team name outside 2-80 characters."""

    code = "ONGELDIGE_TEAMNAAM"
    title = "Een teamnaam heeft 2 tot 80 tekens"


@dataclass(frozen=True, slots=True)
class TeamView:
    """A team as administrators see it: its municipalities and members."""

    id: int
    naam: str
    gemeenten: frozenset[str]
    leden: dict[int, str]  # gebruiker id -> where the membership came from
    aangemaakt_op: dt.datetime


def _gemeenten(session: Session, team_id: int) -> frozenset[str]:
    query = select(TeamGemeente.gemeentecode).where(TeamGemeente.team_id == team_id)
    return frozenset(session.execute(query).scalars())


def _view(session: Session, team: Team) -> TeamView:
    members = session.execute(
        select(TeamLid.gebruiker_id, TeamLid.bron).where(TeamLid.team_id == team.id)
    )
    return TeamView(
        team.id,
        team.naam,
        _gemeenten(session, team.id),
        {gebruiker_id: bron for gebruiker_id, bron in members},
        utc(team.aangemaakt_op),
    )


def administered_team(session: Session, actor: AnyPrincipal, team_id: int) -> Team:
    """The team, when all its municipalities lie within the actor's administration;
    NotFound otherwise (also when it does not exist)."""
    scope = admin_scope(actor)
    team = session.get(Team, team_id)
    if team is None or not within(scope, _gemeenten(session, team_id)):
        raise NotFound(f"team {team_id} niet gevonden")
    return team


def list_teams(session: Session, actor: AnyPrincipal) -> list[TeamView]:
    """The teams the actor administers, by name."""
    scope = admin_scope(actor)
    teams = session.execute(select(Team).order_by(Team.naam)).scalars()
    views = [_view(session, team) for team in teams]
    return [v for v in views if within(scope, v.gemeenten)]


def get_team(session: Session, actor: AnyPrincipal, team_id: int) -> TeamView:
    """One administered team; NotFound outside the actor's administration."""
    return _view(session, administered_team(session, actor, team_id))


def create_team(
    session: Session, actor: AnyPrincipal, *, naam: str, gemeenten: list[str], now: dt.datetime
) -> TeamView:
    """A team serving `gemeenten` (committed). Raises OutsideAdminScope, UnknownMunicipality,
    InvalidTeamName, Conflict (name taken)."""
    scope = admin_scope(actor)
    naam = naam.strip()
    if not 2 <= len(naam) <= 80:
        raise InvalidTeamName()
    _check_municipalities(session, scope, gemeenten)
    if session.execute(select(Team.id).where(Team.naam == naam)).first():
        raise Conflict("een team met deze naam bestaat al")
    team = Team(naam=naam, aangemaakt_op=now)
    session.add(team)
    session.flush()
    session.add_all(TeamGemeente(team_id=team.id, gemeentecode=c) for c in sorted(set(gemeenten)))
    _audit(session, actor, "team.aanmaken", team.id, gemeenten=sorted(set(gemeenten)))
    session.commit()
    return _view(session, team)


def add_municipality(
    session: Session, actor: AnyPrincipal, team_id: int, gemeentecode: str
) -> TeamView:
    """Add a municipality the actor administers to the team; returns the team.
    Raises OutsideAdminScope, NotFound."""
    scope = admin_scope(actor)
    team = administered_team(session, actor, team_id)
    _check_municipalities(session, scope, [gemeentecode])
    if session.get(TeamGemeente, (team.id, gemeentecode)) is None:
        session.add(TeamGemeente(team_id=team.id, gemeentecode=gemeentecode))
    _audit(session, actor, "team.gemeente_toevoegen", team.id, gemeentecode=gemeentecode)
    session.commit()
    return _view(session, team)


def remove_municipality(
    session: Session, actor: AnyPrincipal, team_id: int, gemeentecode: str
) -> TeamView:
    """Take a municipality off the team; returns the team. Raises NotFound."""
    team = administered_team(session, actor, team_id)
    row = session.get(TeamGemeente, (team.id, gemeentecode))
    if row is not None:
        session.delete(row)
    _audit(session, actor, "team.gemeente_verwijderen", team.id, gemeentecode=gemeentecode)
    session.commit()
    return _view(session, team)


def add_member(session: Session, actor: AnyPrincipal, team_id: int, gebruiker_id: int) -> TeamView:
    """Make a user a member (an admin's membership: it survives OIDC logins)."""
    team = administered_team(session, actor, team_id)
    user = administered_user(session, actor, gebruiker_id)
    if user.schuldeiser is not None:
        raise CreditorAccount("een schuldeiseraccount wordt geen teamlid")
    row = session.get(TeamLid, (team.id, user.id))
    if row is None:
        session.add(TeamLid(team_id=team.id, gebruiker_id=user.id, bron=BRON_BEHEER))
    else:
        row.bron = BRON_BEHEER
    _audit(session, actor, "team.lid_toevoegen", team.id, gebruiker_id=user.id)
    session.commit()
    return _view(session, team)


def remove_member(
    session: Session, actor: AnyPrincipal, team_id: int, gebruiker_id: int
) -> TeamView:
    """Take a user off the team; returns the team. Raises NotFound."""
    team = administered_team(session, actor, team_id)
    row = session.get(TeamLid, (team.id, gebruiker_id))
    if row is None:
        raise NotFound(f"gebruiker {gebruiker_id} is geen lid van team {team_id}")
    session.delete(row)
    _audit(session, actor, "team.lid_verwijderen", team.id, gebruiker_id=gebruiker_id)
    session.commit()
    return _view(session, team)


def _check_municipalities(
    session: Session, scope: frozenset[str] | None, gemeenten: list[str]
) -> None:
    known = set(
        session.execute(
            select(Gemeente.gemeentecode).where(Gemeente.gemeentecode.in_(gemeenten))
        ).scalars()
    )
    unknown = sorted(set(gemeenten) - known)
    if unknown:
        raise UnknownMunicipality(", ".join(unknown))
    require_within(scope, gemeenten)


def _audit(
    session: Session, actor: AnyPrincipal, action: str, team_id: int, **details: object
) -> None:
    record(
        session,
        actor,
        actie=action,
        doel=PURPOSE,
        resultaat="ok",
        details={"team_id": team_id, **details},
    )
