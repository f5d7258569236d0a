# SPDX-License-Identifier: EUPL-1.2
"""The creditor message: one message is one signal (contract version 1.0).

Field names follow the DDAS vocabulary (Dutch lowerCamelCase). Unknown fields are
ignored by the model and counted by the privacy filter, never stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from vroegsignaal.contract.enums import Signaalpartner

CONTRACT_VERSION: Final = "1.0"

Postcode = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[1-9][0-9]{3} ?[A-Za-z]{2}$")
]
Huisnummer = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[1-9][0-9]{0,4}$")]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=30)] | None
Identifier = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[\w.\-/:]+$"),
]


class Client(BaseModel):
    """The resident the signal is about: only the allowed data set (DOMAIN.md)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)

    voorletters: OptionalText = None
    voorvoegsel: OptionalText = None
    achternaam: ShortText
    geboortedatum: dt.date | None = None
    straatnaam: ShortText | None = None
    huisnummer: Huisnummer
    huisnummertoevoeging: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=10)] | None
    ) = None
    postcode: Postcode
    woonplaats: ShortText | None = None
    telefoonnummer: OptionalText = None
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] | None = None


class SignaalBericht(BaseModel):
    """One early-warning signal from a schuldeiser about one resident."""

    model_config = ConfigDict(
        extra="ignore",
        populate_by_name=True,
        frozen=True,
        json_schema_extra={
            "$id": "https://vroegsignaal.example/schema/signaal-v1.schema.json",
        },
    )

    berichtversie: Literal["1.0"] = Field(
        default=CONTRACT_VERSION, description="Version of this message contract."
    )
    signaalId: Identifier = Field(
        description="The schuldeiser's own unique id for this signal; replays are recognised by it."
    )
    schuldeiser: Identifier = Field(
        description="Code of the sending organisation (the schuldeiser), as registered."
    )
    signaalpartner: Signaalpartner = Field(description="DDAS EnumSignaalpartner.")
    klantreferentie: Identifier | None = Field(
        default=None, description="Customer or contract number at the schuldeiser."
    )
    bedrag: int = Field(ge=0, le=10_000_000, description="Arrears in whole euros.")
    ontstaansdatum: dt.date = Field(description="Date the arrears arose.")
    signaaldatum: dt.date = Field(description="Date the schuldeiser sent the signal.")
    crisissignaal: bool = Field(
        default=False,
        description="Crisis: end of supply, disconnection, eviction or insurance termination.",
    )
    warmeOverdracht: bool = Field(
        default=False, description="There is already contact; warm handover requested."
    )
    bezwaar: bool = Field(
        default=False,
        description="The resident objected to passing on the data; such a signal is refused.",
    )
    client: Client

    @model_validator(mode="after")
    def _dates_in_order(self) -> SignaalBericht:
        if self.ontstaansdatum > self.signaaldatum:
            raise ValueError("ontstaansdatum ligt na signaaldatum")
        return self


TOP_LEVEL_FIELDS: frozenset[str] = frozenset(SignaalBericht.model_fields)
CLIENT_FIELDS: frozenset[str] = frozenset(Client.model_fields)
