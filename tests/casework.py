# SPDX-License-Identifier: EUPL-1.2
"""Builders for case-work tests: two municipalities, their teams and users, and zaken.

Utrecht (GM0344) and Amsterdam (GM0363). Each has a team; each role has a user in Utrecht
(`world.users["schuldhulpverlener"]`, ...), plus a second worker and a worker of
Amsterdam. Principals come from the tables (`load_principal`), as the login will make them.
Until the login of issue 10 lands, the API tests put a user on a request with the header
`X-Test-Gebruiker` (a user name; "verlopen" stands for an expired session) through a
dependency override of `current_principal` (`principal_override`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from api.errors import ApiProblem
from tests.factories import signaal
from vroegsignaal.accounts.principal import Principal, UserRole, load_principal
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.storage.tables import Gebruiker, GebruikerRol, Team, TeamGemeente, TeamLid, Zaak

UTRECHT, AMSTERDAM = "GM0344", "GM0363"
# (name, own municipality, roles, team)
USERS: list[tuple[str, str | None, tuple[UserRole, ...], str | None]] = [
    ("schuldhulpverlener", UTRECHT, (UserRole.SCHULDHULPVERLENER,), "utrecht"),
    ("collega", UTRECHT, (UserRole.SCHULDHULPVERLENER,), "utrecht"),
    ("teamleider", UTRECHT, (UserRole.TEAMLEIDER,), "utrecht"),
    ("manager", UTRECHT, (UserRole.MANAGER,), None),
    ("admin", UTRECHT, (UserRole.ADMIN,), None),
    ("zonder-rol", UTRECHT, (), "utrecht"),
    ("amsterdammer", AMSTERDAM, (UserRole.SCHULDHULPVERLENER,), "amsterdam"),
    ("teamleider-amsterdam", AMSTERDAM, (UserRole.TEAMLEIDER,), "amsterdam"),
]


@dataclass
class World:
    users: dict[str, int] = field(default_factory=dict)
    teams: dict[str, int] = field(default_factory=dict)

    def principal(self, session: Session, name: str, request_id: str | None = None) -> Principal:
        p = load_principal(session, self.users[name], request_id=request_id)
        assert p is not None
        return p


def build_world(session: Session) -> World:
    """Teams and users of both municipalities (no zaken)."""
    world = World()
    for team, gemeente in (("utrecht", UTRECHT), ("amsterdam", AMSTERDAM)):
        world.teams[team] = session.execute(
            insert(Team).returning(Team.id),
            [{"naam": f"Vroeg Eropaf {team}", "aangemaakt_op": dt.datetime.now(dt.UTC)}],
        ).scalar_one()
        session.execute(insert(TeamGemeente), [{"team_id": world.teams[team],
                                                "gemeentecode": gemeente}])
    for name, gemeente, roles, team in USERS:
        uid = session.execute(
            insert(Gebruiker).returning(Gebruiker.id),
            [{"gebruikersnaam": name, "weergavenaam": f"Medewerker {name}",
              "gemeentecode": gemeente, "actief": True, "mislukte_pogingen": 0,
              "aangemaakt_op": dt.datetime.now(dt.UTC)}],
        ).scalar_one()
        world.users[name] = uid
        for role in roles:
            session.execute(insert(GebruikerRol), [{"gebruiker_id": uid, "rol": role.value}])
        if team:
            session.execute(insert(TeamLid), [{"team_id": world.teams[team],
                                               "gebruiker_id": uid}])
    session.commit()
    return world


_household = iter(range(10, 10_000))


def new_zaak(session: Session, gemeente: str = UTRECHT, **overrides: Any) -> int:
    """One new zaak (a fresh household) in `gemeente`, through the real intake."""
    n = next(_household)
    postcode = "3511 AB" if gemeente == UTRECHT else "1012 AB"
    msg = signaal(client__postcode=postcode, client__huisnummer=str(n),
                  klantreferentie=f"K-{n}", **overrides)
    result = run_intake([msg], session=session, source="test",
                        ontvangen_op=dt.date.fromisoformat(msg["signaaldatum"]))
    zaak_id = result.outcomes[0].zaak_id
    assert zaak_id is not None, result.outcomes[0]
    return zaak_id


def zaak_row(session: Session, zaak_id: int) -> Zaak:
    session.expire_all()
    row = session.execute(select(Zaak).where(Zaak.id == zaak_id)).scalar_one()
    return row


def principal_override(db_url: str) -> Callable[[Request], Principal]:
    """A stand-in for `api.deps.current_principal`: the user named in `X-Test-Gebruiker`."""
    from vroegsignaal.storage.db import session_factory

    def current(request: Request) -> Principal:
        name = request.headers.get("X-Test-Gebruiker")
        if not name or name == "verlopen":
            raise ApiProblem(401, "NIET_GEAUTHENTICEERD", "Niet ingelogd of sessie verlopen")
        with session_factory(db_url)() as s:
            user = s.execute(select(Gebruiker.id).where(Gebruiker.gebruikersnaam == name)
                             ).scalar_one_or_none()
            principal = load_principal(s, user, request_id=request.state.request_id) if user \
                else None
        if principal is None:
            raise ApiProblem(401, "NIET_GEAUTHENTICEERD", "Niet ingelogd of sessie verlopen")
        return principal

    return current
