# SPDX-License-Identifier: EUPL-1.2
"""What a schuldeiser may hear back: the coarse DDAS status, never the reason behind it."""

from __future__ import annotations

from vroegsignaal.contract.enums import Signaalstatus
from vroegsignaal.intake.reason_codes import ReasonCode

# DOMAIN.md step 8: only whether the signal was picked up. The statuses that would reveal
# something about the resident (deceased, moved, already in debt help) or the municipality's
# own policy (minimum amount) become "Niet opgepakt: andere reden".
_TOLD = {
    Signaalstatus.OPGEPAKT,
    Signaalstatus.NOG_NIET_OPGEPAKT,
    Signaalstatus.NIET_OPGEPAKT_HERHAALD,
    Signaalstatus.NIET_OPGEPAKT_ONTERECHT,
}


def creditor_status(reden: ReasonCode) -> Signaalstatus | None:
    """The status a schuldeiser is told; None for a replay (nothing changed)."""
    status = reden.ddas_status
    if status is None:
        return None
    return status if status in _TOLD else Signaalstatus.NIET_OPGEPAKT_ANDERE_REDEN
