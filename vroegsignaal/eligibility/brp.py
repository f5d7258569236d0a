# SPDX-License-Identifier: EUPL-1.2
"""The port to the population register (BRP). The BRP is outside the system: tests fake it."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from vroegsignaal.contract.signaal import SignaalBericht


class BrpStatus(StrEnum):
    INGESCHREVEN = "ingeschreven"
    NIET_INGESCHREVEN = "niet_ingeschreven"
    OVERLEDEN = "overleden"
    ONBEKEND = "onbekend"


class BrpPort(Protocol):
    def status(self, bericht: SignaalBericht, postcode: str) -> BrpStatus: ...


class GeenBrpKoppeling:
    """No BRP connection configured: every resident is assumed registered; workers check."""

    def status(self, bericht: SignaalBericht, postcode: str) -> BrpStatus:
        return BrpStatus.ONBEKEND
