# SPDX-License-Identifier: EUPL-1.2
"""A zaak as the intake matches signals into it, and its type (DOMAIN.md step 4, ADR 0003).

Pure functions over in-memory state; the intake loads the state and writes the changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from vroegsignaal.cases.features import CaseSignal
from vroegsignaal.cases.workflow import INITIAL, CaseStatus
from vroegsignaal.contract.enums import Zaaktype
from vroegsignaal.dates import add_months, month_start


@dataclass(slots=True)
class CaseState:
    """A zaak while the intake matches a batch into it: loaded (`id` set) or new.

    `signalen` are the signals this batch adds; `touched` says the batch added any;
    `loaded_type` is the zaaktype as loaded, so a reclassification can be told apart.
    `status` and `versie` are the workflow's (cases/workflow.py). `bewaren_tot` of an open
    zaak is the day it reaches its maximum age: `laatste_activiteit_op` (the later of the
    last signal's receipt and the last contact attempt) plus the municipality's
    `zaak_max_leeftijd_maanden` (cases/expiry.py).
    """

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
    status: CaseStatus = INITIAL
    versie: int = 0
    laatste_activiteit_op: dt.date | None = None
    address_key: str | None = None  # zaak.adres_sleutel (cases/address_links.py)
    pc4: str | None = None  # the household's PC4, for a new zaak's werkvoorraad item


def classify(case: CaseState, household_cases: Sequence[CaseState], months: int) -> str:
    """The zaaktype (ADR 0003): opeenvolgend when the household had a zaak with signals in
    the `months` calendar months before this one, else meervoudig from two signals, else
    enkelvoudig. opeenvolgend beats meervoudig: the history says more about risk.

    A zaak that holds a signal of a later month (it joined while a worker had the zaak
    picked up, ADR 0016) has an earlier signal on the address: opeenvolgend, and it stays
    so (`loaded_type`)."""
    if case.loaded_type == Zaaktype.OPEENVOLGEND.value or any(
        month_start(s.signaaldatum) != case.matchingsperiode for s in case.signalen
    ):
        return Zaaktype.OPEENVOLGEND.value
    since = add_months(case.matchingsperiode, -months)
    if any(
        since <= other.matchingsperiode < case.matchingsperiode and other.aantal_signalen > 0
        for other in household_cases
    ):
        return Zaaktype.OPEENVOLGEND.value
    if case.aantal_signalen >= 2:
        return Zaaktype.MEERVOUDIG.value
    return Zaaktype.ENKELVOUDIG.value
