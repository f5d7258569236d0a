# SPDX-License-Identifier: EUPL-1.2
"""Who works a zaak: claim ("toewijzen aan mij"), assign, release, bulk assign.

Every change checks rights in the core (cases/access.py), takes the zaak only from the
version the caller saw (`zaak.versie`, as the workflow does), appends a `zaak_toewijzing`
row, logs an audit row, commits and announces `CaseAssigned` after commit.

- `claim`: a worker takes a zaak for themself. Only members of the owning team (its
  assigned team, else a team serving its municipality) claim; a zaak assigned to a
  colleague is not claimed (`AlreadyAssigned`: a teamleider reassigns). Claiming a zaak
  that waits ("Nog niet opgepakt") picks it up: the same transaction moves it to
  "Opgepakt" through the workflow, so the creditors hear it (vroegsignaal/feedback.py).
  Two workers claiming at once: one wins, the other gets `CaseChanged`.
- `assign` (teamleider): to a colleague who serves the zaak's municipality and belongs to
  its owning team, or to a team that serves the municipality (its members may claim).
- `release`: the assignee (or a teamleider) gives the zaak back to the team.
- `bulk_assign` (teamleider): many zaken to one colleague or team, counted.
- `colleagues`: whom a teamleider can pick (the web page's list).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import Principal, UserRole
from vroegsignaal.audit.log import actor_name, record
from vroegsignaal.cases.access import Action, may_claim, owning_teams, require, require_case
from vroegsignaal.cases.errors import (
    AlreadyAssigned,
    CaseChanged,
    CaseNotFound,
    CaseWorkRefused,
)
from vroegsignaal.cases.workflow import AUDIT_PURPOSE, CLOSED, CaseStatus, move
from vroegsignaal.events import BUS, CaseStatusChanged, EventBus, commit
from vroegsignaal.storage.tables import (
    Gebruiker,
    GebruikerRol,
    TeamGemeente,
    TeamLid,
    Zaak,
    ZaakToewijzing,
)


@dataclass(frozen=True, slots=True)
class CaseAssigned:
    """A zaak's assignee or owning team changed (ids only)."""

    zaak_id: int
    gebruiker_id: int | None
    team_id: int | None
    by: str
    version: int
    at: dt.datetime


def _set(
    session: Session, principal: Principal, row: Row[Any], *, gebruiker_id: int | None,
    team_id: int | None, expected_version: int | None, actie: str,
) -> CaseAssigned:
    if expected_version is not None and row.versie != expected_version:
        raise CaseChanged(f"zaak {row.id}: versie {row.versie}, niet {expected_version}")
    now = dt.datetime.now(dt.UTC)
    versie = row.versie + 1
    changed = session.execute(
        update(Zaak).where(Zaak.id == row.id, Zaak.versie == row.versie)
        .values(toegewezen_aan=gebruiker_id, team_id=team_id, versie=versie)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise CaseChanged(f"zaak {row.id} changed meanwhile")
    session.execute(
        insert(ZaakToewijzing).values(
            zaak_id=row.id, gebruiker_id=gebruiker_id, team_id=team_id,
            door=actor_name(principal), versie=versie, tijdstip=now,
            bewaren_tot=row.bewaren_tot)
    )
    record(session, principal, actie=actie, doel=AUDIT_PURPOSE, resultaat="ok",
           zaak_id=row.id, huishouden_sleutel=row.huishouden_sleutel,
           gemeentecode=row.gemeentecode,
           details={"gebruiker_id": gebruiker_id, "team_id": team_id, "versie": versie})
    return CaseAssigned(row.id, gebruiker_id, team_id, actor_name(principal), versie, now)


def _open(row: Row[Any]) -> None:
    if CaseStatus(row.status) in CLOSED:
        raise CaseWorkRefused(f"zaak {row.id} is afgesloten", code="ZAAK_AFGESLOTEN")


def claim(
    session: Session, principal: Principal, zaak_id: int, *, expected_version: int | None = None,
    bus: EventBus | None = None,
) -> int:
    """Assign zaak `zaak_id` to `principal` and pick it up when it waits; the zaak's new
    version. Raises `Forbidden`, `CaseNotFound`, `CaseWorkRefused` (closed; not a member of
    the owning team: "NIET_IN_TEAM"), `AlreadyAssigned`, `CaseChanged`."""
    try:
        row = require_case(session, principal, zaak_id, Action.WORK_CASE)
        _open(row)
        if row.toegewezen_aan not in (None, principal.gebruiker_id):
            raise AlreadyAssigned(f"zaak {zaak_id}")
        if not may_claim(session, principal, row):
            raise CaseWorkRefused(f"zaak {zaak_id}: alleen leden van het team",
                                  code="NIET_IN_TEAM")
        events: list[object] = []
        if row.toegewezen_aan != principal.gebruiker_id:
            events.append(_set(session, principal, row, gebruiker_id=principal.gebruiker_id,
                               team_id=row.team_id, expected_version=expected_version,
                               actie="zaak.toewijzen_aan_mij"))
            expected_version = None
        if CaseStatus(row.status) is CaseStatus.NOG_NIET_OPGEPAKT:
            picked: CaseStatusChanged = move(
                session, zaak_id, CaseStatus.OPGEPAKT, by=principal, reason="opgepakt",
                expected_version=expected_version if expected_version is not None
                else (row.versie + 1 if events else row.versie),
            )
            events.append(picked)
        if not events:
            return int(row.versie)
    except Exception:
        session.rollback()
        raise
    commit(session, events, bus=bus or BUS)
    return max(getattr(e, "version", 0) for e in events)


def colleagues(session: Session, principal: Principal) -> list[tuple[int, str]]:
    """Whom a teamleider may pick to assign to: (user id, display name) of the active
    workers in the teamleider's teams, by name; empty for anyone else. Each assignment is
    still checked on its own zaak (`assign`, `bulk_assign`)."""
    if not principal.has(UserRole.TEAMLEIDER) or not principal.teams:
        return []
    workers = select(GebruikerRol.gebruiker_id).where(GebruikerRol.rol.in_(
        [UserRole.SCHULDHULPVERLENER.value, UserRole.TEAMLEIDER.value]))
    rows = session.execute(
        select(Gebruiker.id, Gebruiker.weergavenaam).distinct()
        .join(TeamLid, TeamLid.gebruiker_id == Gebruiker.id)
        .where(TeamLid.team_id.in_(sorted(principal.teams)), Gebruiker.actief.is_(True),
               Gebruiker.id.in_(workers))
        .order_by(Gebruiker.weergavenaam, Gebruiker.id)
    )
    return [(int(i), str(naam)) for i, naam in rows]


def _colleague_ok(
    session: Session, gebruiker_id: int, team_id: int | None, gemeentecode: str
) -> bool:
    """An active worker of the zaak's owning team (so of its municipality)."""
    user = session.get(Gebruiker, gebruiker_id)
    if user is None or not user.actief:
        return False
    roles = set(session.scalars(select(GebruikerRol.rol).where(
        GebruikerRol.gebruiker_id == gebruiker_id)))
    if not roles & {UserRole.SCHULDHULPVERLENER.value, UserRole.TEAMLEIDER.value}:
        return False
    teams = set(
        session.scalars(select(TeamLid.team_id).where(TeamLid.gebruiker_id == gebruiker_id))
    )
    return bool(teams & owning_teams(session, team_id, gemeentecode))


def _team_serves(session: Session, team_id: int, gemeentecode: str) -> bool:
    return session.execute(
        select(TeamGemeente.team_id).where(TeamGemeente.team_id == team_id,
                                           TeamGemeente.gemeentecode == gemeentecode)
    ).first() is not None


def _assign_one(
    session: Session, principal: Principal, row: Row[Any], *, gebruiker_id: int | None,
    team_id: int | None, expected_version: int | None,
) -> CaseAssigned | None:
    _open(row)
    if team_id is not None:
        if not _team_serves(session, team_id, row.gemeentecode):
            raise CaseWorkRefused(f"team {team_id} bedient de gemeente van zaak {row.id} niet",
                                  code="TEAM_NIET_VAN_GEMEENTE")
        target_team = team_id
    else:
        target_team = row.team_id
    if gebruiker_id is not None and not _colleague_ok(
        session, gebruiker_id, target_team, row.gemeentecode
    ):
        raise CaseWorkRefused(f"gebruiker {gebruiker_id} kan zaak {row.id} niet behandelen",
                              code="COLLEGA_NIET_BEVOEGD")
    if (row.toegewezen_aan, row.team_id) == (gebruiker_id, target_team):
        return None
    return _set(session, principal, row, gebruiker_id=gebruiker_id, team_id=target_team,
                expected_version=expected_version, actie="zaak.toewijzen")


def assign(
    session: Session, principal: Principal, zaak_id: int, *, gebruiker_id: int | None = None,
    team_id: int | None = None, expected_version: int | None = None,
    bus: EventBus | None = None,
) -> int:
    """A teamleider assigns zaak `zaak_id` to a colleague (`gebruiker_id`) and/or a team
    (`team_id`); the zaak's version after. Raises `Forbidden`, `CaseNotFound`,
    `CaseWorkRefused`, `CaseChanged`; ValueError when neither is given."""
    if gebruiker_id is None and team_id is None:
        raise ValueError("a colleague or a team is needed")
    try:
        require(principal, Action.ASSIGN)
        row = require_case(session, principal, zaak_id, Action.ASSIGN)
        event = _assign_one(session, principal, row, gebruiker_id=gebruiker_id,
                            team_id=team_id, expected_version=expected_version)
    except Exception:
        session.rollback()
        raise
    commit(session, [event] if event else [], bus=bus or BUS)
    return event.version if event else int(row.versie)


def release(
    session: Session, principal: Principal, zaak_id: int, *, expected_version: int | None = None,
    bus: EventBus | None = None,
) -> int:
    """Give zaak `zaak_id` back to its team: its assignee does, or a teamleider; the zaak's
    version after (the status stays: it was picked up)."""
    try:
        row = require_case(session, principal, zaak_id, Action.WORK_CASE)
        if row.toegewezen_aan is None:  # nobody has it: nothing to give back
            session.rollback()
            return int(row.versie)
        if row.toegewezen_aan != principal.gebruiker_id:
            require(principal, Action.ASSIGN)
        event = _set(session, principal, row, gebruiker_id=None, team_id=row.team_id,
                     expected_version=expected_version, actie="zaak.vrijgeven")
    except Exception:
        session.rollback()
        raise
    commit(session, [event], bus=bus or BUS)
    return event.version


@dataclass(frozen=True, slots=True)
class BulkResult:
    """What a bulk assignment did: changed, already so, and refused per reason code."""

    gewijzigd: int
    ongewijzigd: int
    geweigerd: dict[str, int]


def bulk_assign(
    session: Session, principal: Principal, zaak_ids: Sequence[int], *,
    gebruiker_id: int | None = None, team_id: int | None = None, bus: EventBus | None = None,
) -> BulkResult:
    """A teamleider assigns many zaken at once, in one transaction; each zaak is checked on
    its own (a zaak of a municipality the teamleider does not serve counts as
    ZAAK_NIET_GEVONDEN). Raises `Forbidden` for anyone but a teamleider."""
    if gebruiker_id is None and team_id is None:
        raise ValueError("a colleague or a team is needed")
    require(principal, Action.ASSIGN)
    events: list[object] = []
    unchanged = 0
    refused: dict[str, int] = {}
    try:
        for zaak_id in dict.fromkeys(zaak_ids):
            try:
                row = require_case(session, principal, zaak_id, Action.ASSIGN)
                event = _assign_one(session, principal, row, gebruiker_id=gebruiker_id,
                                    team_id=team_id, expected_version=None)
            except (CaseNotFound, CaseWorkRefused, CaseChanged) as exc:
                refused[exc.code] = refused.get(exc.code, 0) + 1
                continue
            if event is None:
                unchanged += 1
            else:
                events.append(event)
    except Exception:
        session.rollback()
        raise
    commit(session, events, bus=bus or BUS)
    return BulkResult(len(events), unchanged, refused)
