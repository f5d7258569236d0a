# SPDX-License-Identifier: EUPL-1.2
"""A promoted risk model for the intake benchmarks: production scores with one.

Trains on a small generated set (about ten seconds) in a throwaway registry and promotes
it; the intake processes then score with its NumPy form (models/portable.py), as they do
in production. The model's quality is irrelevant here, its cost is not.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any


def _train_and_promote(root: str) -> str:
    from models.registry import ModelRegistry, gate
    from models.synthetic import training_set

    registry = ModelRegistry(root)
    version = registry.train_candidate(training_set(seed=21, scale=0.05).frame)
    passing = {
        "versie": version.versie, "data": {"fingerprint": "benchmark"}, "auc": 0.9, "ece": 0.0,
        "eerlijkheid": {"leeftijdsband": {"tpr_verschil": {"0.2": 0.0},
                                          "kalibratieverschil": 0.0}},
    }
    registry.promote(version, gate(passing, None), door="benchmark")
    return version.versie


def promote_benchmark_model() -> dict[str, Any]:
    """Set VROEGSIGNAAL_MODEL_DIR (inherited by the worker processes) to a registry with a
    promoted model; returns what the result JSON should say about the scorer. Trained in a
    child process, so the benchmark's own memory figures do not include the training."""
    root = Path(tempfile.mkdtemp(prefix="vs-bench-model-"))
    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        versie = pool.submit(_train_and_promote, str(root)).result()
    os.environ["VROEGSIGNAAL_MODEL_DIR"] = str(root)
    return {"scorer": "promoted model (models/portable.py)", "versie": versie}


def scorer_setup(rule: bool) -> dict[str, Any]:
    if rule:
        return {"scorer": "transparent rule (no model promoted)"}
    return promote_benchmark_model()
