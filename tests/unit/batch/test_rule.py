# SPDX-License-Identifier: EUPL-1.2
"""The batch-file rule (docs/batch-intake.md, "Rules for batch files"), as a table."""

from __future__ import annotations

import pytest

from batch.rule import Besluit, Grond, decide
from batch.validation import FileValidation, Finding


def _finding(code: str, severity: str, lines: list[int], *, row_level: bool = True) -> Finding:
    f = Finding(code, "expect_x", severity, "why", ("kolom",), False, row_level=row_level)
    f.checked, f.failed, f.lines = 1000, len(lines), lines
    f.judge()
    if not row_level and lines:
        f.success = False
    return f


CASES = [
    # rows, findings, expected decision, expected ground
    (1000, [], Besluit.INNEMEN, Grond.ALLES_GELDIG),
    (1000, [_finding("POSTCODE_FORMAAT", "error", [5])], Besluit.INNEMEN, Grond.BINNEN_DREMPEL),
    # exactly 1% is still within the threshold; the same line failing twice counts once
    (
        1000,
        [_finding("A", "error", list(range(2, 12))), _finding("B", "error", [2])],
        Besluit.INNEMEN,
        Grond.BINNEN_DREMPEL,
    ),
    (
        1000,
        [_finding("A", "error", list(range(2, 13)))],
        Besluit.QUARANTAINE,
        Grond.TE_VEEL_ONGELDIGE_REGELS,
    ),
    (
        20,
        [_finding("POSTCODE_FORMAAT", "error", [9])],
        Besluit.QUARANTAINE,
        Grond.TE_VEEL_ONGELDIGE_REGELS,
    ),
    # warnings never decide, however many rows they name
    (
        100,
        [_finding("EMAIL_FORMAAT", "warning", list(range(2, 90)))],
        Besluit.INNEMEN,
        Grond.ALLES_GELDIG,
    ),
    # one row of another schuldeiser is fatal, whatever the share
    (
        100_000,
        [_finding("SCHULDEISER_VAN_AANLEVERMAP", "fatal", [7])],
        Besluit.QUARANTAINE,
        Grond.FATALE_CONTROLE,
    ),
    (
        0,
        [_finding("BESTAND_NIET_LEEG", "fatal", [1], row_level=False)],
        Besluit.QUARANTAINE,
        Grond.FATALE_CONTROLE,
    ),
]


@pytest.mark.parametrize(("rows", "findings", "besluit", "grond"), CASES)
def test_batch_file_rule(
    rows: int, findings: list[Finding], besluit: Besluit, grond: Grond
) -> None:
    verdict = decide(FileValidation("s", rows, findings), max_invalid_fraction=0.01)
    assert (verdict.besluit, verdict.grond) == (besluit, grond)


def test_a_check_that_could_not_run_is_fatal() -> None:
    crashed = _finding("POSTCODE_FORMAAT", "warning", [])
    crashed.crashed = True
    crashed.judge()
    verdict = decide(FileValidation("s", 10, [crashed]), max_invalid_fraction=0.01)
    assert verdict.besluit is Besluit.QUARANTAINE and verdict.fatal_codes == ("POSTCODE_FORMAAT",)


def test_the_threshold_is_configurable() -> None:
    findings = [_finding("A", "error", list(range(2, 7)))]  # 5 of 100
    assert decide(FileValidation("s", 100, findings), max_invalid_fraction=0.05).besluit is (
        Besluit.INNEMEN
    )
    assert decide(FileValidation("s", 100, findings), max_invalid_fraction=0.0).besluit is (
        Besluit.QUARANTAINE
    )
