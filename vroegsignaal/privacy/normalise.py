# SPDX-License-Identifier: EUPL-1.2
"""Normalisation of the allowed identifiers, so equal addresses give equal household keys.

Addresses follow the BAG (Basisregistratie Adressen en Gebouwen): a huisnummer (1-99999),
an optional huisletter (one letter) and an optional huisnummertoevoeging (letters and
digits). Creditors write the letter and the addition in many ways, in either field; the
table `TOEVOEGINGEN` (docs/adressen.md) maps the spellings that mean the same dwelling to
one BAG form, and `address` splits "12A" or "12-2" written in the number field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

_SEPARATORS = re.compile(r"[\s\-]")
# What a phone number may be written with: digits, "+", spaces and the usual separators.
_PHONE_CHARS = re.compile(r"[0-9+()./\s-]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The two spellings most creditors send for a Dutch mobile number: 06-12345678, +31612345678
# (with optional spaces or dashes). They map to E.164 without metadata; tests check that
# this agrees with libphonenumber, which handles every other form.
_NL_MOBILE = re.compile(r"^(?:\+31|0031|0)[\s-]?6[\s-]?((?:\d[\s-]?){7}\d)$")


def _floor(n: int, *spellings: str) -> dict[str, str]:
    return dict.fromkeys(spellings, str(n))


# Spellings of a huisnummertoevoeging that name one BAG addition: the key is the spelling
# in lower case with everything but letters and digits removed ("1e etage" -> "1eetage").
# "H" is the BAG's addition for "huis" (the ground-floor dwelling, Amsterdam's notation);
# floors are written as their number.
TOEVOEGINGEN: dict[str, str] = {
    **dict.fromkeys(("h", "hs", "huis"), "H"),
    **_floor(1, "1", "i", "1e", "1ste", "eerste", "1eetage", "1steetage", "eersteetage",
             "1hoog", "ihoog", "1hg", "1everdieping", "eersteverdieping"),
    **_floor(2, "2", "ii", "2e", "2de", "tweede", "2eetage", "2deetage", "tweedeetage",
             "2hoog", "iihoog", "2hg", "2everdieping", "tweedeverdieping"),
    **_floor(3, "3", "iii", "3e", "3de", "derde", "3eetage", "3deetage", "derdeetage",
             "3hoog", "iiihoog", "3hg", "3everdieping", "derdeverdieping"),
    **_floor(4, "4", "iv", "4e", "4de", "vierde", "4eetage", "4deetage", "vierdeetage",
             "4hoog", "ivhoog", "4hg", "4everdieping", "vierdeverdieping"),
    "bis": "BIS",
}
_NUMBER = re.compile(r"([1-9][0-9]{0,4})(.*)", re.DOTALL)
_LETTER_THEN_REST = re.compile(r"([A-Za-z])[\s./-]+(\S.*)", re.DOTALL)
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")


@dataclass(frozen=True, slots=True)
class Address:
    """A dwelling's number part in BAG form: `huisnummer` digits, `huisletter` "" or one
    upper-case letter, `toevoeging` "" or upper-case letters and digits."""

    huisnummer: str
    huisletter: str = ""
    toevoeging: str = ""

    @property
    def suffix(self) -> str:
        """Letter and addition as one string: what the household key is made of (a letter
        and an addition of the same text are taken as the same dwelling)."""
        return self.huisletter + self.toevoeging


def addition(text: str | None) -> tuple[str, str]:
    """(huisletter, toevoeging) of a written addition: `TOEVOEGINGEN` first, then a single
    letter is the huisletter, a letter and a separated rest are both, anything else is an
    addition in upper case without separators ("a" -> ("A", ""), "hs" -> ("", "H"),
    "1e etage" -> ("", "1"), "A-2" -> ("A", "2"), "bis" -> ("", "BIS"))."""
    if not text:
        return "", ""
    key = _NOT_ALNUM.sub("", text).lower()
    if not key:
        return "", ""
    if key in TOEVOEGINGEN:
        return "", TOEVOEGINGEN[key]
    if len(key) == 1 and key.isalpha():
        return key.upper(), ""
    m = _LETTER_THEN_REST.fullmatch(text.strip(" ()"))
    if m is not None:
        letter, rest = addition(m.group(2))
        if not letter:
            return m.group(1).upper(), rest
    return "", key.upper()


def address(huisnummer: str, toevoeging: str | None) -> Address:
    """Split the number field ("12", "12A", "12-2", "12 hs") and normalise the addition
    field; a letter or addition in both is combined, number field first ("12A" + "2" ->
    12, A, 2). The contract guarantees `huisnummer` starts with the number."""
    m = _NUMBER.fullmatch(huisnummer.strip())
    if m is None:  # not reachable through the contract; keep the text as the number
        return Address(huisnummer.strip())
    letter1, toev1 = addition(m.group(2).strip(" -/"))
    letter2, toev2 = addition(toevoeging)
    if letter1 and letter2:  # two letters: the second is part of the addition
        toev2 = letter2 + toev2
        letter2 = ""
    return Address(m.group(1), letter1 or letter2, toev1 + toev2)


def house_number(text: str) -> str:
    """The BAG huisnummer of a number field, as `address(text, ...).huisnummer` reads it
    ("12A" -> "12", " 7 hs" -> "7"), without reading the letter and addition: the file
    workers' address partition (batch/partition.py) takes it for every line of a file.
    Plain digits skip the regex (~80 ns instead of ~280 ns a field, and `address` ~1.4 µs)."""
    text = text.strip()
    if text.isdigit() and text.isascii() and len(text) <= 5 and text[0] != "0":
        return text
    m = _NUMBER.match(text)
    return text if m is None else m.group(1)


def postcode(value: str) -> str:
    """'1011 ab' -> '1011AB' (the contract already checked the pattern)."""
    return value.replace(" ", "").upper()


def name(value: str | None) -> str | None:
    """A name or place with normalised spaces and capitals; None for empty."""
    if value is None:
        return None
    cleaned = " ".join(value.split())  # the same as collapsing \s+ and stripping, faster
    return cleaned or None


def phone(value: str | None) -> str | None:
    """E.164 via libphonenumber, Dutch numbers by default; None when it cannot be a number.

    `is_possible_number` (length per region) rather than full validation: a worker can still
    try a number the metadata does not know yet, and it is several times cheaper.
    """
    if not value:
        return None
    return _phone(value)


@lru_cache(maxsize=1 << 14)
def _phone(value: str) -> str | None:
    # Cached: the contract checks a number (types.possible_phone) and the privacy filter
    # normalises it later in the same batch; libphonenumber takes ~50 µs for a landline.
    fast = _NL_MOBILE.match(value.strip())
    if fast:
        return "+316" + _SEPARATORS.sub("", fast.group(1))
    if not _PHONE_CHARS.fullmatch(value):
        # libphonenumber reads letters as a keypad's ("bel ABC" -> 0222...): text that is
        # not a number must not become one (docs/rules.md, optional identifiers).
        return None
    try:
        parsed = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def email(value: str | None) -> str | None:
    """A lower-cased e-mail address, or None when it is empty or not an address."""
    if not value:
        return None
    value = value.strip().lower()
    return value if _EMAIL.match(value) else None
