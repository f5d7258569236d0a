# SPDX-License-Identifier: EUPL-1.2
"""Reason codes: why a signal was refused, filtered or accepted, mapped onto DDAS statuses."""

from __future__ import annotations

from enum import StrEnum

from vroegsignaal.contract.enums import Signaalstatus


class ReasonCode(StrEnum):
    """Every outcome of intake has one code; `ddas_status` is what DDAS and the creditor see."""

    OPGEPAKT = "OPGEPAKT"
    DUPLICAAT = "DUPLICAAT"
    SIGNAALID_CONFLICT = "SIGNAALID_CONFLICT"
    ONGELDIG_BERICHT = "ONGELDIG_BERICHT"
    ANDERE_SCHULDEISER = "ANDERE_SCHULDEISER"
    BEZWAAR = "BEZWAAR"
    ONBEKENDE_POSTCODE = "ONBEKENDE_POSTCODE"
    BUITEN_GEMEENTE = "BUITEN_GEMEENTE"
    NIET_INGESCHREVEN = "NIET_INGESCHREVEN"
    BUITEN_TERMIJN = "BUITEN_TERMIJN"
    ONDER_MINIMUMBEDRAG = "ONDER_MINIMUMBEDRAG"
    HERHAALDE_MELDING = "HERHAALDE_MELDING"
    OVERLEDEN = "OVERLEDEN"
    RECHTSPERSOON = "RECHTSPERSOON"

    @property
    def ddas_status(self) -> Signaalstatus | None:
        """The DDAS signal status this outcome maps to; None when it has none of its own
        (DUPLICAAT, SIGNAALID_CONFLICT: the signal stored under that id keeps its own)."""
        return _DDAS[self]

    @property
    def stored(self) -> bool:
        """Refused before storage: only a refusal row without personal data is kept."""
        return self not in _NOT_STORED

    @property
    def dutch(self) -> str:
        """The code in words, for people (reports, the command line)."""
        return _DUTCH[self]


_NOT_STORED = frozenset(
    {ReasonCode.ONGELDIG_BERICHT, ReasonCode.ANDERE_SCHULDEISER, ReasonCode.BEZWAAR,
     ReasonCode.DUPLICAAT, ReasonCode.SIGNAALID_CONFLICT}
)


_DDAS: dict[ReasonCode, Signaalstatus | None] = {
    # Taken into a zaak: it waits in the werkvoorraad until a worker picks the zaak up
    # (cases/workflow.py moves the signal's status with its zaak; ADR 0016).
    ReasonCode.OPGEPAKT: Signaalstatus.NOG_NIET_OPGEPAKT,
    ReasonCode.DUPLICAAT: None,
    ReasonCode.SIGNAALID_CONFLICT: None,
    ReasonCode.ONGELDIG_BERICHT: Signaalstatus.NIET_OPGEPAKT_ONTERECHT,
    ReasonCode.ANDERE_SCHULDEISER: Signaalstatus.NIET_OPGEPAKT_ONTERECHT,
    ReasonCode.BEZWAAR: Signaalstatus.NIET_OPGEPAKT_ONTERECHT,
    ReasonCode.ONBEKENDE_POSTCODE: Signaalstatus.GEEN_INWONER,
    ReasonCode.BUITEN_GEMEENTE: Signaalstatus.GEEN_INWONER,
    ReasonCode.NIET_INGESCHREVEN: Signaalstatus.GEEN_INWONER,
    ReasonCode.BUITEN_TERMIJN: Signaalstatus.NIET_OPGEPAKT_ONTERECHT,
    ReasonCode.ONDER_MINIMUMBEDRAG: Signaalstatus.NIET_OPGEPAKT_ANDERE_REDEN,
    ReasonCode.HERHAALDE_MELDING: Signaalstatus.NIET_OPGEPAKT_HERHAALD,
    ReasonCode.OVERLEDEN: Signaalstatus.OVERLEDEN,
    ReasonCode.RECHTSPERSOON: Signaalstatus.NIET_OPGEPAKT_ONTERECHT,
}

_DUTCH: dict[ReasonCode, str] = {
    ReasonCode.OPGEPAKT: "Opgepakt en in de werkvoorraad gezet",
    ReasonCode.DUPLICAAT: "Al eerder ontvangen; niets gewijzigd",
    ReasonCode.SIGNAALID_CONFLICT: "Eerder ontvangen signaalId met een andere inhoud; "
    "geweigerd, het eerdere signaal is niet gewijzigd",
    ReasonCode.ONGELDIG_BERICHT: "Bericht voldoet niet aan het contract",
    ReasonCode.ANDERE_SCHULDEISER: "Signaal namens een andere schuldeiser dan de afzender",
    ReasonCode.BEZWAAR: "Inwoner heeft bezwaar gemaakt tegen doorgeven",
    ReasonCode.ONBEKENDE_POSTCODE: "Postcode hoort bij geen bekende gemeente",
    ReasonCode.BUITEN_GEMEENTE: "Adres ligt niet in een aangesloten gemeente",
    ReasonCode.NIET_INGESCHREVEN: "Persoon staat niet (meer) op dit adres ingeschreven (BRP)",
    ReasonCode.BUITEN_TERMIJN: "Achterstand valt buiten de termijn van 30 tot 100 dagen",
    ReasonCode.ONDER_MINIMUMBEDRAG: "Bedrag onder het minimumbedrag van de gemeente",
    ReasonCode.HERHAALDE_MELDING: "Herhaalde melding zonder hoger bedrag",
    ReasonCode.OVERLEDEN: "Inwoner is overleden volgens de BRP",
    ReasonCode.RECHTSPERSOON: "Signaal gaat over een rechtspersoon, niet over een inwoner",
}
