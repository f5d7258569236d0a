# SPDX-License-Identifier: EUPL-1.2
"""Same seed, same output; a different seed or input gives different output."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from synthetic import GeneratorConfig, HouseholdTruth, SyntheticRun, generate_signals

START = dt.date(2024, 1, 1)


def _signals(seed: int, gemeenten: tuple[str, ...] = ("GM0193",), **kw: Any) -> list[dict]:
    return list(generate_signals(gemeenten=gemeenten, start=START, months=3, seed=seed, **kw))


def test_same_seed_gives_identical_messages() -> None:
    first = _signals(5)
    assert first
    assert first == _signals(5)


def test_different_seed_gives_different_messages() -> None:
    a, b = _signals(5), _signals(6)
    assert a != b
    assert {m["signaalId"] for m in a}.isdisjoint({m["signaalId"] for m in b})


def test_order_of_gemeenten_does_not_matter_and_names_work() -> None:
    assert _signals(1, ("GM0193", "GM0014")) == _signals(1, ("Groningen", "zwolle"))


def test_scale_multiplies_the_volume() -> None:
    base, double = len(_signals(2)), len(_signals(2, scale=2.0))
    assert 1.8 < double / base < 2.2


def test_config_rate_halves_the_volume() -> None:
    half = GeneratorConfig(signalen_per_1000_per_maand=2.0)
    assert 0.4 < len(_signals(3, config=half)) / len(_signals(3)) < 0.6


def test_truth_callback_runs_after_the_last_message() -> None:
    seen: list[HouseholdTruth] = []
    gen = generate_signals(gemeenten=["GM0193"], start=START, months=2, seed=1, truth=seen.append)
    messages = list(gen)
    assert seen
    assert sum(1 for h in seen for a in h.accounts for s in a.signalen if s[0] >= START) == len(
        messages
    )


def test_a_run_is_iterated_once_and_truth_needs_the_full_run() -> None:
    run = SyntheticRun(gemeenten=["GM0193"], start=START, months=1)
    with pytest.raises(RuntimeError):
        next(run.households())
    list(run)
    with pytest.raises(RuntimeError):
        list(run)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"gemeenten": ["GM9999"]}, ValueError),
        ({"gemeenten": []}, ValueError),
        ({"gemeenten": "GM0193"}, TypeError),
        ({"months": 0}, ValueError),
        ({"scale": 0.0}, ValueError),
        ({"start": "2024-01-01"}, TypeError),
    ],
)
def test_bad_arguments_fail_at_the_call(kwargs: dict[str, Any], error: type[Exception]) -> None:
    args: dict[str, Any] = {"gemeenten": ["GM0193"], "start": START} | kwargs
    with pytest.raises(error):
        generate_signals(**args)  # raises before the first next()
