# SPDX-License-Identifier: EUPL-1.2
"""What happens to each generated household in the 12 months after its latest signal.

An explicit, documented risk process (docs/synthetic-data.md, "Outcomes") that reads
`HouseholdTruth` only and draws on its own random stream,
`Generator(PCG64(SeedSequence(seed, spawn_key=(1,))))`, so adding outcomes never changes the
signals a seed produces. Every household gets its true probabilities next to the drawn
events, so the ideal (Bayes-optimal) AUC of any data set built from it is known.

The process, per household, at its latest signal (the `peildatum`):
- state: rent (or mortgage) arrears in months of the household's own rent, other open
  arrears in months of their instalments, open creditors at once, earlier months with a
  signal (6 months), growth of open arrears, crisis signals (eviction threat; end of
  supply or disconnection), living alone, owner-occupier, latent stress;
- `p_vonnis`: an eviction judgment (ontruimingsvonnis) within 12 months, logistic in the
  state; `p_uitzetting = p_vonnis * kans_uitvoering`: the eviction is carried out;
- `p_afsluiting`: energy or water disconnection; `p_hulp`: the household accepts debt
  help; `p_zelf`: the arrears are settled without any of these.
Events are drawn independently given the state; `zelf_opgelost` only counts when no other
event happened.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from synthetic.truth import HouseholdTruth
from vroegsignaal.contract.enums import Signaalpartner as SP

HORIZON_MAANDEN = 12
DOMAIN = "DOMAIN.md, Figures to calibrate against"
_WOON = (SP.HUUR, SP.HYPOTHEEK)
_NUTS = (SP.ENERGIE, SP.WATER)


def _p(default: Any, bron: str) -> Any:
    return field(default=default, metadata={"bron": bron})


@dataclass(frozen=True)
class OutcomeConfig:
    """Coefficients of the outcome process (log-odds), each with its source."""

    open_dagen: int = _p(
        120, "aanname: arrears count as open when their last signal is at most 120 days old"
    )
    vonnis_basis: float = _p(
        -7.48,
        f"{DOMAIN}: evictions by housing corporations 1,200-1,720 a year (2020-2022);"
        " intercept set so a national run gives about 1,450 evictions a year",
    )
    vonnis_huurachterstand: float = _p(
        1.3, f"{DOMAIN}: eviction predictor 'height of rent arrears': a landlord signalled"
    )
    vonnis_per_maand_huur: float = _p(
        0.6,
        f"{DOMAIN}: eviction predictor 'height of rent arrears', per month of the"
        " household's own rent (capped at 6 months)",
    )
    vonnis_hypotheek: float = _p(
        -1.2, "aanname: mortgage arrears rarely end in an eviction within 12 months"
    )
    vonnis_crisis_woon: float = _p(
        1.8,
        f"{DOMAIN}: eviction predictor 'already summoned to court'; the landlord's crisis"
        " signal (threatening eviction) is its closest visible trace",
    )
    vonnis_crisis_nuts: float = _p(0.4, "aanname: an end-of-supply signal marks acute trouble")
    vonnis_per_schuldeiser: float = _p(
        0.35, "issue 4: several creditors at once (per extra open creditor, at most 3)"
    )
    vonnis_per_herhaling: float = _p(
        0.3, "issue 4: repeat signals (per earlier month with a signal in 6 months, at most 4)"
    )
    vonnis_groei: float = _p(
        0.6, "issue 4: rising amounts (per unit of log growth of open arrears, at most 1.5)"
    )
    vonnis_overige_maanden: float = _p(
        0.25, "aanname: other open arrears, per unit of log(1 + months of instalments)"
    )
    vonnis_alleenstaand: float = _p(
        0.4, f"{DOMAIN}: eviction predictor 'living alone' (not in any signal: latent)"
    )
    vonnis_stress: float = _p(
        0.5, "aanname: latent financial stress (centred on its mean), not in any signal"
    )
    kans_uitvoering: float = _p(
        0.3, "aanname: about one in three eviction judgments is carried out; the rest pay"
    )
    afsluiting_basis: float = _p(-6.6, "aanname: disconnections are rarer than judgments")
    afsluiting_per_maand: float = _p(
        0.9, "aanname: per unit of log(1 + months of energy and water instalments in arrears)"
    )
    afsluiting_crisis: float = _p(
        2.6, "DOMAIN.md, Signal sources: an end-of-supply signal precedes the disconnection"
    )
    afsluiting_stress: float = _p(0.6, "aanname: latent stress")
    hulp_basis: float = _p(
        -2.86,
        f"{DOMAIN}: about 1 in 5 cases reached, 31% of those accept help: about 6%",
    )
    hulp_per_schuldeiser: float = _p(
        0.25, "aanname: more creditors, more reason to accept help (at most 3 extra)"
    )
    hulp_crisis: float = _p(0.5, "aanname: a crisis makes help more welcome")
    hulp_stress: float = _p(0.8, "aanname: latent stress")
    zelf_basis: float = _p(1.2, "aanname: most arrears in a vroegsignaal are settled")
    zelf_per_maand: float = _p(-0.5, "aanname: per unit of log(1 + months of all open arrears)")
    zelf_per_schuldeiser: float = _p(-0.35, "aanname: per extra open creditor (at most 3)")
    zelf_stress: float = _p(-2.0, "aanname: latent stress")

    def __post_init__(self) -> None:
        if not 0.0 <= self.kans_uitvoering <= 1.0:
            raise ValueError("kans_uitvoering is a probability")
        if self.open_dagen < 1:
            raise ValueError("open_dagen must be at least 1")


def describe_outcomes(config: OutcomeConfig | None = None) -> Iterator[tuple[str, Any, str]]:
    """(parameter, value, source) for every outcome parameter, for docs and reports."""
    cfg = config or OutcomeConfig()
    for f in fields(cfg):
        yield f.name, getattr(cfg, f.name), f.metadata["bron"]


@dataclass(frozen=True, slots=True)
class RiskState:
    """The household's situation at its latest signal: the inputs of the outcome process."""

    household_id: int
    peildatum: dt.date
    huurachterstand_maanden: float  # open rent arrears / the household's rent (0: none)
    hypotheekachterstand_maanden: float  # open mortgage arrears / the instalment
    nuts_maanden: float  # open energy and water arrears / their instalments
    overige_maanden: float  # every other open arrears / its instalment
    open_schuldeisers: int
    herhalingen: int  # earlier calendar months with a signal, in the 6 months before
    groei: float  # max log(last / first amount) of an open arrears episode
    crisis_woon: bool  # a landlord's or lender's crisis signal in the last 90 days
    crisis_nuts: bool  # an energy or water crisis signal in the last 90 days
    alleenstaand: bool
    stress: float


@dataclass(frozen=True, slots=True)
class HouseholdOutcome:
    """Drawn events and their true probabilities over the 12 months after `peildatum`."""

    household_id: int
    peildatum: dt.date
    p_vonnis: float  # eviction judgment (including every carried-out eviction)
    p_uitzetting: float
    p_afsluiting: float
    p_hulp: float
    p_zelf: float
    vonnis: bool
    uitzetting: bool  # implies vonnis
    afsluiting: bool
    hulp_aanvaard: bool
    zelf_opgelost: bool  # settled without judgment, disconnection or help

    @property
    def uitkomst(self) -> str:
        """The gravest event, for reports: uitzetting > vonnis > afsluiting > hulp > zelf."""
        if self.uitzetting:
            return "huisuitzetting"
        if self.vonnis:
            return "ontruimingsvonnis"
        if self.afsluiting:
            return "afsluiting"
        if self.hulp_aanvaard:
            return "hulp_aanvaard"
        return "zelf_opgelost" if self.zelf_opgelost else "onopgelost"


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _add_months(first_of_month: dt.date, k: int) -> dt.date:
    year, month = divmod(_month_index(first_of_month) + k, 12)
    return dt.date(year, month + 1, 1)


def risk_state(h: HouseholdTruth, config: OutcomeConfig | None = None) -> RiskState:
    """The household's state at its latest signal (burn-in signals included)."""
    cfg = config or OutcomeConfig()
    peil = max(a.signalen[-1][0] for a in h.accounts)  # each account's signals are in order
    open_from = peil - dt.timedelta(days=cfg.open_dagen)
    crisis_from = peil - dt.timedelta(days=90)
    month_start = peil.replace(day=1)
    window_from = _add_months(month_start, -6)
    woon = hyp = nuts = overig = groei = 0.0
    n_open = 0
    crisis_woon = crisis_nuts = False
    months: set[int] = set()
    for a in h.accounts:
        last_day, ontstaan, bedrag, _ = a.signalen[-1]
        for day, _, _, crisis in a.signalen:
            if day < window_from:
                continue
            if day < month_start:
                months.add(_month_index(day))
            if crisis and day >= crisis_from:
                crisis_woon |= a.signaalpartner in _WOON
                crisis_nuts |= a.signaalpartner in _NUTS
        if last_day < open_from:
            continue
        n_open += 1
        termijn = max(1, a.maandtermijn)
        if a.signaalpartner is SP.HUUR:
            woon += bedrag / max(1, h.huur or termijn)
        elif a.signaalpartner is SP.HYPOTHEEK:
            hyp += bedrag / termijn
        elif a.signaalpartner in _NUTS:
            nuts += bedrag / termijn
        else:
            overig += bedrag / termijn
        first = next(s[2] for s in a.signalen if s[1] == ontstaan)
        groei = max(groei, math.log(bedrag / max(1, first)))
    return RiskState(
        household_id=h.household_id,
        peildatum=peil,
        huurachterstand_maanden=woon,
        hypotheekachterstand_maanden=hyp,
        nuts_maanden=nuts,
        overige_maanden=overig,
        open_schuldeisers=n_open,
        herhalingen=len(months),
        groei=groei,
        crisis_woon=crisis_woon,
        crisis_nuts=crisis_nuts,
        alleenstaand=h.alleenstaand,
        stress=h.stress,
    )


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def probabilities(
    states: Sequence[RiskState], config: OutcomeConfig | None = None
) -> dict[str, np.ndarray]:
    """True probabilities per outcome, vectorised over households."""
    cfg = config or OutcomeConfig()

    def col(name: str, dtype: Any = float) -> np.ndarray:
        return np.fromiter((getattr(s, name) for s in states), dtype=dtype, count=len(states))

    huur = col("huurachterstand_maanden")
    hyp = col("hypotheekachterstand_maanden")
    nuts = col("nuts_maanden")
    overig = col("overige_maanden")
    extra = np.minimum(np.maximum(col("open_schuldeisers") - 1, 0), 3)
    herhaal = np.minimum(col("herhalingen"), 4)
    groei = np.minimum(col("groei"), 1.5)
    c_woon = col("crisis_woon", bool).astype(float)
    c_nuts = col("crisis_nuts", bool).astype(float)
    alleen = col("alleenstaand", bool).astype(float)
    stress = col("stress") - 1.0 / 3.0  # Beta(2, 4) has mean 1/3
    woon_maanden = np.minimum(huur + hyp, 6.0)
    vonnis = (
        cfg.vonnis_basis
        + cfg.vonnis_huurachterstand * ((huur + hyp) > 0)
        + cfg.vonnis_per_maand_huur * woon_maanden
        + cfg.vonnis_hypotheek * ((hyp > 0) & (huur == 0))
        + cfg.vonnis_crisis_woon * c_woon
        + cfg.vonnis_crisis_nuts * c_nuts
        + cfg.vonnis_per_schuldeiser * extra
        + cfg.vonnis_per_herhaling * herhaal
        + cfg.vonnis_groei * groei
        + cfg.vonnis_overige_maanden * np.log1p(np.minimum(overig + nuts, 24.0))
        + cfg.vonnis_alleenstaand * alleen
        + cfg.vonnis_stress * stress
    )
    afsluiting = (
        cfg.afsluiting_basis
        + cfg.afsluiting_per_maand * np.log1p(np.minimum(nuts, 24.0))
        + cfg.afsluiting_crisis * c_nuts
        + cfg.afsluiting_stress * stress
    )
    hulp = (
        cfg.hulp_basis
        + cfg.hulp_per_schuldeiser * extra
        + cfg.hulp_crisis * np.maximum(c_woon, c_nuts)
        + cfg.hulp_stress * stress
    )
    alle_maanden = np.log1p(np.minimum(huur + hyp + nuts + overig, 24.0))
    zelf = (
        cfg.zelf_basis
        + cfg.zelf_per_maand * alle_maanden
        + cfg.zelf_per_schuldeiser * extra
        + cfg.zelf_stress * stress
    )
    p_vonnis = _sigmoid(vonnis)
    return {
        "vonnis": p_vonnis,
        "uitzetting": p_vonnis * cfg.kans_uitvoering,
        "afsluiting": _sigmoid(afsluiting),
        "hulp": _sigmoid(hulp),
        "zelf": _sigmoid(zelf),
    }


def outcome_rng(seed: int) -> np.random.Generator:
    """The outcomes' own stream: never the one that draws the signals."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(1,))))


def draw_outcomes(
    households: Iterable[HouseholdTruth], *, seed: int, config: OutcomeConfig | None = None
) -> list[HouseholdOutcome]:
    """One outcome per household, in household-id order; reproducible for a seed."""
    cfg = config or OutcomeConfig()
    ordered = sorted(households, key=lambda h: h.household_id)
    states = [risk_state(h, cfg) for h in ordered]
    p = probabilities(states, cfg)
    u = outcome_rng(seed).random((len(states), 5))
    vonnis = u[:, 0] < p["vonnis"]
    uitzetting = vonnis & (u[:, 1] < cfg.kans_uitvoering)
    afsluiting = u[:, 2] < p["afsluiting"]
    hulp = u[:, 3] < p["hulp"]
    zelf = (u[:, 4] < p["zelf"]) & ~(vonnis | afsluiting | hulp)
    columns = [
        p["vonnis"].tolist(),
        p["uitzetting"].tolist(),
        p["afsluiting"].tolist(),
        p["hulp"].tolist(),
        p["zelf"].tolist(),
        vonnis.tolist(),
        uitzetting.tolist(),
        afsluiting.tolist(),
        hulp.tolist(),
        zelf.tolist(),
    ]
    return [
        HouseholdOutcome(s.household_id, s.peildatum, *values)
        for s, *values in zip(states, *columns, strict=True)
    ]


def expected_per_year(
    outcomes: Sequence[HouseholdOutcome],
    *,
    inwoners: int,
    months: int,
    national_inwoners: int,
    scale: float = 1.0,
) -> Mapping[str, float]:
    """Expected events a year, scaled from a run's population and rate to the country."""
    factor = national_inwoners / inwoners * 12 / months / scale
    return {
        "vonnis": factor * sum(o.p_vonnis for o in outcomes),
        "uitzetting": factor * sum(o.p_uitzetting for o in outcomes),
        "afsluiting": factor * sum(o.p_afsluiting for o in outcomes),
        "hulp": factor * sum(o.p_hulp for o in outcomes),
    }
