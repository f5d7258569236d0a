# SPDX-License-Identifier: EUPL-1.2
"""Outcomes: a clean extension of the generator with known true probabilities.

DOMAIN.md, "Figures to calibrate against": evictions by housing corporations 1,200-1,720 a
year (2020-2022); about 1 in 5 cases reached and 31% of those accept help.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pytest

from synthetic import SyntheticRun, all_gemeentecodes, generate_signals
from synthetic.geo import resolve_gemeenten
from synthetic.outcomes import (
    OutcomeConfig,
    RiskState,
    describe_outcomes,
    draw_outcomes,
    expected_per_year,
    probabilities,
    risk_state,
)
from tests.unit.synthetic.conftest import CALIBRATION_GEMEENTEN, START, Generated


@pytest.fixture(scope="module")
def outcomes(calibration: Generated) -> list:
    return draw_outcomes(calibration.households, seed=11)


def test_every_outcome_parameter_has_a_source() -> None:
    rows = list(describe_outcomes())
    assert len(rows) == len(dataclasses.fields(OutcomeConfig))
    assert all(source.strip() for _, _, source in rows)


def test_drawing_outcomes_never_changes_the_signals_of_a_seed() -> None:
    args = {"gemeenten": ["GM0193"], "start": START, "months": 3, "seed": 5}
    plain = list(generate_signals(**args))
    seen = []
    with_truth = list(generate_signals(**args, truth=seen.append))
    draw_outcomes(seen, seed=5)
    again = list(generate_signals(**args))
    assert plain == with_truth == again


def test_simulate_gives_the_same_households_as_the_messages() -> None:
    args = {"gemeenten": ["GM0193"], "start": START, "months": 4, "seed": 8}
    full = SyntheticRun(**args)
    list(full)
    quick = SyntheticRun(**args).simulate()
    assert list(full.households()) == list(quick.households())
    assert full.stats.as_dict() == quick.stats.as_dict()


def test_outcomes_are_reproducible_and_seed_dependent(calibration: Generated) -> None:
    a = draw_outcomes(calibration.households, seed=11)
    b = draw_outcomes(list(reversed(calibration.households)), seed=11)
    c = draw_outcomes(calibration.households, seed=12)
    assert a == b  # input order does not matter: drawn in household-id order
    assert [o.vonnis for o in a] != [o.vonnis for o in c]
    assert [o.p_vonnis for o in a] == [o.p_vonnis for o in c]  # the truth is the same


def test_drawn_events_follow_their_true_probabilities(outcomes: list) -> None:
    for event, prob in (
        ("vonnis", "p_vonnis"),
        ("afsluiting", "p_afsluiting"),
        ("hulp_aanvaard", "p_hulp"),
    ):
        drawn = np.array([getattr(o, event) for o in outcomes], dtype=float)
        p = np.array([getattr(o, prob) for o in outcomes])
        se = math.sqrt(np.sum(p * (1 - p)))
        assert abs(drawn.sum() - p.sum()) < 4 * se, event


def test_an_eviction_is_always_a_judgment_too(outcomes: list) -> None:
    assert all(o.vonnis for o in outcomes if o.uitzetting)
    assert any(o.uitzetting for o in outcomes)
    assert not any(o.zelf_opgelost and (o.vonnis or o.hulp_aanvaard) for o in outcomes)
    kinds = {o.uitkomst for o in outcomes}
    assert {"huisuitzetting", "ontruimingsvonnis", "hulp_aanvaard", "zelf_opgelost"} <= kinds


def test_evictions_match_the_national_rate(outcomes: list) -> None:
    # DOMAIN.md: 1,720 (2020), 1,400 (2021), 1,200 (2022) evictions by corporations.
    pop = sum(g.inwoners for g in resolve_gemeenten(CALIBRATION_GEMEENTEN))
    national = sum(g.inwoners for g in resolve_gemeenten(all_gemeentecodes()))
    per_year = expected_per_year(outcomes, inwoners=pop, months=12, national_inwoners=national)
    assert 1200 <= per_year["uitzetting"] <= 1700
    # About 1 in 5 cases reached, 31% accept: about 6% of households accept help.
    share_help = np.mean([o.p_hulp for o in outcomes])
    assert 0.045 <= share_help <= 0.08


def _state(**change: object) -> RiskState:
    base = RiskState(
        household_id=1,
        peildatum=dt.date(2024, 6, 3),
        huurachterstand_maanden=0.0,
        hypotheekachterstand_maanden=0.0,
        nuts_maanden=0.0,
        overige_maanden=1.0,
        open_schuldeisers=1,
        herhalingen=0,
        groei=0.0,
        crisis_woon=False,
        crisis_nuts=False,
        alleenstaand=False,
        stress=1 / 3,
    )
    return dataclasses.replace(base, **change)


@pytest.mark.parametrize(
    "riskier",
    [
        {"huurachterstand_maanden": 1.5},
        {"crisis_woon": True},
        {"open_schuldeisers": 3},
        {"herhalingen": 2},
        {"groei": 0.5},
        {"alleenstaand": True},
        {"stress": 0.8},
    ],
)
def test_each_documented_predictor_raises_the_judgment_risk(riskier: dict) -> None:
    p = probabilities([_state(), _state(**riskier)])["vonnis"]
    assert p[1] > p[0]


def test_rent_arrears_dominate_the_risk() -> None:
    p = probabilities(
        [_state(), _state(huurachterstand_maanden=1.7), _state(huurachterstand_maanden=4.0)]
    )["vonnis"]
    assert p[0] < 0.005 < p[1] < p[2]
    assert p[2] / p[0] > 20


def test_risk_state_reads_the_latest_signal(calibration: Generated) -> None:
    h = next(h for h in calibration.households if h.huurachterstand and h.n_schuldeisers >= 2)
    state = risk_state(h)
    assert state.peildatum == max(s[0] for a in h.accounts for s in a.signalen)
    assert state.open_schuldeisers >= 1
    assert state.alleenstaand == h.alleenstaand and state.stress == h.stress


def test_truth_carries_the_date_of_birth_creditors_know(calibration: Generated) -> None:
    known = [h.geboortedatum for h in calibration.households if h.geboortedatum is not None]
    assert 0.95 < len(known) / len(calibration.households) < 0.99
    ages = [(START - d).days / 365.25 for d in known]
    assert min(ages) > 18 and 30 < float(np.median(ages)) < 50
