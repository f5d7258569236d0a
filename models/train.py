# SPDX-License-Identifier: EUPL-1.2
"""Fit the model on labelled cases in the training format (models/README.md)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.calibration import CalibratedClassifierCV

from models.data import LabelledCases, labelled_cases, read_training_frame
from models.features import RAW_FEATURES, case_table
from models.pipeline import ModelConfig, build_pipeline
from models.progress import Progress, aantal, silent

TrainingData = pd.DataFrame | LabelledCases | str | Path


def as_cases(data: TrainingData, *, require_label: bool = True) -> LabelledCases:
    """Accept a frame, a file in the training format, or already-checked cases."""
    if isinstance(data, LabelledCases):
        return data
    if isinstance(data, str | Path):
        data = read_training_frame(data)
    return labelled_cases(data, require_label=require_label)


@dataclass(frozen=True)
class TrainedModel:
    """A fitted estimator with what it was trained on and how."""

    estimator: CalibratedClassifierCV
    config: ModelConfig
    data_fingerprint: str
    zaken: int
    positieven: int
    trained_at: dt.datetime
    seconds: float
    feature_names: tuple[str, ...] = field(default=RAW_FEATURES)
    sklearn_version: str = sklearn.__version__

    def predict(self, cases: LabelledCases) -> np.ndarray:
        """Calibrated probabilities for labelled (or unlabelled) cases."""
        return self.estimator.predict_proba(case_table(cases.signals))[:, 1]


def train(
    data: TrainingData,
    *,
    config: ModelConfig | None = None,
    progress: Progress | None = None,
) -> TrainedModel:
    """Fit the calibrated pipeline; `config.random_state` pins every random choice."""
    say = progress or silent
    cfg = config or ModelConfig()
    t0 = time.perf_counter()
    cases = as_cases(data)
    assert cases.uitkomst is not None
    y = cases.uitkomst.astype(int)
    positives = int(y.sum())
    if positives < cfg.calibration_folds or positives > y.size - cfg.calibration_folds:
        raise ValueError("training needs both outcomes, at least once per calibration fold")
    say(f"kenmerken berekenen voor {aantal(cases.n_cases)} zaken")
    X = case_table(cases.signals)
    say(
        f"model fitten ({cfg.calibration_folds} kalibratievouwen + 1 eindfit,"
        f" {aantal(positives)} positieven)"
    )
    estimator = build_pipeline(cfg).fit(X, y)
    seconds = time.perf_counter() - t0
    say(f"getraind in {seconds:.1f} s")
    return TrainedModel(
        estimator=estimator,
        config=cfg,
        data_fingerprint=cases.fingerprint,
        zaken=cases.n_cases,
        positieven=positives,
        trained_at=dt.datetime.now(dt.UTC),
        seconds=seconds,
    )
