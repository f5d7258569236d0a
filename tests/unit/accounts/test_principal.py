# SPDX-License-Identifier: EUPL-1.2
"""A principal's rights come from rows: roles, own municipality and the teams' municipalities."""

from __future__ import annotations

from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import UserRole, load_principal
from vroegsignaal.storage.tables import Gebruiker, GebruikerRol, Team, TeamGemeente, TeamLid


def _user(session: Session, naam: str, gemeentecode: str | None = None) -> Gebruiker:
    user = Gebruiker(gebruikersnaam=naam, weergavenaam=naam.title(), gemeentecode=gemeentecode)
    session.add(user)
    session.flush()
    return user


def test_new_account_has_no_rights(session: Session) -> None:
    user = _user(session, "nieuw")
    principal = load_principal(session, user.id)
    assert principal is not None
    assert principal.roles == frozenset()
    assert principal.gemeenten == frozenset()
    assert not principal.has(*UserRole)


def test_regional_team_adds_its_municipalities(session: Session) -> None:
    team = Team(naam="Vroeg Eropaf regio")
    session.add(team)
    session.flush()
    session.add_all([TeamGemeente(team_id=team.id, gemeentecode=c) for c in ("GM0344", "GM0307")])
    user = _user(session, "werker", gemeentecode="GM0363")
    session.add_all(
        [
            GebruikerRol(gebruiker_id=user.id, rol=UserRole.SCHULDHULPVERLENER),
            TeamLid(team_id=team.id, gebruiker_id=user.id),
        ]
    )
    session.flush()
    principal = load_principal(session, user.id, request_id="req-1")
    assert principal is not None
    assert principal.roles == {UserRole.SCHULDHULPVERLENER}
    assert principal.gemeenten == {"GM0363", "GM0344", "GM0307"}
    assert principal.teams == {team.id}
    assert principal.request_id == "req-1"
    assert principal.has(UserRole.SCHULDHULPVERLENER, UserRole.ADMIN)
    assert not principal.has(UserRole.MANAGER)
    assert principal.serves("GM0307") and not principal.serves("GM0193")


def test_inactive_or_unknown_user_has_no_principal(session: Session) -> None:
    user = _user(session, "weg")
    user.actief = False
    session.flush()
    assert load_principal(session, user.id) is None
    assert load_principal(session, 987654) is None
