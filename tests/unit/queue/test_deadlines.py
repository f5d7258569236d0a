# SPDX-License-Identifier: EUPL-1.2
"""DOMAIN.md step 5: contact within 14 days; crisis within 3 working days (Wgs)."""

from __future__ import annotations

import datetime as dt

import pytest

from vroegsignaal.queue.deadlines import uiterste_datum

D = dt.date


@pytest.mark.parametrize(
    ("ontvangen", "crisis", "expected", "why"),
    [
        (D(2026, 3, 10), False, D(2026, 3, 24), "14 calendar days"),
        (D(2026, 3, 10), True, D(2026, 3, 13), "Tue -> Fri"),
        (D(2026, 3, 13), True, D(2026, 3, 18), "Fri -> Wed, weekend skipped"),
        (
            D(2026, 4, 2),
            True,
            D(2026, 4, 9),
            "Goede Vrijdag, Tweede Paasdag",
        ),
        (D(2026, 4, 23), True, D(2026, 4, 29), "Koningsdag Mon 27 Apr"),
        (D(2026, 12, 23), True, D(2026, 12, 29), "Kerst 25 and 26 Dec"),
        (D(2025, 5, 2), True, D(2025, 5, 8), "Bevrijdingsdag 5 May 2025 (lustrum year)"),
    ],
)
def test_uiterste_datum(ontvangen: dt.date, crisis: bool, expected: dt.date, why: str) -> None:
    assert (
        uiterste_datum(ontvangen, crisis=crisis, contact_termijn_dagen=14, crisis_werkdagen=3)
        == expected
    ), why
