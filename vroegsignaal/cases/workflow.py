# SPDX-License-Identifier: EUPL-1.2
"""The zaak's workflow: its statuses, the moves between them, and who may make them.

A table to read (STYLE.md rule 5, after Amsterdam/signals' `workflow.py`). Status values
are Dutch and follow DDAS where DDAS has a word: "Nog niet opgepakt" and "Opgepakt" are
DDAS signal statuses (`Signaalstatus`); DDAS has no word for a closed zaak, it records how
the zaak ended (`Eindresultaat`), which every closed status carries.

    from \\ to               Nog niet opgepakt   Opgepakt   Afgesloten   Automatisch afgesloten
    Nog niet opgepakt        .                   worker     worker       system
    Opgepakt                 .                   .          worker       system
    Afgesloten               system (1)          worker (2) .            .
    Automatisch afgesloten   system (1)          .          .            .

(1) A new accepted signal joined a closed zaak (a late signal for its month): the
    municipality must act on every signal it picks up, so the zaak goes back into the
    werkvoorraad. The intake makes this move (`vroegsignaal/intake/pipeline.py`).
(2) Reopen: a worker closed the zaak too early (a wrong eindresultaat, the resident calls
    back). The closed status and its eindresultaat stay in the history.

"Automatisch afgesloten" is the system's: an open zaak that reached its maximum age is
closed with an eindresultaat the retention rule chooses (issue 13). A new zaak starts as
"Nog niet opgepakt" (`INITIAL`); its creation is `zaak.aangemaakt_op`, and
`zaak_statuswijziging` holds every move after that.

`transition` is the one way to move a zaak. It checks this table and the actor's role,
guards against a concurrent change (`zaak.versie`, optimistic locking), writes the status
on the zaak and on its werkvoorraad item, appends a `zaak_statuswijziging` row (the
history only grows), commits, and then announces `CaseStatusChanged` (vroegsignaal/events.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from vroegsignaal.contract.enums import Eindresultaat
from vroegsignaal.errors import VroegsignaalError
from vroegsignaal.events import BUS, CaseStatusChanged, EventBus, commit
from vroegsignaal.storage.db import rowcount
from vroegsignaal.storage.tables import WerkvoorraadItem, Zaak, ZaakStatuswijziging, table_of

zaak = table_of(Zaak)
werkvoorraad = table_of(WerkvoorraadItem)
statuswijziging = table_of(ZaakStatuswijziging)


class CaseStatus(StrEnum):
    """Where a zaak is in its handling; the value is stored in `zaak.status`."""

    NOG_NIET_OPGEPAKT = "Nog niet opgepakt"
    OPGEPAKT = "Opgepakt"
    AFGESLOTEN = "Afgesloten"
    AUTOMATISCH_AFGESLOTEN = "Automatisch afgesloten"


class Role(StrEnum):
    """Who moves a zaak: a person (a schuldhulpverlener) or the system itself."""

    WORKER = "medewerker"
    SYSTEM = "systeem"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a move: a worker's user id, or the system part that does it ("intake")."""

    id: str
    role: Role

    @classmethod
    def system(cls, part: str) -> Actor:
        """The system part that makes a move ("intake", "bewaartermijn")."""
        return cls(part, Role.SYSTEM)

    @classmethod
    def worker(cls, user_id: str) -> Actor:
        """A schuldhulpverlener, by user id (never a name)."""
        return cls(user_id, Role.WORKER)


S = CaseStatus
INITIAL = S.NOG_NIET_OPGEPAKT
OPEN: frozenset[CaseStatus] = frozenset({S.NOG_NIET_OPGEPAKT, S.OPGEPAKT})
CLOSED: frozenset[CaseStatus] = frozenset({S.AFGESLOTEN, S.AUTOMATISCH_AFGESLOTEN})

ALLOWED_TRANSITIONS: Mapping[CaseStatus, frozenset[CaseStatus]] = {
    S.NOG_NIET_OPGEPAKT: frozenset({S.OPGEPAKT, S.AFGESLOTEN, S.AUTOMATISCH_AFGESLOTEN}),
    S.OPGEPAKT: frozenset({S.AFGESLOTEN, S.AUTOMATISCH_AFGESLOTEN}),
    S.AFGESLOTEN: frozenset({S.NOG_NIET_OPGEPAKT, S.OPGEPAKT}),  # (1) new signal, (2) reopen
    S.AUTOMATISCH_AFGESLOTEN: frozenset({S.NOG_NIET_OPGEPAKT}),  # (1) new signal
}
# A worker may set these; the system only sets the others. No status is in both.
WORKER_SETTABLE: frozenset[CaseStatus] = frozenset({S.OPGEPAKT, S.AFGESLOTEN})
SYSTEM_ONLY: frozenset[CaseStatus] = frozenset({S.NOG_NIET_OPGEPAKT, S.AUTOMATISCH_AFGESLOTEN})
# Closing names how the zaak ended (DDAS EnumEindresultaat); nothing else may carry one.
NEEDS_EINDRESULTAAT: frozenset[CaseStatus] = CLOSED


class TransitionRefused(VroegsignaalError):
    """The move is not in the table, not the actor's role's, or lacks an eindresultaat."""

    code = "STATUSOVERGANG_NIET_TOEGESTAAN"
    title = "Deze statusovergang is niet toegestaan"


class CaseChanged(VroegsignaalError):
    """Someone moved the zaak since its version was read (optimistic locking)."""

    code = "ZAAK_INTUSSEN_GEWIJZIGD"
    title = "De zaak is intussen door iemand anders gewijzigd"


class CaseNotFound(VroegsignaalError):
    """No zaak with that id."""

    code = "ZAAK_NIET_GEVONDEN"
    title = "Zaak niet gevonden"


def check_transition(
    current: CaseStatus,
    to: CaseStatus,
    *,
    role: Role,
    eindresultaat: Eindresultaat | None = None,
) -> None:
    """Raise `TransitionRefused` unless the table allows `current -> to` for `role`.

    Errors name statuses and roles only. A move to a closed status needs an
    `eindresultaat`; any other move must not carry one.
    """
    if to not in ALLOWED_TRANSITIONS[current]:
        raise TransitionRefused(f"{current.value} -> {to.value} staat niet in de tabel")
    allowed = WORKER_SETTABLE if role is Role.WORKER else SYSTEM_ONLY
    if to not in allowed:
        raise TransitionRefused(f"{to.value} wordt niet gezet door de rol {role.value}")
    if (to in NEEDS_EINDRESULTAAT) != (eindresultaat is not None):
        need = "vraagt" if to in NEEDS_EINDRESULTAAT else "heeft geen"
        raise TransitionRefused(f"{to.value} {need} een eindresultaat")


def transition(
    session: Session,
    zaak_id: int,
    to: CaseStatus,
    *,
    by: Actor,
    reason: str,
    eindresultaat: Eindresultaat | None = None,
    expected_version: int | None = None,
    bus: EventBus | None = None,
) -> CaseStatusChanged:
    """Move zaak `zaak_id` to `to`, commit, then announce it; returns the announced event.

    `by` is who moves it (a worker, or the system part); `reason` says why in a few words
    (stored in the history, so ids and codes, never a resident's details).
    `expected_version` is the `zaak.versie` the caller showed the user: if someone moved
    the zaak since, nothing changes and `CaseChanged` is raised. The werkvoorraad item
    takes the new status too (it carries the zaak's status for the queue index).

    Raises `CaseNotFound`, `TransitionRefused` (the table, the role, the eindresultaat:
    `check_transition`) or `CaseChanged`; the session is rolled back on each.
    """
    current = session.execute(
        select(zaak.c.status, zaak.c.versie, zaak.c.gemeentecode, zaak.c.bewaren_tot)
        .where(zaak.c.id == zaak_id)
    ).one_or_none()
    try:
        if current is None:
            raise CaseNotFound(f"zaak {zaak_id}")
        if expected_version is not None and current.versie != expected_version:
            raise CaseChanged(f"zaak {zaak_id}: versie {current.versie}, niet {expected_version}")
        old = CaseStatus(current.status)
        check_transition(old, to, role=by.role, eindresultaat=eindresultaat)
        versie = current.versie + 1
        moved = session.execute(
            update(zaak)
            .where(zaak.c.id == zaak_id, zaak.c.versie == current.versie)
            .values(status=to.value, versie=versie,
                    eindresultaat=eindresultaat.value if eindresultaat else None)
        )
        if rowcount(moved) != 1:
            raise CaseChanged(f"zaak {zaak_id} changed during the move")
    except Exception:
        session.rollback()
        raise
    now = dt.datetime.now(dt.UTC)
    session.execute(
        update(werkvoorraad)
        .where(werkvoorraad.c.zaak_id == zaak_id)
        .values(status=to.value, bijgewerkt_op=now)
    )
    change = CaseStatusChanged(
        zaak_id=zaak_id,
        gemeentecode=current.gemeentecode,
        old=old,
        new=to,
        by=by.id,
        role=by.role,
        reason=reason,
        eindresultaat=eindresultaat,
        version=versie,
        at=now,
    )
    append_history(session, [change], bewaren_tot={zaak_id: current.bewaren_tot})
    commit(session, [change], bus=bus or BUS)
    return change


def append_history(
    session: Session, changes: list[CaseStatusChanged], *, bewaren_tot: Mapping[int, dt.date]
) -> None:
    """Append one `zaak_statuswijziging` row per move; rows are kept as long as their zaak."""
    if changes:
        session.execute(
            insert(statuswijziging),
            [
                {
                    "zaak_id": c.zaak_id,
                    "van": c.old.value,
                    "naar": c.new.value,
                    "eindresultaat": c.eindresultaat.value if c.eindresultaat else None,
                    "door": c.by,
                    "rol": c.role.value,
                    "reden": c.reason,
                    "versie": c.version,
                    "tijdstip": c.at,
                    "bewaren_tot": bewaren_tot[c.zaak_id],
                }
                for c in changes
            ],
        )
