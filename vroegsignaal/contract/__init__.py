# SPDX-License-Identifier: EUPL-1.2
"""The signal contract: pydantic models, DDAS enumerations, the published JSON Schema."""

from vroegsignaal.contract.enums import (
    Contactsoort,
    Dagdeel,
    Eindresultaat,
    Signaalpartner,
    Signaalstatus,
    Zaaktype,
)
from vroegsignaal.contract.signaal import CONTRACT_VERSION, Client, SignaalBericht

__all__ = [
    "CONTRACT_VERSION",
    "Client",
    "Contactsoort",
    "Dagdeel",
    "Eindresultaat",
    "SignaalBericht",
    "Signaalpartner",
    "Signaalstatus",
    "Zaaktype",
]
