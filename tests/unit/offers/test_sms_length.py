# SPDX-License-Identifier: EUPL-1.2
"""GSM-7 length of an SMS (3GPP TS 23.038 character set, TS 23.040 concatenation): one
message is 160 septets, a longer text goes in parts of 153, characters of the extension
table count twice and an escape pair is never split, other characters are named."""

from __future__ import annotations

import pytest

from vroegsignaal.offers.sms import MAX_PARTS, measure


@pytest.mark.parametrize(
    ("text", "septets", "parts"),
    [
        ("", 0, 0),
        ("a" * 160, 160, 1),
        ("a" * 161, 161, 2),
        ("a" * 306, 306, 2),
        ("a" * 307, 307, 3),
        ("€" * 80, 160, 1),  # extension table: two septets each
        ("€" * 81, 162, 2),
        ("a" * 152 + "€" + "a" * 10, 164, 2),  # the escape pair moves whole to part two
        ("Ä Ö Ü ä ö ü ñ é è à", 19, 1),  # in the default alphabet
    ],
)
def test_septets_and_parts(text: str, septets: int, parts: int) -> None:
    length = measure(text)
    assert (length.septets, length.parts, length.not_gsm7) == (septets, parts, ())


def test_an_escape_pair_is_not_split_across_parts() -> None:
    # 152 plain septets, then "€" (2): 154 would not fit part one, so part one holds 152.
    text = "a" * 152 + "€" + "a" * 153
    assert measure(text).parts == 3


def test_characters_outside_gsm7_are_named_once_and_the_text_does_not_fit() -> None:
    length = measure("Beste ç, bel ons ç 😀")
    assert length.not_gsm7 == ("ç", "😀")
    assert not length.fits


def test_fits_means_gsm7_and_at_most_two_messages() -> None:
    assert MAX_PARTS == 2
    assert measure("a" * 306).fits
    assert not measure("a" * 307).fits
    assert not measure("").fits
