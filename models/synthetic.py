# SPDX-License-Identifier: EUPL-1.2
"""Labelled training data from the synthetic generator, in the training format.

Per household: the signals the intake pipeline would have accepted under the default rules
(30-100 day window and minimum amounts, crisis signals exempt; the repeat rule), the case
of its latest accepted signal (all accepted signals in that calendar month), the earlier
accepted signals as history, and the drawn outcome `vonnis` (eviction judgment or eviction
within 12 months) with its true probability. The age band comes from the date of birth as
creditors know it, for fairness measurement only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.progress import Progress, aantal, silent
from synthetic import GeneratorConfig, HouseholdTruth, SyntheticRun
from synthetic.geo import all_gemeentecodes
from synthetic.outcomes import HouseholdOutcome, OutcomeConfig, draw_outcomes
from vroegsignaal.eligibility.rules import default_settings
from vroegsignaal.matching.repeat import PickedUp, is_repeat

LEEFTIJDSBANDEN: tuple[tuple[str, int, int], ...] = (
    ("18-29", 0, 30),
    ("30-44", 30, 45),
    ("45-64", 45, 65),
    ("65+", 65, 200),
)
ONBEKEND = "onbekend"
HISTORIE_TERUG_MAANDEN = 12  # more than the features use: the transformer applies its window


def leeftijdsband(geboortedatum: dt.date | None, peildatum: dt.date) -> str:
    if geboortedatum is None:
        return ONBEKEND
    years = peildatum.year - geboortedatum.year
    if (peildatum.month, peildatum.day) < (geboortedatum.month, geboortedatum.day):
        years -= 1
    return next((band for band, lo, hi in LEEFTIJDSBANDEN if lo <= years < hi), ONBEKEND)


@dataclass(frozen=True)
class SyntheticSet:
    """A generated, labelled data set with what it was generated from."""

    frame: pd.DataFrame
    outcomes: Sequence[HouseholdOutcome]
    households: int  # with at least one emitted signal
    cases: int  # with an accepted case in the run period
    seed: int


def _month(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def _accepted(h: HouseholdTruth, rules: dict) -> list[tuple]:
    """The household's signals the pipeline would pick up, in date order."""
    minimum = rules["minimumbedragen"]
    lo, hi, periode = (
        rules["termijn_min_dagen"],
        rules["termijn_max_dagen"],
        rules["herhaal_periode_dagen"],
    )
    out = []
    for a in h.accounts:
        partner = a.signaalpartner.value
        prev: PickedUp | None = None
        for day, ontstaan, bedrag, crisis in a.signalen:
            if not crisis and (
                not lo <= (day - ontstaan).days <= hi or bedrag < minimum.get(partner, 0)
            ):
                continue
            if is_repeat(
                prev,
                signaaldatum=day,
                ontstaansdatum=ontstaan,
                bedrag=bedrag,
                crisissignaal=crisis,
                herhaal_periode_dagen=periode,
            ):
                continue
            prev = PickedUp(day, bedrag, crisis)
            out.append((day, partner, a.schuldeiser, bedrag, ontstaan, crisis))
    out.sort(key=lambda s: s[0])
    return out


def training_set(
    *,
    seed: int,
    gemeenten: Sequence[str] | None = None,
    start: dt.date = dt.date(2024, 1, 1),
    months: int = 12,
    scale: float = 1.0,
    config: GeneratorConfig | None = None,
    outcome_config: OutcomeConfig | None = None,
    progress: Progress | None = None,
) -> SyntheticSet:
    """Generate signals and outcomes and return them in the training format.

    Defaults: all municipalities, 12 months from 2024-01-01; at `scale` 1 that is about
    450,000 households (the national signal rate). `scale` multiplies the rate.
    """
    say = progress or silent
    run = SyntheticRun(
        gemeenten=list(gemeenten or all_gemeentecodes()),
        start=start,
        months=months,
        seed=seed,
        scale=scale,
        config=config,
    )
    say(f"signalen simuleren (seed {seed}, {months} maanden, schaal {scale:g})")
    households = list(run.simulate().households())
    say(f"uitkomsten trekken voor {aantal(len(households))} huishoudens")
    outcomes = draw_outcomes(households, seed=seed, config=outcome_config)
    by_id = {o.household_id: o for o in outcomes}
    rules = default_settings()
    start_month = _month(start)
    cols: dict[str, list] = {
        k: []
        for k in (
            "zaak",
            "peildatum",
            "historie",
            "signaalpartner",
            "schuldeiser",
            "bedrag",
            "ontstaansdatum",
            "signaaldatum",
            "crisissignaal",
            "uitkomst",
            "leeftijdsband",
            "p_waar",
        )
    }
    n_cases = 0
    for h in households:
        accepted = _accepted(h, rules)
        if not accepted:
            continue
        case_month = _month(accepted[-1][0])
        if case_month < start_month:
            continue
        rows = [s for s in accepted if case_month - HISTORIE_TERUG_MAANDEN <= _month(s[0])]
        peil = accepted[-1][0]
        outcome = by_id[h.household_id]
        band = leeftijdsband(h.geboortedatum, peil)
        n_cases += 1
        for day, partner, schuldeiser, bedrag, ontstaan, crisis in rows:
            cols["zaak"].append(h.household_id)
            cols["peildatum"].append(peil)
            cols["historie"].append(_month(day) < case_month)
            cols["signaalpartner"].append(partner)
            cols["schuldeiser"].append(schuldeiser)
            cols["bedrag"].append(bedrag)
            cols["ontstaansdatum"].append(ontstaan)
            cols["signaaldatum"].append(day)
            cols["crisissignaal"].append(crisis)
            cols["uitkomst"].append(int(outcome.vonnis))
            cols["leeftijdsband"].append(band)
            cols["p_waar"].append(outcome.p_vonnis)
    frame = pd.DataFrame(cols)
    for name in ("peildatum", "ontstaansdatum", "signaaldatum"):
        frame[name] = np.asarray(cols[name], dtype="datetime64[D]")
    frame.insert(frame.columns.get_loc("crisissignaal") + 1, "warme_overdracht", False)
    say(f"{aantal(n_cases)} gelabelde zaken, {aantal(len(frame))} signaalrijen")
    return SyntheticSet(
        frame=frame, outcomes=outcomes, households=len(households), cases=n_cases, seed=seed
    )
