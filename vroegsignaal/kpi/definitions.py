# SPDX-License-Identifier: EUPL-1.2
"""The KPI catalogue: every counted table, its categories and how it adds up.

Each `Measure` is one materialised count (table `kpi_rollup`) per municipality, month
and category; the SQL that fills it is in vroegsignaal/kpi/rollup.py under the same
name, the formulas and the Divosa monitor terms are in docs/kpi.md. Derived figures
(rates, shares, medians) are computed from published cells only
(vroegsignaal/kpi/views.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from vroegsignaal.contract.enums import (
    Contactsoort,
    Dagdeel,
    Eindresultaat,
    Signaalpartner,
    Zaaktype,
)
from vroegsignaal.intake.reason_codes import ReasonCode

NOG_OPEN = "Nog open"
GEEN_POGING = "Geen contactpoging"
GEEN_TEAM = "Geen team"
ONBEKEND = "Onbekend"
HORIZONS = (3, 6, 12)  # months after closing, outcome tracking


@dataclass(frozen=True, slots=True)
class Measure:
    """One materialised count.

    `categories` are the fixed labels (more may come from the data, e.g. team names);
    `additive` says whether households add up over the categories (a partition of
    households in a month), which makes the small-cell rule on totals exact.
    `published` is False for helper counts (the day histograms) that only feed statistics.
    `title` is Dutch: it is shown.
    """

    name: str
    title: str
    categories: tuple[str, ...]
    additive: bool
    published: bool = True
    snapshot: bool = False  # a state on the refresh day (werkvoorraad), not a flow


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(m.value for m in enum)


AFHANDELING = tuple(r.value for r in ReasonCode if r.stored)
TERMIJN = (
    "Regulier: binnen termijn", "Regulier: te laat", "Crisis: binnen termijn",
    "Crisis: te laat", "Nog binnen termijn", "Afgesloten zonder",
)
BEREIK = ("Bereikt", "Niet bereikt", GEEN_POGING)
DAYS_CAP = 365  # the histograms' last bin holds everything from a year on

MEASURES: tuple[Measure, ...] = (
    Measure("signalen", "Signalen per soort schuldeiser", _values(Signaalpartner), False),
    Measure("signalen_afhandeling", "Signalen: opgepakt of reden van niet oppakken",
            AFHANDELING, False),
    Measure("zaken_zaaktype", "Zaken per zaaktype", _values(Zaaktype), True),
    Measure("zaken_bereik", "Zaken naar bereik", BEREIK, True),
    Measure("pogingen_soort", "Contactpogingen per contactsoort", _values(Contactsoort), False),
    Measure("pogingen_soort_bereikt", "Geslaagde contactpogingen per contactsoort",
            _values(Contactsoort), False),
    Measure("pogingen_dagdeel", "Contactpogingen per dagdeel", (*_values(Dagdeel), ONBEKEND),
            False),
    Measure("pogingen_dagdeel_bereikt", "Geslaagde contactpogingen per dagdeel",
            (*_values(Dagdeel), ONBEKEND), False),
    Measure("zaken_afgesloten", "Afgesloten zaken per eindresultaat", _values(Eindresultaat),
            False),
    Measure("zaken_afgesloten_bereikt", "Afgesloten zaken met contact, per eindresultaat",
            _values(Eindresultaat), False),
    Measure("termijn_eerste_poging", "Eerste contactpoging binnen de termijn", TERMIJN, True),
    Measure("termijn_eerste_contact", "Eerste geslaagde contact binnen de termijn", TERMIJN,
            True),
    Measure("dagen_eerste_poging", "Dagen van ontvangst tot eerste contactpoging", (), True,
            published=False),
    Measure("dagen_eerste_contact", "Dagen van ontvangst tot eerste geslaagde contact", (),
            True, published=False),
    Measure("werkvoorraad_open", "Open werkvoorraad per team", (), False, snapshot=True),
    Measure("werkvoorraad_te_laat", "Werkvoorraad over de termijn per team", (), False,
            snapshot=True),
    Measure("registratiekwaliteit", "Registratiekwaliteit", (
        "Afgesloten zonder contactpoging", "Eindresultaat strijdig met contactpogingen",
        "Dagdeel ontbreekt", "Contactsoort onbekend", "Contactpoging voor ontvangst",
    ), False),
    *(
        Measure(f"herhaling_{h}m{part}", title, cats, False)
        for h in HORIZONS
        for part, title, cats in (
            ("_basis", f"Afgesloten zaken, {h} maanden gevolgd, per eindresultaat",
             _values(Eindresultaat)),
            ("", f"Nieuw signaal binnen {h} maanden na afsluiten, per eindresultaat",
             _values(Eindresultaat)),
            ("_aanpak_basis", f"Afgesloten zaken, {h} maanden gevolgd, per aanpak",
             (*_values(Contactsoort), GEEN_POGING)),
            ("_aanpak", f"Nieuw signaal binnen {h} maanden na afsluiten, per aanpak",
             (*_values(Contactsoort), GEEN_POGING)),
        )
    ),
)
BY_NAME: dict[str, Measure] = {m.name: m for m in MEASURES}

# Results after which help was accepted (Divosa: "hulp geaccepteerd"): advice or a
# quick fix, or help that follows. "Verwijzing zonder tussenkomst inwoner" is a referral
# without the resident's consent, so not accepted help.
HULP_GEACCEPTEERD: tuple[str, ...] = (
    Eindresultaat.BUDGETADVIES.value, Eindresultaat.VERVOLGHULP.value,
    Eindresultaat.VERVOLGHULP_FINANCIEEL.value, Eindresultaat.VERVOLGHULP_NIET_FINANCIEEL.value,
)
# Results that say the resident was spoken to: closing with one of these without a
# reached contactpoging is inconsistent (registration quality).
NEEDS_CONTACT: tuple[str, ...] = (
    *HULP_GEACCEPTEERD, Eindresultaat.GEEN_REACTIE.value, Eindresultaat.ZELF_BETAALD.value,
    Eindresultaat.REGELT_ZELF.value,
)
# Results that need no contactpoging: the signal was not picked up or the resident is
# out of reach by definition.
NO_ATTEMPT_NEEDED: tuple[str, ...] = (
    Eindresultaat.NIET_OPGEPAKT_ANDERE_REDEN.value, Eindresultaat.NIET_OPGEPAKT_HERHAALD.value,
    Eindresultaat.NIET_OPGEPAKT_ONTERECHT.value, Eindresultaat.OVERLEDEN.value,
    Eindresultaat.GEEN_INWONER.value, Eindresultaat.AL_BEKEND.value,
    Eindresultaat.ANDER_TRAJECT.value, Eindresultaat.VERWIJZING_ZONDER_INWONER.value,
)
