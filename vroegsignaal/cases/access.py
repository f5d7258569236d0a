# SPDX-License-Identifier: EUPL-1.2
"""Who may do what with a zaak: role rules and scoping, in the core (ISSUE10-DESIGN.md).

Routes pass the principal through; every case-work function starts here. Two answers:

- `Forbidden` (403, `GEEN_TOEGANG`): the role may never do this, whatever the zaak: a
  manager reads aggregates only, a user without roles nothing, only a teamleider assigns
  to others.
- `CaseNotFound` (404, `ZAAK_NIET_GEVONDEN`; a werkbakje, team or municipality: the
  shared `NotFound`, `NIET_GEVONDEN`): no such thing *for this principal*: a zaak of a
  municipality the user does not serve is not found either, so its existence is not
  revealed (DESIGN.md "Users and rights").

A user serves the municipalities of `Principal.gemeenten` (their own plus those of their
teams). Claiming needs membership of the zaak's owning team: the team the zaak was
assigned to, else any team that serves its municipality (STYLE.md 6, Dimpact's
"Toekennen aan mij" only for members of the owning group).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import Principal, UserRole
from vroegsignaal.cases.errors import CaseNotFound, Forbidden
from vroegsignaal.errors import NotFound
from vroegsignaal.storage.tables import TeamGemeente, Zaak

R = UserRole
__all__ = ["RIGHTS", "Action", "CaseNotFound", "Forbidden", "NotFound", "require", "require_case"]


class Action(StrEnum):
    """What a principal asks to do; `RIGHTS` says which roles may."""

    READ_CASES = "zaken.lezen"  # werkvoorraad, zaak detail
    READ_PERSONAL_DATA = "persoonsgegevens.lezen"  # decrypted identifiers
    WORK_CASE = "zaak.behandelen"  # claim, contact attempts, close, reopen, release own
    ASSIGN = "zaak.toewijzen"  # assign to others, bulk, release someone else's
    READ_WERKBAKJES = "werkbakjes.lezen"
    MANAGE_WERKBAKJES = "werkbakjes.beheren"
    READ_AGGREGATES = "overzicht.lezen"
    MANAGE_SETTINGS = "instellingen.beheren"
    READ_AUDIT = "auditlog.lezen"


WORKERS = frozenset({R.SCHULDHULPVERLENER, R.TEAMLEIDER})
RIGHTS: dict[Action, frozenset[UserRole]] = {
    Action.READ_CASES: WORKERS,
    Action.READ_PERSONAL_DATA: WORKERS,
    Action.WORK_CASE: WORKERS,
    Action.ASSIGN: frozenset({R.TEAMLEIDER}),
    Action.READ_WERKBAKJES: WORKERS,
    Action.MANAGE_WERKBAKJES: frozenset({R.TEAMLEIDER}),
    Action.READ_AGGREGATES: frozenset({R.MANAGER, R.TEAMLEIDER}),
    Action.MANAGE_SETTINGS: frozenset({R.ADMIN}),
    Action.READ_AUDIT: frozenset({R.ADMIN}),
}


def require(principal: Principal, action: Action) -> None:
    """Raise `Forbidden` unless one of the principal's roles allows `action`."""
    if principal.roles.isdisjoint(RIGHTS[action]):
        raise Forbidden(f"{action.value}: niet voor de rollen {sorted(principal.roles)}")


def require_case(
    session: Session, principal: Principal, zaak_id: int, action: Action, *,
    for_update: bool = False,
) -> Row[Any]:
    """The zaak's row when `principal` may do `action` on it.

    Raises `Forbidden` for a role that may never, `CaseNotFound` for an unknown zaak or one of
    a municipality the principal does not serve.
    """
    require(principal, action)
    query = select(Zaak.__table__).where(Zaak.id == zaak_id)
    if for_update and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = session.execute(query).one_or_none()
    if row is None or not principal.serves(row.gemeentecode):
        raise CaseNotFound(f"zaak {zaak_id}")
    return row


def owning_teams(session: Session, team_id: int | None, gemeentecode: str) -> frozenset[int]:
    """The teams that own a zaak: its assigned team, else every team serving its
    municipality."""
    if team_id is not None:
        return frozenset({team_id})
    serving = select(TeamGemeente.team_id).where(TeamGemeente.gemeentecode == gemeentecode)
    return frozenset(session.scalars(serving))


def may_claim(session: Session, principal: Principal, zaak: Row[Any]) -> bool:
    """Only members of the owning team claim (a teamleider assigns instead)."""
    return not principal.teams.isdisjoint(owning_teams(session, zaak.team_id, zaak.gemeentecode))
