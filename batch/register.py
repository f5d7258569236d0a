# SPDX-License-Identifier: EUPL-1.2
"""The delivery register: every file found in the inbox gets an opaque id, its arrival
order and a status (table `batch_levering`, docs/batch-intake.md).

Why a register:

- **Arrival order per schuldeiser.** The repeat rule, the conflict check on a re-used
  signaalId and the schuldeiser's feedback assume its deliveries are ingested in the order
  they arrived. Only the first open delivery of a schuldeiser (`next_up`) may start, and
  `start` refuses any other, whoever triggers it; the next one is started when the
  previous one is finished. A delivery that failed stays open and holds the later ones
  back until it is finished (the operator clears its failed task).
- **No file names in the scheduler.** The id is random; run ids, run configuration, task
  results and log lines carry it. The file name stays here, and goes when the retention
  purge deletes the row (`bewaren_tot`, set when the delivery is finished).

Status: wachtend (found, not started) -> bezig (claimed by its run) -> verwerkt |
quarantaine; verdwenen when the file left the inbox before its run claimed it.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from batch.folders import Delivery
from vroegsignaal.dates import today
from vroegsignaal.errors import VroegsignaalError
from vroegsignaal.storage.tables import BatchLevering

log = logging.getLogger(__name__)


class LeveringStatus(StrEnum):
    WACHTEND = "wachtend"
    BEZIG = "bezig"
    VERWERKT = "verwerkt"
    QUARANTAINE = "quarantaine"
    VERDWENEN = "verdwenen"


OPEN = (LeveringStatus.WACHTEND.value, LeveringStatus.BEZIG.value)


class UnknownDelivery(VroegsignaalError):
    code = "LEVERING_ONBEKEND"
    title = "Onbekende batchlevering"


class AlreadyFinished(VroegsignaalError):
    code = "LEVERING_AFGEROND"
    title = "Deze levering is al afgerond"


class NotNextInLine(VroegsignaalError):
    code = "LEVERING_NIET_AAN_DE_BEURT"
    title = "Een eerdere levering van deze schuldeiser is nog niet afgerond"


def new_id() -> str:
    """An opaque delivery id: 'L' and 16 random hex digits; nothing from the file."""
    return "L" + secrets.token_hex(8)


def _arrival(row: BatchLevering) -> tuple[int, str, str]:
    return (row.gewijzigd_ns, row.bestandsnaam, row.id)


def register(session: Session, found: Iterable[Delivery]) -> list[BatchLevering]:
    """Record the files found in the inbox that no open delivery holds yet; the new rows.

    A file is the open delivery with the same schuldeiser, name, size and modification
    time; anything else (a new file, a file delivered again after its first delivery was
    finished) is a new delivery. Commits.
    """
    found = list(found)
    if not found:
        return []
    open_rows = session.scalars(
        select(BatchLevering).where(
            BatchLevering.status.in_(OPEN),
            BatchLevering.schuldeiser.in_({d.schuldeiser for d in found}),
        )
    ).all()
    held = {(r.schuldeiser, r.bestandsnaam, r.grootte, r.gewijzigd_ns) for r in open_rows}
    new = [
        BatchLevering(
            id=new_id(),
            schuldeiser=d.schuldeiser,
            bestandsnaam=d.path.name,
            grootte=d.size,
            gewijzigd_ns=d.mtime_ns,
            ontvangen_op=d.ontvangen_op,
            status=LeveringStatus.WACHTEND.value,
            aangemeld_op=dt.datetime.now(dt.UTC),
        )
        for d in found
        if (d.schuldeiser, d.path.name, d.size, d.mtime_ns) not in held
    ]
    session.add_all(new)
    session.commit()
    for row in new:
        log.info("batch delivery registered levering=%s schuldeiser=%s", row.id, row.schuldeiser)
    return new


def get(session: Session, levering: str) -> BatchLevering:
    row = session.get(BatchLevering, levering)
    if row is None:
        raise UnknownDelivery(f"levering {levering!r} is not in the register")
    return row


def next_up(session: Session) -> list[BatchLevering]:
    """Per schuldeiser the first open delivery in arrival order: the ones that may run."""
    rows = session.scalars(select(BatchLevering).where(BatchLevering.status.in_(OPEN))).all()
    first: dict[str, BatchLevering] = {}
    for row in sorted(rows, key=_arrival):
        first.setdefault(row.schuldeiser, row)
    return sorted(first.values(), key=_arrival)


def next_of(session: Session, schuldeiser: str) -> BatchLevering | None:
    """The schuldeiser's first open delivery in arrival order, if any."""
    rows = session.scalars(
        select(BatchLevering).where(
            BatchLevering.schuldeiser == schuldeiser, BatchLevering.status.in_(OPEN)
        )
    ).all()
    return min(rows, key=_arrival, default=None)


def start(session: Session, levering: str) -> BatchLevering:
    """Mark the delivery started; refuses when an earlier one of its schuldeiser is open.

    Repeatable: a retry of a started delivery starts it again. Raises `NotNextInLine`,
    `UnknownDelivery`, or `AlreadyFinished` (a finished run that was cleared). Commits.
    """
    row = get(session, levering)
    if row.status not in OPEN:
        raise AlreadyFinished(f"levering {levering} is already finished ({row.status})")
    first = next_of(session, row.schuldeiser)
    if first is not None and first.id != row.id:
        raise NotNextInLine(
            f"levering {levering} of {row.schuldeiser} waits for levering {first.id}, "
            "which arrived earlier and is not finished"
        )
    row.status = LeveringStatus.BEZIG.value
    session.commit()
    return row


def finish(
    session: Session, levering: str, status: LeveringStatus, *, keep_days: int
) -> BatchLevering:
    """Close the delivery; its row (with the file name) may go after `keep_days`. Commits."""
    row = get(session, levering)
    now = dt.datetime.now(dt.UTC)
    row.status = status.value
    row.afgerond_op = now
    row.bewaren_tot = today() + dt.timedelta(days=keep_days)
    session.commit()
    log.info(
        "batch delivery finished levering=%s schuldeiser=%s status=%s",
        row.id,
        row.schuldeiser,
        row.status,
    )
    return row
