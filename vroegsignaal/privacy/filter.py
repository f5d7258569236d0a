# SPDX-License-Identifier: EUPL-1.2
"""Privacy filter: keep only the allowed data set, count what is dropped, seal identifiers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vroegsignaal.contract.signaal import CLIENT_FIELDS, TOP_LEVEL_FIELDS, SignaalBericht
from vroegsignaal.privacy import normalise
from vroegsignaal.privacy.crypto import IdentifierCipher, Pseudonymiser, associated_data


def unknown_fields(raw: Mapping[str, Any]) -> list[str]:
    """The field names outside the contract ("client.x" for client fields); their values
    are never looked at or kept, the names are counted per batch."""
    names = list(raw.keys() - TOP_LEVEL_FIELDS)
    client = raw.get("client")
    if isinstance(client, Mapping):
        names.extend(f"client.{key}" for key in client.keys() - CLIENT_FIELDS)
    return names


@dataclass(slots=True)
class FilteredSignal:
    """A valid signal reduced to what may be stored, with its identifiers sealed."""

    bericht: SignaalBericht
    postcode: str
    pc4: str
    household_key: str
    reference_key: str
    key_id: str
    identificatie: bytes
    dropped: tuple[str, ...]


class PrivacyFilter:
    """Reduces a valid message to what may be stored (DOMAIN.md data set, ADR 0002)."""

    def __init__(self, cipher: IdentifierCipher, pseudonymiser: Pseudonymiser) -> None:
        self.cipher = cipher
        self.pseudonymiser = pseudonymiser

    def apply(self, bericht: SignaalBericht) -> FilteredSignal:
        """Normalise, derive the household and reference keys, seal the identifiers."""
        c = bericht.client
        pc = normalise.postcode(c.postcode)
        toev = normalise.toevoeging(c.huisnummertoevoeging)
        dropped: list[str] = []
        phone = normalise.phone(c.telefoonnummer)
        if c.telefoonnummer and phone is None:
            dropped.append("client.telefoonnummer:ongeldig")
        mail = normalise.email(c.email)
        if c.email and mail is None:
            dropped.append("client.email:ongeldig")
        identifiers = {
            k: v
            for k, v in (
                ("voorletters", normalise.name(c.voorletters)),
                ("voorvoegsel", normalise.name(c.voorvoegsel)),
                ("achternaam", normalise.name(c.achternaam)),
                ("geboortedatum", c.geboortedatum.isoformat() if c.geboortedatum else None),
                ("straatnaam", normalise.name(c.straatnaam)),
                ("huisnummer", c.huisnummer),
                ("huisnummertoevoeging", toev or None),
                ("postcode", pc),
                ("woonplaats", normalise.name(c.woonplaats)),
                ("telefoonnummer", phone),
                ("email", mail),
                ("klantreferentie", bericht.klantreferentie),
            )
            if v is not None
        }
        household = self.pseudonymiser.household(pc, c.huisnummer, toev)
        # Without a customer number the repeat rule falls back to the household.
        reference = self.pseudonymiser.reference(
            bericht.schuldeiser, bericht.klantreferentie or f"huishouden:{household}"
        )
        return FilteredSignal(
            bericht=bericht,
            postcode=pc,
            pc4=pc[:4],
            household_key=household,
            reference_key=reference,
            key_id=self.cipher.key_id,
            identificatie=self.cipher.seal(
                identifiers, associated_data(bericht.schuldeiser, bericht.signaalId)
            ),
            dropped=tuple(dropped),
        )
