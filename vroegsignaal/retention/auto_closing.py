# SPDX-License-Identifier: EUPL-1.2
"""Closing the zaken nobody closed (issue 13, ADR 0018).

An open zaak that reached its maximum age (cases/expiry.py: its `bewaren_tot` is on or
before the peildatum) is closed by the system, through the one transition function:
"Automatisch afgesloten", a status only the system sets (cases/workflow.py), by
`SystemPrincipal("bewaartermijn")`, with the DDAS eindresultaat that fits what the
municipality did (`eindresultaat_for`). The workflow does the rest as for any closing:
the signals get the status of that result and each creditor is told the coarse status
(the `terugkoppeling` outbox, sent after commit), the move is in the zaak's history and
the audit trail (purpose `vroegsignalering.bewaartermijn`), and the zaak is dated by its
result from the peildatum on (`bewaartermijn_maanden`, 6 by default), so the purge
removes it then.

Each zaak is closed in its own transaction, under its row lock, after checking again that
it is still open and due: a worker's contact attempt or a new signal that arrived
meanwhile moved its date on, and it stays open.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import SystemPrincipal
from vroegsignaal.cases.errors import CaseChanged, TransitionRefused
from vroegsignaal.cases.expiry import count_nearly_expired
from vroegsignaal.cases.workflow import OPEN, CaseStatus, transition
from vroegsignaal.contract.enums import Eindresultaat
from vroegsignaal.events import EventBus
from vroegsignaal.retention.grounds import PURPOSE
from vroegsignaal.storage.tables import Contactpoging, Zaak

log = logging.getLogger(__name__)

SYSTEM = SystemPrincipal("bewaartermijn")
REASON = "maximale leeftijd bereikt"
_OPEN = sorted(s.value for s in OPEN)


def eindresultaat_for(pogingen: int, bereikt: int) -> Eindresultaat:
    """The DDAS eindresultaat of a zaak closed at its maximum age, from its contact
    attempts (`pogingen`) and how many of them reached the resident (`bereikt`).

    - never attempted: "Niet opgepakt: andere reden". No offer was made, so the signal was
      not taken up; "Definitief geen contact kunnen krijgen" would report outreach that
      never happened to CBS (DDAS) and in the KPIs. The creditor hears just that (the
      reason, the expiry, is never told: vroegsignaal/feedback.py).
    - attempted, never reached: "Definitief geen contact kunnen krijgen", DDAS's word for
      exactly this: the municipality tried and stops trying. The signal was taken up; the
      creditor hears "Opgepakt".
    - reached once, then nothing more (no result registered): "Geen reactie na eerder
      contact".
    """
    if pogingen == 0:
        return Eindresultaat.NIET_OPGEPAKT_ANDERE_REDEN
    if bereikt == 0:
        return Eindresultaat.GEEN_CONTACT
    return Eindresultaat.GEEN_REACTIE


def _attempts() -> Any:
    c = Contactpoging
    return (
        select(c.zaak_id, func.count().label("pogingen"),
               func.sum(case((c.bereikt, 1), else_=0)).label("bereikt"))
        .group_by(c.zaak_id).subquery()
    )


def _due(peildatum: dt.date) -> Any:
    a = _attempts()
    return (
        select(Zaak.id, Zaak.gemeentecode, Zaak.versie,
               func.coalesce(a.c.pogingen, 0).label("pogingen"),
               func.coalesce(a.c.bereikt, 0).label("bereikt"))
        .join(a, a.c.zaak_id == Zaak.id, isouter=True)
        .where(Zaak.status.in_(_OPEN), Zaak.bewaren_tot <= peildatum)
    )


@dataclass(frozen=True, slots=True)
class ClosingRun:
    """What one run closed (or, dry, would close): counts per municipality and result."""

    peildatum: dt.date
    dry_run: bool
    gesloten: dict[str, dict[str, int]]  # gemeentecode -> eindresultaat -> zaken
    overgeslagen: int  # due when planned, but changed meanwhile (and no longer due)
    bijna_verlopen: dict[str, int]  # open zaken in the warning window afterwards

    def as_dict(self) -> dict[str, Any]:
        """Counts only, for the DAG's result and the log."""
        return {
            "peildatum": self.peildatum.isoformat(),
            "dry_run": self.dry_run,
            "gesloten": sum(sum(v.values()) for v in self.gesloten.values()),
            "per_gemeente": self.gesloten,
            "overgeslagen": self.overgeslagen,
            "bijna_verlopen": self.bijna_verlopen,
        }


def _close_one(
    session: Session, zaak_id: int, peildatum: dt.date, bus: EventBus | None
) -> Row[Any] | None:
    """Close one due zaak in its own transaction; its row as checked, or None when it was
    no longer due."""
    query = _due(peildatum).where(Zaak.id == zaak_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Zaak)
    row = session.execute(query).one_or_none()
    if row is None:
        session.rollback()
        return None
    try:
        transition(session, zaak_id, CaseStatus.AUTOMATISCH_AFGESLOTEN, by=SYSTEM,
                   reason=REASON, eindresultaat=eindresultaat_for(row.pogingen, row.bereikt),
                   expected_version=row.versie, bus=bus, day=peildatum, purpose=PURPOSE)
    except (CaseChanged, TransitionRefused):  # rolled back by transition
        return None
    return row


def close_expired(
    session: Session, *, peildatum: dt.date, dry_run: bool = False,
    bus: EventBus | None = None,
) -> ClosingRun:
    """Close every open zaak whose maximum age is reached on `peildatum` (a dry run counts
    them and changes nothing); counts per municipality and eindresultaat."""
    due = session.execute(_due(peildatum).order_by(Zaak.id)).all()
    session.rollback()
    closed: dict[str, dict[str, int]] = {}
    skipped = 0
    for planned in due:
        row = planned if dry_run else _close_one(session, planned.id, peildatum, bus)
        if row is None:
            skipped += 1
            continue
        result = eindresultaat_for(row.pogingen, row.bereikt).value
        per = closed.setdefault(row.gemeentecode, {})
        per[result] = per.get(result, 0) + 1
    gemeenten = session.scalars(select(Zaak.gemeentecode).where(Zaak.status.in_(_OPEN))
                                .distinct())
    warned = {g: n for g, n in count_nearly_expired(
        session, gemeenten=list(gemeenten), peildatum=peildatum).items() if n}
    session.rollback()
    run = ClosingRun(peildatum, dry_run, closed, skipped, warned)
    log.info("automatic closing peildatum=%s dry_run=%s closed=%d skipped=%d per_gemeente=%s "
             "nearly_expired=%s", peildatum, dry_run, run.as_dict()["gesloten"], skipped,
             closed, warned)
    return run
