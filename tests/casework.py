# SPDX-License-Identifier: EUPL-1.2
"""Builders for case-work tests: two municipalities, their teams and users, and zaken.

Utrecht (GM0344) and Amsterdam (GM0363). Each has a team; each role has a user in Utrecht
(`world.users["schuldhulpverlener"]`, ...), plus a second worker and a worker of
Amsterdam. Principals come from the tables (`load_principal`), as the login makes them.
API tests act as a user through a real session of vroegsignaal/accounts (`session_headers`:
the session cookie and its CSRF token, checked by the app's own `CurrentPrincipal`); the
rights matrix logs in through `POST /sessies` itself (`build_world(passwords=True)`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from tests.accounts import PASSWORD
from tests.factories import signaal
from vroegsignaal.accounts import sessions
from vroegsignaal.accounts.passwords import hash_password
from vroegsignaal.accounts.principal import Principal, UserRole, load_principal
from vroegsignaal.accounts.sessions import COOKIE_NAME, Method, Step
from vroegsignaal.config import get_settings
from vroegsignaal.dates import utc_now
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.storage.db import session_scope
from vroegsignaal.storage.tables import (
    Gebruiker,
    GebruikerRol,
    Sessie,
    Team,
    TeamGemeente,
    TeamLid,
    Zaak,
)

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


@lru_cache(maxsize=1)
def _password_hash() -> str:
    # One argon2id hash for every test user (each hash costs 0.1-0.5 s).
    return hash_password(PASSWORD)


def build_world(session: Session, *, passwords: bool = False) -> World:
    """Teams and users of both municipalities (no zaken); with `passwords`, every user
    logs in with tests.accounts.PASSWORD."""
    world = World()
    password_hash = _password_hash() if passwords else None
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
              "gemeentecode": gemeente, "actief": True, "wachtwoord_hash": password_hash,
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


def session_headers(db_url: str, name: str) -> dict[str, str]:
    """The headers of a browser logged in as the user `name`: a complete session made by
    vroegsignaal/accounts/sessions.py (the cookie) and its CSRF token. "verlopen": a
    session of the schuldhulpverlener that passed its absolute expiry."""
    expired = name == "verlopen"
    with session_scope(db_url) as s:
        user = s.execute(select(Gebruiker.id).where(
            Gebruiker.gebruikersnaam == ("schuldhulpverlener" if expired else name))
        ).scalar_one()
        issued = sessions.start(s, user, method=Method.PASSWORD, step=Step.COMPLETE,
                                settings=get_settings(), now=utc_now())
        if expired:
            s.execute(update(Sessie).where(Sessie.gebruiker_id == user,
                                           Sessie.sleutel_hash == sessions.token_hash(issued.token))
                      .values(verloopt_op=utc_now() - dt.timedelta(minutes=1)))
        s.commit()
    return {"Cookie": f"{COOKIE_NAME}={issued.token}", "X-CSRF-Token": issued.csrf_token}
