# SPDX-License-Identifier: EUPL-1.2
"""The value types of the contract: one rule per kind of field, strict, in the JSON Schema.

Every type here accepts exactly what the published JSON Schema describes and refuses the
rest with its own error code (contract/codes.py explains each in Dutch for creditors). Nothing is
converted: `"1.000"`, `1420.0`, `true` or `"100"` are not amounts, `1` and `"yes"` are not
booleans, `2026-11-25T00:00:00` and Unix timestamps are not dates (docs/contract.md).

Optional identifiers (`optional_identifier`) follow one rule (docs/rules.md, "Optional
identifiers"): a value that does not meet its rule is dropped and counted, the signal kept.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from vroegsignaal.dates import today
from vroegsignaal.privacy.normalise import phone

# -- identifiers -------------------------------------------------------------------------

# signaalId and schuldeiser: ASCII letters and digits, then also . _ -; 1-64 characters.
# Safe in a URL path segment without escaping (no '/', no '..', no spaces): every id can be
# looked up with GET /signalen/{signaalId}/status.
SAFE_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
# klantreferentie is never part of a URL; creditors' customer numbers also use '/' and ':'.
KLANTREFERENTIE = r"^[A-Za-z0-9][A-Za-z0-9._/:-]{0,63}$"
SAFE_ID_RE = re.compile(SAFE_ID)

SafeId = Annotated[str, StringConstraints(pattern=SAFE_ID)]

# -- text --------------------------------------------------------------------------------

# Text: a length in code points (as JSON Schema counts). A required text must hold at least
# one visible character (`\S`: JSON Schema patterns search, they are not anchored).
# Surrounding spaces are allowed: normalising removes them before anything is compared or
# stored; control characters are harmless inside the sealed identifiers.
Text80 = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=r"\S")]
Text30 = Annotated[str, StringConstraints(max_length=30)]
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
Email = Annotated[str, StringConstraints(max_length=254, pattern=EMAIL)]
# Optional text may also be "" (what many systems send for "none"): absent.
OptionalText10 = Annotated[str, StringConstraints(max_length=10)] | None
OptionalText30 = Annotated[str, StringConstraints(max_length=30)] | None
OptionalText80 = Annotated[str, StringConstraints(max_length=80)] | None

Postcode = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{3} ?[A-Za-z]{2}$")]
# The number, optionally followed by a letter or an addition, as creditors write them in
# one field ("12", "12A", "12-2", "12 hs"); privacy/normalise.py splits them (BAG).
HUISNUMMER = r"^[1-9][0-9]{0,4}(?:[ /-]{0,2}[A-Za-z0-9]{1,6}){0,2}$"
Huisnummer = Annotated[str, StringConstraints(max_length=20, pattern=HUISNUMMER)]


# -- amounts, dates, booleans -------------------------------------------------------------

MAX_BEDRAG = 10_000_000


def _whole_euros(value: Any) -> Any:
    # bool is an int in Python and JSON floats like 1420.0 would pass a lax int: neither is
    # an amount. A string never is, whatever it looks like ("1.000" is 1 or 1000).
    if type(value) is not int:
        raise PydanticCustomError("bedrag_formaat", "bedrag: a JSON integer of whole euros")
    return value


Bedrag = Annotated[int, Field(ge=0, le=MAX_BEDRAG), BeforeValidator(_whole_euros)]

ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_date(value: Any) -> Any:
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass  # 2026-02-30: the right form, no such day
    elif type(value) is dt.date:  # Python callers (tests, the generator); never a datetime
        return value
    raise PydanticCustomError("datum_formaat", "a date YYYY-MM-DD")


IsoDate = Annotated[
    dt.date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]


def _ja_nee(value: Any) -> Any:
    if type(value) is not bool:
        raise PydanticCustomError("ja_nee_formaat", "true or false")
    return value


JaNee = Annotated[bool, BeforeValidator(_ja_nee)]

# -- optional identifiers: dropped, not refused -------------------------------------------

DROPPED = "weggelaten"  # the validation context key that collects dropped values
INVALID_SUFFIX = ":ongeldig"
OLDEST_BIRTH_DATE = dt.date(1900, 1, 1)


def optional_identifier(path: str, check: Callable[[Any], bool] | None = None) -> WrapValidator:
    """An optional identifier (`path` as counted, e.g. "client.telefoonnummer"): a value that
    fails its type, its constraints or `check` becomes None and is noted in the validation
    context under `DROPPED` as "<path>:ongeldig" (docs/rules.md, "Optional identifiers")."""

    def wrap(value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
        if value is None or value == "":  # "" is how many systems write "none"
            return None
        try:
            result = handler(value)
        except ValidationError:
            result = None
        if result is not None and (check is None or check(result)):
            return result
        if info.context is not None and DROPPED in info.context:
            info.context[DROPPED].append(path + INVALID_SUFFIX)
        return None

    return WrapValidator(wrap)


_today: tuple[float, dt.date] = (0.0, dt.date.min)


def _cached_today() -> dt.date:
    # today() reads the Amsterdam clock (about 1 µs); a minute old is new enough here.
    global _today
    now = time.monotonic()
    if now - _today[0] > 60:
        _today = (now, today())
    return _today[1]


def plausible_birth_date(day: dt.date) -> bool:
    """Born on or after 1900-01-01 and not after today (Europe/Amsterdam)."""
    return OLDEST_BIRTH_DATE <= day <= _cached_today()


def possible_phone(number: str) -> bool:
    """libphonenumber thinks it can be a number (Dutch by default): privacy/normalise.py."""
    return phone(number) is not None

