# SPDX-License-Identifier: EUPL-1.2
"""The creditor message: one message is one signal (contract version 1.0).

Field names follow the DDAS vocabulary (Dutch lowerCamelCase). The models are strict: a
value is accepted only in the form the published JSON Schema (generated from them) gives,
never converted (types.py). Unknown fields are ignored by the model and counted by the
privacy filter, never stored. Optional identifiers that break their rule are dropped and
counted, the signal is kept (docs/rules.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from vroegsignaal.contract.enums import Signaalpartner
from vroegsignaal.contract.types import (
    KLANTREFERENTIE,
    Bedrag,
    Email,
    Huisnummer,
    IsoDate,
    JaNee,
    OptionalText10,
    OptionalText30,
    OptionalText80,
    Postcode,
    SafeId,
    Text30,
    Text80,
    optional_identifier,
    plausible_birth_date,
    possible_phone,
)

CONTRACT_VERSION: Final = "1.0"
_OPTIONAL = (
    " Optional identifier: a value that does not meet this rule is dropped and counted, "
    "the signal is kept."
)


class Client(BaseModel):
    """The resident the signal is about: only the allowed data set (DOMAIN.md)."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)

    voorletters: OptionalText30 = None
    voorvoegsel: OptionalText30 = None
    achternaam: Text80
    geboortedatum: Annotated[
        IsoDate | None,
        optional_identifier("client.geboortedatum", plausible_birth_date),
        Field(description="YYYY-MM-DD, from 1900-01-01 up to today." + _OPTIONAL),
    ] = None
    straatnaam: OptionalText80 = None
    huisnummer: Huisnummer = Field(
        description="House number, 1-99999; a letter or addition written after it ('12A', "
        "'12-2') is read as huisletter or huisnummertoevoeging (docs/adressen.md)."
    )
    huisnummertoevoeging: OptionalText10 = Field(
        default=None,
        description="Addition or letter as written ('A', 'hs', '1e etage'); normalised to the "
        "BAG's huisletter and huisnummertoevoeging (docs/adressen.md).",
    )
    postcode: Postcode
    woonplaats: OptionalText80 = None
    telefoonnummer: Annotated[
        Text30 | None,
        optional_identifier("client.telefoonnummer", possible_phone),
        Field(description="A phone number (Dutch unless it starts with +)." + _OPTIONAL),
    ] = None
    email: Annotated[
        Email | None,
        optional_identifier("client.email"),
        Field(description="An e-mail address (name@domain.tld)." + _OPTIONAL),
    ] = None


class SignaalBericht(BaseModel):
    """One early-warning signal from a schuldeiser about one resident."""

    model_config = ConfigDict(
        extra="ignore",
        frozen=True,
        strict=True,
        json_schema_extra={
            "$id": "https://vroegsignaal.example/schema/signaal-v1.schema.json",
        },
    )

    berichtversie: Literal["1.0"] = Field(
        default=CONTRACT_VERSION, description="Version of this message contract."
    )
    signaalId: SafeId = Field(
        description="The schuldeiser's own unique id for this signal, 1-64 characters: ASCII "
        "letters and digits, then also '.', '_' and '-'. A message with the same id and the "
        "same content is a replay; with other content a conflict (refused)."
    )
    schuldeiser: SafeId = Field(
        description="Code of the sending organisation (the schuldeiser), as registered."
    )
    # Strict mode wants an enum instance; from JSON only the exact DDAS string is one.
    signaalpartner: Signaalpartner = Field(strict=False, description="DDAS EnumSignaalpartner.")
    klantreferentie: Annotated[
        Annotated[str, Field(pattern=KLANTREFERENTIE)] | None,
        optional_identifier("klantreferentie"),
        Field(description="Customer or contract number at the schuldeiser, 1-64 characters: "
              "ASCII letters and digits, then also '.', '_', '/', ':' and '-'." + _OPTIONAL),
    ] = None
    bedrag: Bedrag = Field(
        description="Arrears in whole euros: a JSON integer (1000), never a string, a "
        "fraction or a number written with a decimal point (1000.0)."
    )
    ontstaansdatum: IsoDate = Field(description="Date the arrears arose, YYYY-MM-DD.")
    signaaldatum: IsoDate = Field(
        description="Date the schuldeiser sent the signal, YYYY-MM-DD; not before "
        "ontstaansdatum."
    )
    crisissignaal: JaNee = Field(
        default=False,
        description="Crisis: end of supply, disconnection, eviction or insurance termination.",
    )
    warmeOverdracht: JaNee = Field(
        default=False, description="There is already contact; warm handover requested."
    )
    bezwaar: JaNee = Field(
        default=False,
        description="The resident objected to passing on the data; such a signal is refused.",
    )
    client: Client

    @field_validator("signaaldatum")
    @classmethod
    def _not_before_arrears(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        ontstaan = info.data.get("ontstaansdatum")
        if ontstaan is not None and ontstaan > value:
            raise PydanticCustomError("datumvolgorde", "ontstaansdatum after signaaldatum")
        return value


TOP_LEVEL_FIELDS: frozenset[str] = frozenset(SignaalBericht.model_fields)
CLIENT_FIELDS: frozenset[str] = frozenset(Client.model_fields)
