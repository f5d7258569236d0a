# SPDX-License-Identifier: EUPL-1.2
"""Matching (DOMAIN.md step 3-4, ADR 0003): repeat rule, cases per household per month, type.

Pure functions over in-memory state; the pipeline loads the state and writes the changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from vroegsignaal.contract.enums import Zaaktype
from vroegsignaal.dates import add_months
from vroegsignaal.scoring import CaseSignal


@dataclass(slots=True)
class PickedUp:
    """The last picked-up signal for one (schuldeiser, klantreferentie)."""

    signaaldatum: dt.date
    bedrag: int
    crisissignaal: bool


def is_repeat(
    prev: PickedUp | None,
    *,
    signaaldatum: dt.date,
    ontstaansdatum: dt.date,
    bedrag: int,
    crisissignaal: bool,
    herhaal_periode_dagen: int,
) -> bool:
    """Same creditor and arrears, picked up recently, amount not increased (DOMAIN.md step 3).

    The same arrears: they already existed when the earlier signal was sent. A crisis signal
    after an ordinary one is new information and is always picked up.
    """
    if prev is None:
        return False
    if crisissignaal and not prev.crisissignaal:
        return False
    recent = 0 <= (signaaldatum - prev.signaaldatum).days <= herhaal_periode_dagen
    return recent and ontstaansdatum <= prev.signaaldatum and bedrag <= prev.bedrag


@dataclass(slots=True)
class CaseState:
    gemeentecode: str
    huishouden_sleutel: str
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
