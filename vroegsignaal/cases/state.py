# SPDX-License-Identifier: EUPL-1.2
"""A zaak as the intake matches signals into it, and its type (DOMAIN.md step 4, ADR 0003).

Pure functions over in-memory state; the intake loads the state and writes the changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from vroegsignaal.cases.features import CaseSignal
from vroegsignaal.contract.enums import Zaaktype
from vroegsignaal.dates import add_months


@dataclass(slots=True)
class CaseState:
    gemeentecode: str
    household_key: str  # stored as huishouden_sleutel
    matchingsperiode: dt.date
    zaaktype: str
    aantal_signalen: int
    datum_opgepakt: dt.date | None
    bewaren_tot: dt.date
    id: int | None = None
    signalen: list[CaseSignal] = field(default_factory=list)
    touched: bool = False
    loaded_type: str | None = None


def classify(case: CaseState, household_cases: list[CaseState], months: int) -> str:
    """opeenvolgend beats meervoudig: the history says more about risk than the count."""
    since = add_months(case.matchingsperiode, -months)
    if any(
        since <= other.matchingsperiode < case.matchingsperiode and other.aantal_signalen > 0
        for other in household_cases
    ):
        return Zaaktype.OPEENVOLGEND.value
    if case.aantal_signalen >= 2:
        return Zaaktype.MEERVOUDIG.value
    return Zaaktype.ENKELVOUDIG.value
