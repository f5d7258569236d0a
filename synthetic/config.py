# SPDX-License-Identifier: EUPL-1.2
"""Calibration parameters of the synthetic signal generator, each with its source.

A field's `metadata["bron"]` names the DOMAIN.md figure it is calibrated on, or says
"aanname" (assumption) with the reasoning; docs/synthetic-data.md shows the table.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from vroegsignaal.contract.enums import Signaalpartner as SP

# Fixed partner order: the column index used in all generator arrays.
PARTNERS: tuple[SP, ...] = (
    SP.ZORG,
    SP.ENERGIE,
    SP.HUUR,
    SP.WATER,
    SP.CAK_ZORGVERZEKERINGEN,
    SP.CAK_EIGEN_BIJDRAGE,
    SP.DUO,
    SP.BELASTINGDIENST,
    SP.DIENST_TOESLAGEN,
    SP.HYPOTHEEK,
    SP.OVERIGE,
)
PARTNER_INDEX: dict[SP, int] = {p: i for i, p in enumerate(PARTNERS)}

DOMAIN = "DOMAIN.md, Figures to calibrate against"


def _p(default: Any, bron: str) -> Any:
    return field(default=default, metadata={"bron": bron})


def _pf(factory: Any, bron: str) -> Any:
    return field(default_factory=factory, metadata={"bron": bron})


def _partner_aandeel() -> dict[SP, float]:
    return {
        SP.ZORG: 0.53,
        SP.ENERGIE: 0.18,
        SP.HUUR: 0.145,
        SP.WATER: 0.10,
        SP.CAK_ZORGVERZEKERINGEN: 0.014,
        SP.CAK_EIGEN_BIJDRAGE: 0.004,
        SP.DUO: 0.007,
        SP.BELASTINGDIENST: 0.004,
        SP.DIENST_TOESLAGEN: 0.004,
        SP.HYPOTHEEK: 0.0,  # only arises as the "Huur" signal of an owner-occupier
        SP.OVERIGE: 0.012,
    }


def _bedrag_lognormaal() -> dict[SP, tuple[float, float]]:
    # (median EUR, sigma of log); Huur is rent x months in arrears, see huur_* fields.
    return {
        SP.ZORG: (290.0, 0.55),
        SP.ENERGIE: (360.0, 0.65),
        SP.WATER: (105.0, 0.55),
        SP.CAK_ZORGVERZEKERINGEN: (1150.0, 0.45),
        SP.CAK_EIGEN_BIJDRAGE: (240.0, 0.7),
        SP.DUO: (650.0, 0.7),
        SP.BELASTINGDIENST: (800.0, 0.9),
        SP.DIENST_TOESLAGEN: (1100.0, 0.9),
        SP.HYPOTHEEK: (2600.0, 0.5),
        SP.OVERIGE: (280.0, 0.9),
    }


def _maandtermijn() -> dict[SP, float]:
    # Monthly instalment that is added when arrears grow between signals (Huur: the rent).
    return {
        SP.ZORG: 140.0,
        SP.ENERGIE: 180.0,
        SP.WATER: 25.0,
        SP.CAK_ZORGVERZEKERINGEN: 175.0,
        SP.CAK_EIGEN_BIJDRAGE: 60.0,
        SP.DUO: 120.0,
        SP.BELASTINGDIENST: 100.0,
        SP.DIENST_TOESLAGEN: 100.0,
        SP.HYPOTHEEK: 950.0,
        SP.OVERIGE: 40.0,
    }


def _crisis_herhaling() -> dict[SP, float]:
    return {SP.HUUR: 0.10, SP.ENERGIE: 0.08, SP.WATER: 0.06}


# Calendar-month profiles (Jan..Dec), each averaging 1.0 so the yearly mix stays put.
SEIZOEN_ZORG = (0.95, 1.0, 1.45, 1.1, 0.95, 0.9, 0.9, 0.85, 0.95, 1.0, 1.0, 0.95)
SEIZOEN_ENERGIE = (1.1, 1.05, 1.05, 1.0, 0.95, 0.9, 0.9, 0.9, 0.95, 1.0, 1.05, 1.15)
SEIZOEN_OVERIG = (1.0, 1.0, 1.05, 1.0, 1.0, 1.0, 0.95, 0.9, 1.0, 1.05, 1.05, 1.0)


@dataclass(frozen=True)
class GeneratorConfig:
    """All calibration knobs; the defaults reproduce the DOMAIN.md figures."""

    signalen_per_1000_per_maand: float = _p(
        4.0, f"{DOMAIN}: signal rate 4.0 per 1,000 inhabitants per month (2023)"
    )
    partner_aandeel: Mapping[SP, float] = _pf(
        _partner_aandeel,
        f"{DOMAIN}: health insurers 45-52%; order Energie > Huur > Water and the"
        " experimental sources (Tijdelijke regeling) small: aanname. These are draw"
        " weights: a case holds at most one signal per creditor type, which moves about"
        " 4 points from Zorg to the others (realised Zorg share about 49%)",
    )
    seizoen_zorg: tuple[float, ...] = _p(
        SEIZOEN_ZORG, f"{DOMAIN}: March peak (insurers' annual bills); shape: aanname"
    )
    seizoen_energie: tuple[float, ...] = _p(
        SEIZOEN_ENERGIE, "aanname: mild winter peak (heating bills, annual settlements)"
    )
    seizoen_overig: tuple[float, ...] = _p(
        SEIZOEN_OVERIG, "aanname: nearly flat, slight summer dip (holiday collection slowdown)"
    )
    groepsgrootte_kansen: tuple[float, ...] = _p(
        (0.815, 0.14, 0.037, 0.008),
        f"{DOMAIN}: multiple (2+ signals on the address in a month) about 11% of cases;"
        " with 'opeenvolgend' first (ADR 0003) that is 11% of the 60% without history,"
        " so 18.5% of address-months have 2+ signals",
    )
    kans_vervolgmaand: float = _p(
        0.395,
        f"{DOMAIN}: consecutive (earlier signal within 6 months) about 40% of cases;"
        " the rest comes from shared addresses",
    )
    gat_gewichten: tuple[float, ...] = _p(
        (1.0, 0.6, 0.4, 0.3, 0.2, 0.15),
        "aanname: a household that signals again mostly does so 1-2 months later",
    )
    kans_zelfde_schuldeiser: float = _p(
        0.65, "aanname: most follow-up months repeat an open arrears (herhaalde melding)"
    )
    inloop_maanden: int = _p(
        6, "technical: burn-in so month 1 already has the 6-month history of a running process"
    )
    venster_dagen: tuple[int, int] = _p(
        (30, 100), "DOMAIN.md, Signal sources: a signal is sent when arrears are 30-100 days old"
    )
    kans_te_vroeg: float = _p(0.03, "aanname: small share of creditors signal before 30 days")
    kans_te_laat: float = _p(0.02, "aanname: small share of first signals after 100 days")
    leeftijd_gamma: tuple[float, float] = _p(
        (2.0, 10.0), "aanname: age in window = 30 + Gamma(2, 10) days, mostly 35-60"
    )
    kans_late_herhaling: float = _p(
        0.15, "aanname: share of repeats still sent when the arrears are past 100 days"
    )
    bedrag_lognormaal: Mapping[SP, tuple[float, float]] = _pf(
        _bedrag_lognormaal,
        "aanname: health premium and energy arrears a few hundred euros, water lower,"
        " experimental sources higher; log-normal (median, sigma), whole euros",
    )
    maandtermijn: Mapping[SP, float] = _pf(
        _maandtermijn, "aanname: 2023 price levels (basic premium about EUR 140 a month)"
    )
    kans_bedrag_stijgt: float = _p(
        0.6, "aanname: arrears grow by the missed instalments between two signals"
    )
    huur_corporatie: tuple[float, float] = _p(
        (620.0, 0.18), "aanname: corporation rent, log-normal (median EUR 620)"
    )
    huur_particulier: tuple[float, float] = _p(
        (900.0, 0.25), "aanname: private-sector rent, log-normal (median EUR 900)"
    )
    huur_achterstand_maanden: tuple[float, float] = _p(
        (1.7, 0.45),
        f"{DOMAIN}: corporation tenants in arrears owe about EUR 1,280 each (2022):"
        " one to two months' rent at the first signal, growing on repeats",
    )
    kans_corporatie: float = _p(0.7, "aanname: most tenants in arrears rent from a corporation")
    kans_koop: float = _p(0.12, "aanname: owner-occupiers among households without rent arrears")
    kans_alleenstaand: float = _p(
        0.45,
        f"{DOMAIN}: living alone predicts eviction; share among debt households: aanname",
    )
    stress_beta: tuple[float, float] = _p(
        (2.0, 4.0), "aanname: latent financial stress in [0, 1], drives repeats and growth"
    )
    kans_crisis_herhaling: Mapping[SP, float] = _pf(
        _crisis_herhaling,
        "DOMAIN.md, Signal sources: end-of-supply, disconnection and eviction are crisis"
        " signals, even outside the window; rates: aanname (about 1.2% of all signals)",
    )
    kans_crisis_eerste: float = _p(0.004, "aanname: rare crisis signal on a first signal")
    kans_warme_overdracht: float = _p(0.015, "aanname: warm handover is rare")
    kans_bezwaar: float = _p(0.003, "aanname: objections are rare (0.3%); refused at intake")
    kans_ongeldig: float = _p(
        0.005, "aanname: invalid messages are rare (0.5%): missing field, bad postcode or amount"
    )
    kans_onbekend_veld: float = _p(
        0.002, "DOMAIN.md, data set: anything else that arrives is dropped and counted"
    )
    kans_gedeeld_adres: float = _p(0.02, "aanname: several debt households on one address")
    kans_telefoon: float = _p(0.7, "aanname: creditor knows a phone number")
    kans_email: float = _p(0.45, "aanname: creditor knows an e-mail address")
    kans_geboortedatum: float = _p(0.97, "aanname: date of birth almost always sent")
    kans_toevoeging: float = _p(0.12, "aanname: share of addresses with a house-number addition")

    def __post_init__(self) -> None:
        total = sum(self.partner_aandeel.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"partner_aandeel must sum to 1, got {total:.6f}")
        if abs(sum(self.groepsgrootte_kansen) - 1.0) > 1e-6:
            raise ValueError("groepsgrootte_kansen must sum to 1")
        for name in ("seizoen_zorg", "seizoen_energie", "seizoen_overig"):
            if len(getattr(self, name)) != 12:
                raise ValueError(f"{name} needs 12 calendar-month values")
        if not 1 <= len(self.gat_gewichten) <= 6:
            raise ValueError("gat_gewichten covers gaps of 1..6 months")


def describe(config: GeneratorConfig | None = None) -> Iterator[tuple[str, Any, str]]:
    """(parameter, value, source) for every calibration parameter, for docs and reports."""
    cfg = config or GeneratorConfig()
    for f in fields(cfg):
        yield f.name, getattr(cfg, f.name), f.metadata["bron"]
