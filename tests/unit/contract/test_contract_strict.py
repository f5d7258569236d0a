# SPDX-License-Identifier: EUPL-1.2
"""The models and the published JSON Schema agree: every value the schema forbids is
refused (or, for an optional identifier, dropped), and what the schema allows is taken as
sent, apart from the exceptions docs/contract.md names (issue 9, kind 1).

The schema is checked with `jsonschema` (draft 2020-12, formats asserted), the model with
the contract's own check (contract/check.py), on values from the field cases and from
Hypothesis.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from tests.factories import signaal
from vroegsignaal.contract.check import check_message
from vroegsignaal.contract.schema import SCHEMA_PATH
from vroegsignaal.contract.types import OLDEST_BIRTH_DATE, possible_phone
from vroegsignaal.dates import today

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """`pattern` as JSON Schema means it (ECMA-262): `$` ends the text. jsonschema uses
    Python's re, where `$` also matches before a final newline ("WBV-1\n")."""
    if isinstance(instance, str) and not re.search(re.sub(r"(?<!\\)\$", r"\\Z", pattern),
                                                    instance):
        yield ValidationError(f"does not match {pattern!r}")


VALIDATOR = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})(
    SCHEMA, format_checker=FormatChecker()
)
CLIENT = SCHEMA["$defs"]["Client"]["properties"]
FIELDS = [*(f for f in SCHEMA["properties"] if f != "client"), *(f"client.{f}" for f in CLIENT)]
OPTIONAL_IDENTIFIERS = {
    "klantreferentie", "client.geboortedatum", "client.telefoonnummer", "client.email"
}

# Values real creditor systems send (../shared/field-cases/README.md) and their neighbours.
ODD_VALUES: list[Any] = [
    None, "", " ", "x", "1.000", "1.000,00", "1000,-", "€ 1000", "100", " 850", "0850",
    100, 0, -1, 10_000_001, 1420.0, 1.5, 1e3, True, False, "true", "yes", "off", 1,
    "2026-11-25", "2026-11-25 00:00:00", "2026-11-25T00:00:00", "25-11-2026", "20261125",
    1767225600, "2026-02-30", "2099-01-01", "1800-01-01", "1900-01-01", [], {}, ["x"],
    {"a": 1}, "A/B", "WBV-1", "a b", ".hidden", "K 1", "K/1:2", "3511 AB", "3511AB",
    " 3511 AB", "3511 ab", "0123 AB", "12", "12A", "12-2", "12 hs", "0", "twaalf", "12.5",
    "06-12345678", "+31 6 1234 5678", "bel me", "12", "a@example.org", "geen-mail",
    "a@b", "x" * 31, "x" * 81, "x" * 255, "Huur", "huur", "Telefonie", "1.0", 1.0, "0.9",
    "hs", "1e etage", "é", "\t", "Jansen\n",
]


def _set(message: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(message)
    target, _, name = path.rpartition(".")
    (out["client"] if target == "client" else out)[name] = value
    return out


def _kept(path: str, value: Any, message: dict[str, Any]) -> bool | None:
    """True: accepted with this value; False: the value was dropped; None: refused."""
    check = check_message(message)
    if check.bericht is None:
        return None
    target, _, name = path.rpartition(".")
    stored = getattr(check.bericht.client if target else check.bericht, name)
    return value is None or stored is not None


def _allowed_beyond_schema(path: str, value: Any) -> bool:
    """The schema allows it, the contract refuses or drops it, as documented: an integral
    float is an integer to JSON Schema but never an amount; plausibility rules the schema
    cannot express (a birth date from 1900 up to today, a possible phone number); the
    order of the two dates."""
    if path == "bedrag" and isinstance(value, float):
        return True
    if path == "client.geboortedatum" and isinstance(value, str):
        day = dt.date.fromisoformat(value)
        return not OLDEST_BIRTH_DATE <= day <= today()
    if path == "client.telefoonnummer" and isinstance(value, str):
        return not possible_phone(value)
    # the base message's other date may be on the wrong side of it
    return path in ("ontstaansdatum", "signaaldatum")


def _agree(path: str, value: Any) -> None:
    message = _set(signaal(), path, value)
    schema_ok = VALIDATOR.is_valid(message)
    kept = _kept(path, value, message)
    if not schema_ok:
        assert kept is not True, f"{path}={value!r}: the schema forbids it, the contract took it"
        if kept is False:
            assert path in OPTIONAL_IDENTIFIERS, f"{path}={value!r} dropped, not refused"
    elif kept is not True:
        assert _allowed_beyond_schema(path, value), (
            f"{path}={value!r}: the schema allows it, the contract refused it"
        )


@pytest.mark.parametrize("path", FIELDS)
def test_odd_values_agree_with_the_schema(path: str) -> None:
    for value in ODD_VALUES:
        _agree(path, value)


_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=90),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
    st.from_regex(r"\A[1-9][0-9]{3} ?[A-Za-z]{2}\Z"),
    st.from_regex(r"\A[A-Za-z0-9._/: -]{0,70}\Z"),
    st.lists(st.integers(), max_size=2),
    st.sampled_from(ODD_VALUES),
)


@settings(max_examples=400, deadline=None)
@given(path=st.sampled_from(FIELDS), value=_values)
def test_generated_values_agree_with_the_schema(path: str, value: Any) -> None:
    _agree(path, value)


def test_every_example_kind_is_seen() -> None:
    """The cases above reach both sides: the schema refuses some, allows others."""
    verdicts = {VALIDATOR.is_valid(_set(signaal(), "bedrag", v)) for v in ODD_VALUES}
    assert verdicts == {True, False}


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        ("bedrag", "1.000", "bedrag_formaat"),
        ("bedrag", "100", "bedrag_formaat"),
        ("bedrag", 1420.0, "bedrag_formaat"),
        ("bedrag", True, "bedrag_formaat"),
        ("crisissignaal", "yes", "ja_nee_formaat"),
        ("crisissignaal", 1, "ja_nee_formaat"),
        ("bezwaar", "off", "ja_nee_formaat"),
        ("signaaldatum", 1767225600, "datum_formaat"),
        ("signaaldatum", "2026-03-10T00:00:00", "datum_formaat"),
        ("signaaldatum", "2026-03-10 00:00:00", "datum_formaat"),
        ("signaalId", "WBV/1", "string_pattern_mismatch"),
        ("client.huisnummer", 12, "string_type"),
    ],
)
def test_field_cases_are_refused_with_their_code(path: str, value: Any, code: str) -> None:
    """The README's list of what REST accepted although the schema forbids it."""
    check = check_message(_set(signaal(), path, value))
    assert check.bericht is None
    assert check.fouten == [{"veld": path, "fout": code}]


def test_missing_schuldeiser_is_a_contract_error() -> None:
    message = signaal()
    del message["schuldeiser"]
    assert check_message(message).fouten == [{"veld": "schuldeiser", "fout": "missing"}]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("client.geboortedatum", "2099-01-01"),
        ("client.geboortedatum", "1800-01-01"),
        ("client.geboortedatum", "17-05-1980"),
        ("client.geboortedatum", 19800517),
        ("client.telefoonnummer", "bel me"),
        ("client.telefoonnummer", 612345678),
        ("client.email", "geen-mail"),
        ("klantreferentie", "K 1"),
        ("klantreferentie", 70001),
    ],
)
def test_impossible_optional_identifiers_are_dropped_and_counted(path: str, value: Any) -> None:
    """One rule for every optional identifier (docs/rules.md): dropped, counted, signal kept."""
    check = check_message(_set(signaal(), path, value))
    assert check.bericht is not None
    assert check.weggelaten == [f"{path}:ongeldig"]
    target, _, name = path.rpartition(".")
    assert getattr(check.bericht.client if target else check.bericht, name) is None


def test_empty_optional_text_is_absent_not_counted() -> None:
    check = check_message(signaal(client__telefoonnummer="", client__voorvoegsel=""))
    assert check.bericht is not None and check.weggelaten == []
    assert check.bericht.client.telefoonnummer is None
