# SPDX-License-Identifier: EUPL-1.2
"""DOMAIN.md step 3 (herhaalde melding) and step 4 (case types), as tables."""

from __future__ import annotations

import datetime as dt

import pytest

from vroegsignaal.cases.state import CaseState, classify
from vroegsignaal.matching.repeat import PickedUp, is_repeat

D = dt.date
PREV = PickedUp(signaaldatum=D(2026, 3, 1), bedrag=500, crisissignaal=False)


@pytest.mark.parametrize(
    ("prev", "signaaldatum", "ontstaan", "bedrag", "crisis", "repeat", "why"),
    [
        (None, D(2026, 4, 1), D(2026, 1, 1), 500, False, False, "no earlier signal"),
        (PREV, D(2026, 4, 1), D(2026, 1, 1), 500, False, True, "same amount"),
        (PREV, D(2026, 4, 1), D(2026, 1, 1), 400, False, True, "amount went down"),
        (PREV, D(2026, 4, 1), D(2026, 1, 1), 501, False, False, "amount grew: pick up again"),
        (PREV, D(2026, 6, 1), D(2026, 1, 1), 500, False, False, "longer ago than 90 days"),
        (PREV, D(2026, 4, 1), D(2026, 3, 15), 500, False, False, "new arrears after last signal"),
        (PREV, D(2026, 4, 1), D(2026, 1, 1), 500, True, False, "crisis after ordinary signal"),
    ],
)
def test_is_repeat(prev, signaaldatum, ontstaan, bedrag, crisis, repeat, why) -> None:  # type: ignore[no-untyped-def]
    assert (
        is_repeat(
            prev,
            signaaldatum=signaaldatum,
            ontstaansdatum=ontstaan,
            bedrag=bedrag,
            crisissignaal=crisis,
            herhaal_periode_dagen=90,
        )
        is repeat
    ), why


def _case(period: dt.date, n: int) -> CaseState:
    return CaseState("GM0344", "h", period, "enkelvoudig", n, None, period)


@pytest.mark.parametrize(
    ("history", "n", "expected"),
    [
        ([], 1, "enkelvoudig"),
        ([], 2, "meervoudig"),
        ([D(2025, 10, 1)], 1, "opeenvolgend"),
        ([D(2025, 10, 1)], 3, "opeenvolgend"),
        ([D(2025, 9, 1)], 1, "opeenvolgend"),  # 6 months before: inside
        ([D(2025, 8, 1)], 1, "enkelvoudig"),  # 7 months before: outside
        ([D(2026, 4, 1)], 1, "enkelvoudig"),  # a later case does not count
    ],
)
def test_classify(history: list[dt.date], n: int, expected: str) -> None:
    case = _case(D(2026, 3, 1), n)
    assert classify(case, [case, *(_case(p, 1) for p in history)], 6) == expected
