# SPDX-License-Identifier: EUPL-1.2
"""The published JSON Schema is generated from the models and the examples follow it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from tests.factories import signaal
from vroegsignaal.contract import SignaalBericht
from vroegsignaal.contract.schema import SCHEMA_PATH, render

EXAMPLES = sorted((Path(__file__).parents[3] / "docs" / "contract" / "examples").glob("*.json"))


def test_published_schema_is_up_to_date() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render(), (
        "regenerate with: vroegsignaal contract schema"
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_validate_against_schema_and_model(path: Path) -> None:
    message = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(message, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    SignaalBericht.model_validate(message)


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize(
    "overrides",
    [
        {"bedrag": -1},
        {"bedrag": 12.5},
        {"signaalpartner": "Telefonie"},
        {"client__postcode": "0123AB"},
        {"client__huisnummer": "twaalf"},
        {"ontstaansdatum": dt.date(2026, 4, 1), "signaaldatum": dt.date(2026, 3, 1)},
        {"berichtversie": "0.9"},
    ],
)
def test_contract_refuses(overrides: dict) -> None:
    with pytest.raises(ValidationError):
        SignaalBericht.model_validate(signaal(**overrides))


def test_strings_are_not_numbers_or_booleans() -> None:
    """No silent coercion: the CSV door converts its text (contract/csvfile.py), the JSON
    doors get exactly the schema's types (issue 9, kind 1)."""
    with pytest.raises(ValidationError) as refused:
        SignaalBericht.model_validate(signaal(bedrag="120", crisissignaal="false"))
    assert {e["type"] for e in refused.value.errors()} == {"bedrag_formaat", "ja_nee_formaat"}
