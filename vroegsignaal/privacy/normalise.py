# SPDX-License-Identifier: EUPL-1.2
"""Normalisation of the allowed identifiers, so equal addresses give equal household keys."""

from __future__ import annotations

import re

import phonenumbers

_SEPARATORS = re.compile(r"[\s\-]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The two spellings most creditors send for a Dutch mobile number: 06-12345678, +31612345678
# (with optional spaces or dashes). They map to E.164 without metadata; tests check that
# this agrees with libphonenumber, which handles every other form.
_NL_MOBILE = re.compile(r"^(?:\+31|0031|0)[\s-]?6[\s-]?((?:\d[\s-]?){7}\d)$")


def postcode(value: str) -> str:
    """'1011 ab' -> '1011AB' (the contract already checked the pattern)."""
    return value.replace(" ", "").upper()


def toevoeging(value: str | None) -> str:
    """House-number addition, upper case without separators: ' - a ' -> 'A'."""
    if not value:
        return ""
    return _SEPARATORS.sub("", value).upper()


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
    fast = _NL_MOBILE.match(value.strip())
    if fast:
        return "+316" + _SEPARATORS.sub("", fast.group(1))
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
