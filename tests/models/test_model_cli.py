# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal train | evaluate`: progress output, the registry, the published documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from models.registry import ModelRegistry
from tests.models.test_other_data import _dataset

runner = CliRunner()


@pytest.fixture(scope="module")
def trained_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cli")
    train, holdout = root / "train.csv", root / "toets.csv"
    _dataset(51, 6000).to_csv(train, index=False)
    _dataset(52, 6000).assign(leeftijdsband="30-44").to_csv(holdout, index=False)
    result = runner.invoke(
        app, ["train", str(train), "--toetsdata", str(holdout), "--model-dir", str(root / "r")]
    )
    assert result.exit_code == 0, result.output + repr(result.exception)
    for step in ("lezen uit", "kenmerken berekenen", "model fitten", "geregistreerd als"):
        assert step in result.output
    return root / "r", holdout


def test_evaluate_publishes_model_card_and_register_entry(
    trained_dir: tuple[Path, Path], tmp_path: Path
) -> None:
    registry_dir, holdout = trained_dir
    out = tmp_path / "publicatie"
    result = runner.invoke(
        app,
        [
            "evaluate",
            str(holdout),
            "--model-dir",
            str(registry_dir),
            "--publiceer",
            str(out),
            "--organisatie",
            "Gemeente Proefstad",
            "--dpia-status",
            "afgerond",
        ],
    )
    assert result.exit_code == 0, result.output + repr(result.exception)
    (version,) = ModelRegistry(registry_dir).versions()
    card = (out / "model-card.md").read_text()
    assert card.startswith(f"# Model card: eviction-risk score `{version.versie}`")
    assert "It never decides who gets help" in card and "## Fairness" in card
    entry = json.loads((out / "algoritmeregister.json").read_text())
    assert entry["organization"] == "Gemeente Proefstad"
    assert entry["dpia_status"] == "afgerond" and entry["model_versie"] == version.versie
    for field in ("goal_and_impact", "source_data", "human_intervention", "risk_management"):
        assert len(entry[field]) > 100
    assert "postcode" not in entry["source_data"]  # what it uses, not what it leaves out
    markdown = (out / "algoritmeregister.md").read_text()
    assert "## Verantwoord gebruik" in markdown and "### DPIA-status" in markdown


def test_promotion_needs_the_gate(trained_dir: tuple[Path, Path]) -> None:
    registry_dir, holdout = trained_dir
    # One age band in the held-out data: fairness cannot be measured, so no promotion.
    result = runner.invoke(
        app, ["train", str(holdout), "--toetsdata", str(holdout), "--model-dir", str(registry_dir),
              "--promoveer"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "niet promoveren" in result.output
    assert ModelRegistry(registry_dir).promoted() is None


def test_evaluate_without_a_model_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["evaluate", "--model-dir", str(tmp_path / "leeg")])
    assert result.exit_code == 1
    assert "Geen model" in result.output
