# SPDX-License-Identifier: EUPL-1.2
"""The DDAS delivery status: which deliveries were made, and what a manager sees of them.

Every delivery that is made is logged in `ddas_levering` (counts, period, validation
result; for a pulled page the OAuth client and the page): `export_file` for the command
line and the DAG, `record` for the pull API (vroegsignaal/ddas/pull.py). A refused
delivery is logged too (`geldig` False, its number of schema violations), so the manager
sees that CBS got nothing that month. `delivery_status` is the manager's view, checked
like the KPIs (vroegsignaal/kpi/access.py): their own municipality only.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import Principal
from vroegsignaal.ddas.delivery import (
    DeliveryInvalid,
    DeliverySpec,
    ValidationReport,
    write_delivery_file,
)
from vroegsignaal.kpi.access import require_kpi_access
from vroegsignaal.storage.tables import DdasLevering

FILE, PULL = "bestand", "ophaal"
PULL_LOG_SIZE = 10  # pulled pages shown


def record(session: Session, soort: str, report: ValidationReport, *,
           afnemer: str | None = None, pagina: int | None = None,
           paginas: int | None = None, now: dt.datetime | None = None) -> None:
    """Log one delivery (`soort` FILE or PULL) and commit."""
    session.add(DdasLevering(
        gemeentecode=report.gemeentecode, soort=soort, tijdstip=now or dt.datetime.now(dt.UTC),
        van=report.van, tot=report.tot, vroegsignalen=report.vroegsignalen,
        vroegsignaalzaken=report.vroegsignaalzaken, geldig=report.valid,
        schendingen=report.problem_count, afnemer=afnemer, pagina=pagina, paginas=paginas))
    session.commit()


def export_file(session: Session, spec: DeliverySpec, path: Path) -> ValidationReport:
    """Write the delivery to `path` and its report to `path` + ".rapport.json" (counts
    and schema locations, no values), and log it. Raises `DeliveryInvalid` after writing
    the report and logging the refusal; no delivery file is left then."""
    report_path = path.with_name(path.name + ".rapport.json")
    try:
        report = write_delivery_file(session, spec, path)
    except DeliveryInvalid as exc:
        report_path.write_text(json.dumps(exc.report.as_dict(), indent=2), encoding="utf-8")
        session.rollback()
        record(session, FILE, exc.report)
        raise
    report_path.write_text(json.dumps(report.as_dict(), indent=2), encoding="utf-8")
    session.rollback()  # end the read transaction before the log's own
    record(session, FILE, report)
    return report


@dataclass(frozen=True, slots=True)
class Delivery:
    """One logged delivery, as the manager sees it."""

    soort: str
    tijdstip: dt.datetime
    van: dt.date
    tot: dt.date
    vroegsignalen: int
    vroegsignaalzaken: int
    geldig: bool
    schendingen: int
    afnemer: str | None
    pagina: int | None
    paginas: int | None


@dataclass(frozen=True, slots=True)
class DeliveryStatus:
    """The last delivery file and the last pulled pages of a municipality (newest first)."""

    gemeentecode: str
    last_file: Delivery | None
    pulls: tuple[Delivery, ...]


def _delivery(row: DdasLevering) -> Delivery:
    return Delivery(row.soort, row.tijdstip, row.van, row.tot, row.vroegsignalen,
                    row.vroegsignaalzaken, row.geldig, row.schendingen, row.afnemer,
                    row.pagina, row.paginas)


def delivery_status(session: Session, principal: Principal, gemeentecode: str,
                    *, pulls: int = PULL_LOG_SIZE) -> DeliveryStatus:
    """The delivery status of `gemeentecode`. Raises `KpiForbidden` unless the principal
    is a manager or admin serving it."""
    require_kpi_access(principal, [gemeentecode])
    t = DdasLevering
    mine = select(t).where(t.gemeentecode == gemeentecode)
    last = session.execute(mine.where(t.soort == FILE).order_by(t.tijdstip.desc(), t.id.desc())
                           .limit(1)).scalar_one_or_none()
    pulled = session.execute(mine.where(t.soort == PULL)
                             .order_by(t.tijdstip.desc(), t.id.desc()).limit(pulls)).scalars()
    return DeliveryStatus(gemeentecode, _delivery(last) if last else None,
                          tuple(_delivery(r) for r in pulled))
