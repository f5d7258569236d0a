# SPDX-License-Identifier: EUPL-1.2
"""The port to the population register (BRP). The BRP is outside the system: tests fake it."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from vroegsignaal.contract.signaal import SignaalBericht


class BrpStatus(StrEnum):
    """What the population register says about the person at the address."""

    INGESCHREVEN = "ingeschreven"
    NIET_INGESCHREVEN = "niet_ingeschreven"
    OVERLEDEN = "overleden"
    ONBEKEND = "onbekend"


class BrpPort(Protocol):
    """The BRP lookup a municipality connects; outside the system (tests fake it)."""

    def status(self, bericht: SignaalBericht, postcode: str) -> BrpStatus:
        """The person's status at the normalised `postcode` and the message's address."""


class GeenBrpKoppeling:
    """No BRP connection configured: every resident is assumed registered; workers check."""

    def status(self, bericht: SignaalBericht, postcode: str) -> BrpStatus:
        """Always ONBEKEND: no rule refuses on it."""
        return BrpStatus.ONBEKEND
