# SPDX-License-Identifier: EUPL-1.2
"""One trained and evaluated model, shared by the model tests (about a minute to build).

Training: generated with seed 1 at 0.4 times the national signal rate (about 175,000
labelled cases); held out: seed 2 at the national rate (about 440,000 cases, so every
large age band has several hundred positives and its true-positive rate is measured to
about 0.02).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from models.data import LabelledCases, labelled_cases
from models.registry import ModelRegistry, ModelVersion
from models.synthetic import SyntheticSet, training_set

TRAIN_SEED, HOLDOUT_SEED = 1, 2


@dataclass(frozen=True)
class Trained:
    registry: ModelRegistry
    version: ModelVersion
    report: dict[str, Any]
    train: SyntheticSet
    holdout: LabelledCases


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    train = training_set(seed=TRAIN_SEED, scale=0.4)
    holdout = training_set(seed=HOLDOUT_SEED, scale=1.0)
    registry = ModelRegistry(tmp_path_factory.mktemp("modelregister"))
    version = registry.train_candidate(train.frame)
    cases = labelled_cases(holdout.frame)
    report = registry.evaluate(version, cases)
    return Trained(registry, registry.version(version.versie), report, train, cases)


@pytest.fixture(scope="session")
def small_set() -> SyntheticSet:
    """A small generated set (about 9,000 cases) for tests that need data, not quality."""
    return training_set(seed=21, scale=0.02)


@pytest.fixture
def registry_dir(tmp_path: Path) -> Path:
    return tmp_path / "modellen"
