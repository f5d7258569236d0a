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
        ("(020) 123 45 67", "+31201234567"),
        # Letters are not read as a keypad's: text never becomes a number (found by the
        # corpus test, whose random marker sometimes spelled a possible number).
        ("bel QZ1234ABCDMRK", None),
        ("0800-SCHULD", None),
        (None, None),
    ],
)
def test_phone(raw: str | None, expected: str | None) -> None:
    assert normalise.phone(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [("3511 ab", "3511AB"), ("3511AB", "3511AB")])
def test_postcode(raw: str, expected: str) -> None:
    assert normalise.postcode(raw) == expected


# docs/adressen.md: the spellings creditors send (issue 9, kind 4), as BAG huisnummer,
# huisletter and huisnummertoevoeging.
ADDRESSES = [
    (("3", "hs"), ("3", "", "H")),
    (("3", "huis"), ("3", "", "H")),
    (("3", "H"), ("3", "", "H")),
    (("3", "-H"), ("3", "", "H")),
    (("3", "(hs)"), ("3", "", "H")),
    (("3 hs", None), ("3", "", "H")),
    (("3", "bis"), ("3", "", "BIS")),
    (("3", "1"), ("3", "", "1")),
    (("3", "I"), ("3", "", "1")),
    (("3", "1e etage"), ("3", "", "1")),
    (("3", "1-hoog"), ("3", "", "1")),
    (("3", "II"), ("3", "", "2")),
    (("3", "3de"), ("3", "", "3")),
    (("12A", None), ("12", "A", "")),
    (("12 a", None), ("12", "A", "")),
    (("12", "a"), ("12", "A", "")),
    (("12", " - a "), ("12", "A", "")),
    (("12-2", None), ("12", "", "2")),
    (("12/2", None), ("12", "", "2")),
    (("12", "A-2"), ("12", "A", "2")),
    (("12A", "2"), ("12", "A", "2")),
    (("12", "achter"), ("12", "", "ACHTER")),
    (("12", ""), ("12", "", "")),
    (("12", None), ("12", "", "")),
]


@pytest.mark.parametrize(("written", "bag"), ADDRESSES, ids=lambda v: repr(v))
def test_address_spellings_to_bag(
    written: tuple[str, str | None], bag: tuple[str, str, str]
) -> None:
    a = normalise.address(*written)
    assert (a.huisnummer, a.huisletter, a.toevoeging) == bag


@pytest.mark.parametrize(
    "written",
    [w for (w, _), _ in ADDRESSES] + ["012", "123456", "A12", "12\n3", "\u0661\u0662", " ", "",
                                      " 7 ", "99999", "100000", "7\u00b2"],
)
def test_house_number_is_the_address_huisnummer(written: str) -> None:
    """The partition's shortcut (batch/partition.py) reads the number as `address` does."""
    assert normalise.house_number(written) == normalise.address(written, None).huisnummer


def test_the_field_case_spellings_are_one_dwelling() -> None:
    """address-addition-variants.jsonl: the landlord writes "hs", the energy supplier "H"."""
    assert normalise.address("3", "hs").suffix == normalise.address("3", "H").suffix == "H"
    # A letter and an addition of the same text key the same dwelling, as before.
    assert normalise.address("12", "a").suffix == normalise.address("12A", None).suffix


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
