# SPDX-License-Identifier: EUPL-1.2
"""DOMAIN.md 'Timing under the LCV' and step 2: the 30-100 day window, minimum amounts,
crisis signals exempt from both; legal entities refused."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import signaal
from vroegsignaal.contract import SignaalBericht
from vroegsignaal.eligibility.brp import BrpStatus
from vroegsignaal.eligibility.check import check_signal
from vroegsignaal.eligibility.rules import Rules
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.privacy.filter import FilteredSignal

RULES = Rules.defaults("GM0344")
DAY = dt.date(2026, 3, 10)


def _filtered(**overrides) -> FilteredSignal:  # type: ignore[no-untyped-def]
    b = SignaalBericht.model_validate(signaal(**overrides))
    return FilteredSignal(b, "3511AB", "3511", "h" * 32, "r" * 32, "k1", b"", ())


@pytest.mark.parametrize(
    ("age_days", "crisis", "expected"),
    [
        (29, False, ReasonCode.BUITEN_TERMIJN),
        (30, False, None),
        (100, False, None),
        (101, False, ReasonCode.BUITEN_TERMIJN),
        (10, True, None),
        (250, True, None),
    ],
)
def test_window(age_days: int, crisis: bool, expected: ReasonCode | None) -> None:
    f = _filtered(
        signaaldatum=DAY, ontstaansdatum=DAY - dt.timedelta(days=age_days), crisissignaal=crisis
    )
    assert check_signal(f, gemeentecode="GM0344", rules=RULES, brp=BrpStatus.ONBEKEND) == expected


@pytest.mark.parametrize(
    ("partner", "bedrag", "crisis", "expected"),
    [
        ("Zorg", 49, False, ReasonCode.ONDER_MINIMUMBEDRAG),
        ("Zorg", 50, False, None),
        ("Energie", 10, True, None),
        ("Huur", 1, False, None),
        ("Water", 0, False, ReasonCode.ONDER_MINIMUMBEDRAG),
    ],
)
def test_minimum_amount(
    partner: str, bedrag: int, crisis: bool, expected: ReasonCode | None
) -> None:
    f = _filtered(signaalpartner=partner, bedrag=bedrag, crisissignaal=crisis)
    assert check_signal(f, gemeentecode="GM0344", rules=RULES, brp=BrpStatus.ONBEKEND) == expected


@pytest.mark.parametrize(
    ("achternaam", "expected"),
    [
        ("Jansen", None),
        ("Bouwbedrijf Jansen B.V.", ReasonCode.RECHTSPERSOON),
        ("Stichting Thuis", ReasonCode.RECHTSPERSOON),
        ("Vof", None), ("Bakkerij de Vries BV", ReasonCode.RECHTSPERSOON),
        ("Jansen V.O.F.", ReasonCode.RECHTSPERSOON),
    ],
)
def test_legal_entity(achternaam: str, expected: ReasonCode | None) -> None:
    f = _filtered(client__achternaam=achternaam)
    assert check_signal(f, gemeentecode="GM0344", rules=RULES, brp=BrpStatus.ONBEKEND) == expected


def test_first_refusal_wins_unknown_postcode_before_window() -> None:
    f = _filtered(ontstaansdatum=DAY - dt.timedelta(days=5), signaaldatum=DAY)
    assert check_signal(f, gemeentecode=None, rules=None, brp=BrpStatus.ONBEKEND) == (
        ReasonCode.ONBEKENDE_POSTCODE
    )
