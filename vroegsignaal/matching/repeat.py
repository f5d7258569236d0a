# SPDX-License-Identifier: EUPL-1.2
"""The repeat rule (DOMAIN.md step 3): a signal about arrears the municipality already has.

A pure function over the last picked-up signal of the same creditor and customer; the
intake loads that state (`intake_repository.last_picked_up`) and applies it in signal-date
order (vroegsignaal/intake/).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(slots=True)
class PickedUp:
    """The last picked-up signal for one (schuldeiser, klantreferentie)."""

    signaaldatum: dt.date
    bedrag: int  # whole euros
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
