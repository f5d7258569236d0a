# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import pytest

from vroegsignaal.privacy import normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06-12345678", "+31612345678"),
        ("+31 6 1234 5678", "+31612345678"),
        ("020 123 4567", "+31201234567"),
        ("12", None),
        ("bel me", None),
        (None, None),
    ],
)
def test_phone(raw: str | None, expected: str | None) -> None:
    assert normalise.phone(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [("3511 ab", "3511AB"), ("3511AB", "3511AB")])
def test_postcode(raw: str, expected: str) -> None:
    assert normalise.postcode(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [(" - a ", "A"), ("bis", "BIS"), (None, "")])
def test_toevoeging(raw: str | None, expected: str) -> None:
    assert normalise.toevoeging(raw) == expected


def test_email() -> None:
    assert normalise.email(" A@Example.org ") == "a@example.org"
    assert normalise.email("geen-mail") is None


def test_mobile_fast_path_agrees_with_libphonenumber() -> None:
    import random

    import phonenumbers

    rnd = random.Random(3)
    for _ in range(2000):
        digits = f"{rnd.randrange(10**8):08d}"
        spelled = rnd.choice([
            f"06-{digits}", f"06{digits}", f"+316{digits}", f"+31 6 {digits[:4]} {digits[4:]}",
            f"0031 6 {digits}", f"06 {digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}",
        ])
        parsed = phonenumbers.parse(spelled, "NL")
        expected = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        assert normalise.phone(spelled) == expected, spelled
