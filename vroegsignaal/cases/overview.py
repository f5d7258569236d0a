# SPDX-License-Identifier: EUPL-1.2
"""What a manager sees: counts per municipality, never a zaak (DESIGN.md "Users and
rights"). The KPIs proper (pick-up and contact times, reach, DDAS) come with issue 12."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import Principal
from vroegsignaal.cases.access import Action, require
from vroegsignaal.cases.workflow import OPEN
from vroegsignaal.dates import add_months, today
from vroegsignaal.storage.tables import WerkvoorraadItem, Zaak


def overview(
    session: Session, principal: Principal, *, maanden: int = 12, peildatum: dt.date | None = None
) -> list[dict[str, Any]]:
    """Per municipality the principal serves: open zaken per status, overdue, unassigned,
    and zaken closed in the last `maanden` months per eindresultaat. Counts only."""
    require(principal, Action.READ_AGGREGATES)
    day = peildatum or today()
    gemeenten = sorted(principal.gemeenten)
    out: dict[str, dict[str, Any]] = {
        g: {"gemeentecode": g, "open": {}, "teLaat": 0, "nietToegewezen": 0, "afgesloten": {}}
        for g in gemeenten
    }
    if not gemeenten:
        return []
    open_values = [s.value for s in OPEN]
    w, z = WerkvoorraadItem, Zaak
    for g, status, n in session.execute(
        select(w.gemeentecode, w.status, func.count()).where(
            w.gemeentecode.in_(gemeenten), w.status.in_(open_values))
        .group_by(w.gemeentecode, w.status)
    ):
        out[g]["open"][status] = n
    for g, n in session.execute(
        select(w.gemeentecode, func.count()).where(
            w.gemeentecode.in_(gemeenten), w.status.in_(open_values),
            or_(w.te_laat_sinds.is_not(None), w.uiterste_datum < day))
        .group_by(w.gemeentecode)
    ):
        out[g]["teLaat"] = n
    for g, n in session.execute(
        select(z.gemeentecode, func.count()).where(
            z.gemeentecode.in_(gemeenten), z.status.in_(open_values), z.toegewezen_aan.is_(None))
        .group_by(z.gemeentecode)
    ):
        out[g]["nietToegewezen"] = n
    since = dt.datetime.combine(add_months(day, -maanden), dt.time(), dt.UTC)
    for g, result, n in session.execute(
        select(z.gemeentecode, z.eindresultaat, func.count()).where(
            z.gemeentecode.in_(gemeenten), z.eindresultaat.is_not(None), z.gesloten_op >= since)
        .group_by(z.gemeentecode, z.eindresultaat)
    ):
        out[g]["afgesloten"][result] = n
    return [out[g] for g in gemeenten]
