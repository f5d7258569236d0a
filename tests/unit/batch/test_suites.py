# SPDX-License-Identifier: EUPL-1.2
"""Every suite in expectations/ loads into an ephemeral GX context, follows the house rules
(STYLE.md rule 12) and tells a passing frame from a failing one."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from batch.frame import FRAME_COLUMNS, flatten, to_frame
from batch.suites import (
    SEVERITIES,
    SuiteError,
    SuiteRunner,
    check_suite,
    expectations_dir,
    load_suite_dict,
)
from batch.validation import FileValidation, validate_frames
from tests.factories import signaal
from vroegsignaal.contract.raw import RawInput

EXPECTATIONS = Path(__file__).resolve().parents[3] / "expectations"
SUITES = sorted(p.stem for p in EXPECTATIONS.glob("*.json"))


def test_the_expected_suites_exist() -> None:
    assert expectations_dir() == EXPECTATIONS
    assert {"batch_intake_signalen", "training_data"} <= set(SUITES)


@pytest.mark.parametrize("name", SUITES)
def test_suite_follows_the_house_rules_and_loads_into_gx(name: str) -> None:
    suite = load_suite_dict(name)
    for exp in suite["expectations"]:
        assert exp["meta"]["severity"] in SEVERITIES
        assert len(exp["meta"]["why"]) > 20, exp["meta"]["code"]
    runner = SuiteRunner.load(name)
    assert len(runner.suite.expectations) == len(suite["expectations"])


def test_a_suite_breaking_the_house_rules_is_refused() -> None:
    good = load_suite_dict("batch_intake_signalen")
    cases: list[tuple[str, Any]] = [
        ("severity", lambda s: s["expectations"][0]["meta"].pop("severity")),
        ("severity", lambda s: s["expectations"][0]["meta"].update(severity="critical")),
        ("why", lambda s: s["expectations"][1]["meta"].update(why=" ")),
        (
            "code",
            lambda s: s["expectations"][2]["meta"].update(
                code=s["expectations"][1]["meta"]["code"]
            ),
        ),
        ("name", lambda s: s.update(name="iets_anders")),
        ("type", lambda s: s["expectations"][3].update(type="check_it")),
    ]
    for words, spoil in cases:
        bad = copy.deepcopy(good)
        spoil(bad)
        with pytest.raises(SuiteError, match=words):
            check_suite(bad, source="batch_intake_signalen.json")


def test_batch_suite_runs_the_contract_and_repeats_none_of_it() -> None:
    """One definition of the contract (issue 9, kind 3): the suite checks rows with the
    contract's own verdict (`contractfout`, batch/frame.py), and no expectation checks a
    contract field itself, where it could say otherwise than intake."""
    suite = load_suite_dict("batch_intake_signalen")
    by_code = {e["meta"]["code"]: e for e in suite["expectations"]}
    columns = by_code["ALLEEN_TOEGESTANE_KOLOMMEN"]["kwargs"]["column_set"]
    assert columns == list(FRAME_COLUMNS)
    assert by_code["CONTRACT"]["kwargs"] == {"column": "contractfout"}
    assert by_code["CONTRACT"]["meta"]["severity"] == "error"
    own_rules = {"schuldeiser", "bedrag"}  # the sender's folder; unusually high amounts
    for exp in suite["expectations"]:
        column = exp["kwargs"].get("column")
        assert column not in set(FRAME_COLUMNS[3:]) - own_rules, exp["meta"]["code"]


def _frame(messages: list[dict[str, Any]]) -> Any:
    return to_frame([flatten(RawInput(i + 2, m)) for i, m in enumerate(messages)])


def _failed(result: FileValidation) -> dict[str, list[int]]:
    return {f.code: f.lines for f in result.failed}


@pytest.fixture(scope="module")
def batch_runner() -> SuiteRunner:
    return SuiteRunner.load("batch_intake_signalen")


def test_batch_suite_passes_a_good_frame(batch_runner: SuiteRunner) -> None:
    messages = [signaal(signaalId=f"OK-{i}") for i in range(5)]
    messages[1]["crisissignaal"] = True
    messages[2].pop("klantreferentie")
    messages[3]["client"].pop("email")
    result = validate_frames([_frame(messages)], batch_runner, {"schuldeisers": ["WBV-TEST"]})
    assert result.rows == 5 and _failed(result) == {}


def test_batch_suite_fails_a_bad_frame_on_the_right_rows(batch_runner: SuiteRunner) -> None:
    messages = [signaal(signaalId=f"X-{i}") for i in range(11)]
    messages[0]["client"]["postcode"] = "1234-AB"  # line 2
    messages[1]["bedrag"] = 12.5  # line 3: cents
    messages[2]["bedrag"] = -4  # line 4
    messages[3]["signaalpartner"] = "Huurr"  # line 5
    messages[4]["ontstaansdatum"] = "2026-03-11"  # line 6: after signaaldatum
    messages[5]["signaaldatum"] = "10-03-2026"  # line 7
    messages[6].pop("signaalId")  # line 8
    messages[7]["bsn"] = "123456782"  # line 9: outside the data set (a warning)
    messages[8]["schuldeiser"] = "ANDERE-SE"  # line 10: another creditor's row
    messages[9]["client"]["huisnummer"] = 12  # line 11: a number where the contract says text
    messages[10]["client"]["telefoonnummer"] = "bel me"  # line 12: dropped, a warning
    result = validate_frames([_frame(messages)], batch_runner, {"schuldeisers": ["WBV-TEST"]})
    failed = _failed(result)
    assert failed["CONTRACT"] == [2, 3, 4, 5, 6, 7, 8, 11]
    assert failed["SCHULDEISER_VAN_AANLEVERMAP"] == [10]
    assert failed["OPTIONELE_GEGEVENS_WEGGELATEN"] == [12]
    assert {code: t.lines for code, t in result.contract.items()} == {
        "client.postcode:string_pattern_mismatch": [2],
        "bedrag:bedrag_formaat": [3],
        "bedrag:greater_than_equal": [4],
        "signaalpartner:enum": [5],
        "signaaldatum:datumvolgorde": [6],
        "signaaldatum:datum_formaat": [7],
        "signaalId:missing": [8],
        "client.huisnummer:string_type": [11],
    }
    columns = next(f for f in result.failed if f.code == "ALLEEN_TOEGESTANE_KOLOMMEN")
    assert columns.severity == "warning" and columns.details["onverwachte_kolommen"] == ["bsn"]
    assert sorted(result.invalid_lines()) == [2, 3, 4, 5, 6, 7, 8, 10, 11]


def test_batch_suite_fails_an_empty_file(batch_runner: SuiteRunner) -> None:
    result = validate_frames([_frame([])], batch_runner, {"schuldeisers": ["WBV-TEST"]})
    assert [(f.code, f.severity) for f in result.failed] == [("BESTAND_NIET_LEEG", "fatal")]


def _training_rows() -> list[dict[str, Any]]:
    base = {
        "zaak": "Z1",
        "historie": False,
        "signaalpartner": "Huur",
        "schuldeiser": "WBV-TEST",
        "bedrag": 900,
        "ontstaansdatum": "2025-01-10",
        "signaaldatum": "2025-02-20",
        "crisissignaal": False,
        "warme_overdracht": False,
        "uitkomst": 1,
        "peildatum": "2025-02-20",
        "leeftijdsband": "45-64",
    }
    rows = [dict(base)]
    rows.append(
        {
            **base,
            "zaak": "Z2",
            "signaalpartner": "Zorg",
            "bedrag": 120,
            "uitkomst": 0,
            "peildatum": "2025-02-20",
        }
    )
    rows.append(
        {
            **base,
            "zaak": "Z2",
            "historie": True,
            "signaaldatum": "2024-12-01",
            "ontstaansdatum": "2024-10-20",
            "uitkomst": 0,
        }
    )
    return rows


def test_training_suite_passes_good_and_fails_bad_training_data() -> None:
    import pandas as pd

    runner = SuiteRunner.load("training_data")
    good = pd.DataFrame(_training_rows())
    good.index.name = "regel"
    assert _failed(validate_frames([good], runner, {"min_regels": 3})) == {}
    bad_rows = _training_rows()
    bad_rows[0]["uitkomst"] = 2
    bad_rows[1]["signaalpartner"] = "Huurr"
    bad_rows[2]["bedrag"] = -5
    bad = pd.DataFrame(bad_rows)
    bad["postcode"] = "3511 AB"  # an identifier has no place in training data
    bad.index.name = "regel"
    failed = _failed(validate_frames([bad], runner, {"min_regels": 3}))
    assert failed["UITKOMST_0_OF_1"] == [0]
    assert failed["SIGNAALPARTNER_VOCABULAIRE"] == [1]
    assert failed["BEDRAG_NIET_NEGATIEF"] == [2]
    assert "GEEN_IDENTIFICERENDE_KOLOMMEN" in failed


def test_suite_files_are_plain_json() -> None:
    for path in EXPECTATIONS.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))


def test_a_check_that_cannot_run_counts_as_failed_and_fatal() -> None:
    import pandas as pd

    from batch.rule import Besluit, decide

    frame = pd.DataFrame({"zaak": ["Z1"], "uitkomst": [1]})  # no bedrag column at all
    frame.index.name = "regel"
    result = validate_frames([frame], SuiteRunner.load("training_data"), {"min_regels": 1})
    crashed = {f.code for f in result.findings if f.crashed}
    assert {"VERPLICHT_BEDRAG", "BEDRAG_NIET_NEGATIEF"} <= crashed
    assert decide(result, max_invalid_fraction=0.01).besluit is Besluit.QUARANTAINE
