# SPDX-License-Identifier: EUPL-1.2
"""Stateless eligibility (DOMAIN.md step 1-2): who the signal is about and whether it qualifies.

The order is the order of docs/rules.md: the first rule that refuses wins.
"""

from __future__ import annotations

import re

from vroegsignaal.eligibility.brp import BrpStatus
from vroegsignaal.eligibility.rules import Rules
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.privacy.filter import FilteredSignal

# A legal entity, not a resident: the Wgs exchange covers natural persons only.
_RECHTSVORM = re.compile(r"\s(B\.?\s?V|N\.?\s?V|V\.?O\.?F|C\.?V)\.?$")
_RECHTSVORM_WOORD = re.compile(r"^(stichting|vereniging|coöperatie)\b", re.IGNORECASE)


def is_rechtspersoon(achternaam: str) -> bool:
    """Whether the surname field names a legal entity (B.V., N.V., V.O.F., C.V., stichting,
    vereniging, cooperatie) rather than a person."""
    name = achternaam.strip()
    return bool(_RECHTSVORM.search(name) or _RECHTSVORM_WOORD.search(name))


def check_signal(
    signal: FilteredSignal,
    *,
    gemeentecode: str | None,
    rules: Rules | None,
    brp: BrpStatus,
) -> ReasonCode | None:
    """The refusal reason, or None when the signal may be matched into a case."""
    b = signal.bericht
    if gemeentecode is None:
        return ReasonCode.ONBEKENDE_POSTCODE
    if rules is None or not rules.actief:
        return ReasonCode.BUITEN_GEMEENTE
    if is_rechtspersoon(b.client.achternaam):
        return ReasonCode.RECHTSPERSOON
    if brp is BrpStatus.OVERLEDEN:
        return ReasonCode.OVERLEDEN
    if brp is BrpStatus.NIET_INGESCHREVEN:
        return ReasonCode.NIET_INGESCHREVEN
    if not b.crisissignaal:
        # Crisis signals must be followed up even outside the window and below the minimum.
        age = (b.signaaldatum - b.ontstaansdatum).days
        if not rules.termijn_min_dagen <= age <= rules.termijn_max_dagen:
            return ReasonCode.BUITEN_TERMIJN
        if b.bedrag < rules.minimumbedrag(b.signaalpartner):
            return ReasonCode.ONDER_MINIMUMBEDRAG
    return None
