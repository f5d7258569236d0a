# SPDX-License-Identifier: EUPL-1.2
"""SLA: open queue items past their due date are marked overdue (DOMAIN.md step 5).

The due date (`uiterste_datum`: 14 days, 3 Dutch working days for a crisis signal) is the
last day contact is on time, so an item is overdue from the day after. The mark is the
date it was first seen overdue (`te_laat_sinds`); it stays as history when the item is
handled later, so KPIs can count late contacts. `peildatum` is the caller's "today" (the
DAG's logical date): a rerun for the same day marks the same items and reports the same
counts.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from vroegsignaal.cases.workflow import OPEN
from vroegsignaal.storage.tables import WerkvoorraadItem, table_of

log = logging.getLogger(__name__)

OPEN_STATUSES = sorted(s.value for s in OPEN)  # in the werkvoorraad, not closed
werkvoorraad = table_of(WerkvoorraadItem)


@dataclass
class SlaResult:
    """What one SLA run found, in counts per municipality."""

    peildatum: dt.date
    te_laat_op_peildatum: int = 0  # marked overdue on this peildatum (this run or a rerun)
    waarvan_crisis: int = 0
    totaal_te_laat_open: int = 0  # all open items that are overdue, whenever marked
    per_gemeente: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The counts as plain data, the DAG task's result."""
        return {
            "peildatum": self.peildatum.isoformat(),
            "te_laat_op_peildatum": self.te_laat_op_peildatum,
            "waarvan_crisis": self.waarvan_crisis,
            "totaal_te_laat_open": self.totaal_te_laat_open,
            "per_gemeente": self.per_gemeente,
        }


def mark_overdue(session: Session, *, peildatum: dt.date) -> SlaResult:
    """Mark open werkvoorraad items past their due date on `peildatum` (commits); counts."""
    w = werkvoorraad.c
    session.execute(
        update(werkvoorraad)
        .where(
            w.status.in_(OPEN_STATUSES),
            w.uiterste_datum < peildatum,
            w.te_laat_sinds.is_(None),
        )
        .values(te_laat_sinds=peildatum)
    )
    session.commit()
    today = session.execute(
        select(w.gemeentecode, w.crisis, func.count())
        .where(w.te_laat_sinds == peildatum)
        .group_by(w.gemeentecode, w.crisis)
    ).all()
    result = SlaResult(peildatum)
    per_gemeente: Counter[str] = Counter()
    for gemeente, crisis, n in today:
        result.te_laat_op_peildatum += n
        result.waarvan_crisis += n if crisis else 0
        per_gemeente[gemeente] += n
    result.per_gemeente = dict(per_gemeente.most_common())
    result.totaal_te_laat_open = int(
        session.scalar(
            select(func.count())
            .select_from(werkvoorraad)
            .where(and_(w.status.in_(OPEN_STATUSES), w.te_laat_sinds.is_not(None)))
        )
        or 0
    )
    log.info(
        "sla peildatum=%s overdue_today=%d crisis=%d overdue_open_total=%d municipalities=%d",
        peildatum,
        result.te_laat_op_peildatum,
        result.waarvan_crisis,
        result.totaal_te_laat_open,
        len(result.per_gemeente),
    )
    return result
