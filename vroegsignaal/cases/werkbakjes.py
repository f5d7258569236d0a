# SPDX-License-Identifier: EUPL-1.2
"""Werkbakjes: named, saved werkvoorraad filters of a team (STYLE.md 6, "Mijn filters").

A neighbourhood team keeps its PC4 range, another its creditor type, crisis only, overdue.
Members of the team list and use them; its teamleider makes and removes them. Each
change is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import Principal
from vroegsignaal.audit.log import record
from vroegsignaal.cases.access import Action, require
from vroegsignaal.cases.errors import CaseWorkRefused
from vroegsignaal.cases.werkvoorraad import WerkvoorraadFilter
from vroegsignaal.errors import NotFound
from vroegsignaal.storage.tables import Werkbakje

PURPOSE = "vroegsignalering.werkverdeling"


@dataclass(frozen=True, slots=True)
class Tray:
    """A werkbakje: a team's saved werkvoorraad filter."""

    id: int
    team_id: int
    naam: str
    filter: dict[str, Any]


def _tray(row: Werkbakje) -> Tray:
    return Tray(row.id, row.team_id, row.naam, dict(row.filter))


def list_trays(session: Session, principal: Principal) -> list[Tray]:
    """The werkbakjes of the principal's teams, by team and name."""
    require(principal, Action.READ_WERKBAKJES)
    if not principal.teams:
        return []
    rows = session.execute(
        select(Werkbakje).where(Werkbakje.team_id.in_(sorted(principal.teams)))
        .order_by(Werkbakje.team_id, Werkbakje.naam)
    ).scalars()
    return [_tray(r) for r in rows]


def get_tray(session: Session, principal: Principal, werkbakje_id: int) -> Tray:
    """One werkbakje of the principal's teams, else `NotFound`."""
    require(principal, Action.READ_WERKBAKJES)
    row = session.get(Werkbakje, werkbakje_id)
    if row is None or row.team_id not in principal.teams:
        raise NotFound(f"werkbakje {werkbakje_id}")
    return _tray(row)


def create_tray(
    session: Session, principal: Principal, *, team_id: int, naam: str,
    filters: WerkvoorraadFilter,
) -> Tray:
    """A teamleider saves a filter for one of their teams. Raises `Forbidden`, `NotFound`
    (not their team), `CaseWorkRefused` ("NAAM_BESTAAT": the team has one by that name)."""
    require(principal, Action.MANAGE_WERKBAKJES)
    if team_id not in principal.teams:
        raise NotFound(f"team {team_id}")
    data = filters.model_dump(mode="json", exclude_defaults=True)
    try:
        new_id = session.execute(
            insert(Werkbakje).returning(Werkbakje.id).values(
                team_id=team_id, naam=naam, filter=data, aangemaakt_door=principal.gebruiker_id,
                aangemaakt_op=dt.datetime.now(dt.UTC))
        ).scalar_one()
        record(session, principal, actie="werkbakje.aanmaken", doel=PURPOSE, resultaat="ok",
               details={"werkbakje_id": int(new_id), "team_id": team_id})
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise CaseWorkRefused(f"team {team_id}", code="NAAM_BESTAAT") from exc
    return Tray(int(new_id), team_id, naam, data)


def delete_tray(session: Session, principal: Principal, werkbakje_id: int) -> None:
    """A teamleider removes a werkbakje of their team (else `Forbidden`/`NotFound`)."""
    require(principal, Action.MANAGE_WERKBAKJES)
    tray = get_tray(session, principal, werkbakje_id)
    session.execute(delete(Werkbakje).where(Werkbakje.id == werkbakje_id))
    record(session, principal, actie="werkbakje.verwijderen", doel=PURPOSE, resultaat="ok",
           details={"werkbakje_id": werkbakje_id, "team_id": tray.team_id})
    session.commit()
