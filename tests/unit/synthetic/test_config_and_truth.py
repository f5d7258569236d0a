# SPDX-License-Identifier: EUPL-1.2
"""Every calibration parameter names its source; the latent truth matches the messages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import pytest

from synthetic import GeneratorConfig, describe, generate_signals
from tests.unit.synthetic.conftest import START, Generated
from vroegsignaal.contract.enums import Signaalpartner as SP


def test_every_parameter_has_a_source() -> None:
    rows = list(describe())
    assert len(rows) == len(dataclasses.fields(GeneratorConfig))
    assert all(source.strip() for _, _, source in rows)


@pytest.mark.parametrize(
    "change",
    [
        {"partner_aandeel": {SP.ZORG: 0.5}},
        {"groepsgrootte_kansen": (0.5, 0.4)},
        {"seizoen_zorg": (1.0,) * 11},
        {"gat_gewichten": ()},
    ],
)
def test_inconsistent_config_is_refused(change: dict) -> None:
    with pytest.raises(ValueError):
        GeneratorConfig(**change)


def test_truth_matches_the_messages(calibration: Generated) -> None:
    emitted = {
        (a.schuldeiser, a.klantreferentie)
        for h in calibration.households
        for a in h.accounts
        if any(s[0] >= START for s in a.signalen)
    }
    in_messages = {
        (m["schuldeiser"], m["klantreferentie"])
        for m in calibration.messages
        if "schuldeiser" in m and "klantreferentie" in m
    }
    # An account whose only signal lost its schuldeiser (an invalid message) is missing.
    assert in_messages <= emitted
    assert len(emitted - in_messages) <= calibration.run.stats.per_kind["ongeldig:ontbrekend_veld"]
    n_signals = sum(
        1 for h in calibration.households for a in h.accounts for s in a.signalen if s[0] >= START
    )
    assert n_signals == len(calibration.messages)


def test_truth_carries_the_latent_household_state(calibration: Generated) -> None:
    households = calibration.households
    assert all(0.0 <= h.stress <= 1.0 for h in households)
    assert all(h.n_schuldeisers >= 1 for h in households)
    assert any(h.alleenstaand for h in households) and not all(h.alleenstaand for h in households)
    renters = [h for h in households if h.huurachterstand]
    assert renters and all(h.huur for h in renters)
    for h in households[:2000]:
        for a in h.accounts:
            assert a.bedrag == a.signalen[-1][2]
            days = [s[0] for s in a.signalen]
            assert days == sorted(days)


def test_generation_is_fast() -> None:
    # The full benchmark (1,000,000 signals in about 15 s) is in docs/synthetic-data.md;
    # this guards against a large regression at a small size (about 50,000 signals).
    t0 = time.perf_counter()
    n = sum(
        1
        for _ in generate_signals(
            gemeenten=["GM0344", "GM0599"], start=dt.date(2024, 1, 1), months=12, seed=3
        )
    )
    elapsed = time.perf_counter() - t0
    assert n > 40_000
    assert elapsed < 15.0, f"{n} signals took {elapsed:.1f}s"
