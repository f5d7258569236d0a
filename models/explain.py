# SPDX-License-Identifier: EUPL-1.2
"""Exact per-feature contributions of the calibrated model, and reason codes in Dutch.

The model is a logistic regression on additive transforms, followed by Platt scaling
(affine in the log-odds). So the calibrated log-odds of a case is exactly

    logit = offset + sum over raw features f of contribution_f(case)

where contribution_f is the part of the log-odds that feature f adds compared with the
average training case. The reasons a worker sees are the largest positive contributions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer

from models.features import RAW_FEATURES
from models.pipeline import raw_feature_of
from models.portable import additive_terms
from models.reasons import GEEN_REDEN, MAX_REDENEN, MIN_BIJDRAGE, reasons, reden

__all__ = ["GEEN_REDEN", "MAX_REDENEN", "MIN_BIJDRAGE", "LinearForm", "linear_form", "reasons",
           "reden"]


@dataclass(frozen=True)
class LinearForm:
    """The fitted model as offset + sum of per-column terms (on the calibrated log-odds)."""

    kenmerken: ColumnTransformer
    beta: np.ndarray  # per transformed column
    reference: np.ndarray  # per transformed column: the training mean
    offset: float  # calibrated log-odds of the reference case
    column_feature: np.ndarray  # raw-feature index of each transformed column
    column_names: tuple[str, ...]

    def logits_and_contributions(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated log-odds (n,) and contributions per raw feature (n, len(RAW_FEATURES))."""
        T = np.asarray(self.kenmerken.transform(X), dtype=float)
        return additive_terms(T, self.beta, self.reference, self.offset, self.column_feature)


def linear_form(model: CalibratedClassifierCV) -> LinearForm:
    """Read the logistic regression and the Platt scaling out of the fitted estimator.

    Relies on `calibrated_classifiers_` (documented) and the sigmoid calibrator's `a_` and
    `b_`; tests/models/test_explain.py checks the result against `predict_proba`, so a
    change in scikit-learn fails a test instead of producing wrong reasons.
    """
    if len(model.calibrated_classifiers_) != 1 or model.method != "sigmoid":
        raise ValueError("expects CalibratedClassifierCV(method='sigmoid', ensemble=False)")
    pair = model.calibrated_classifiers_[0]
    pipeline = pair.estimator
    calibrator = pair.calibrators[0]
    a, b = float(calibrator.a_), float(calibrator.b_)
    kenmerken = pipeline.named_steps["kenmerken"]
    scaler = pipeline.named_steps["schaal"]
    lr = pipeline.named_steps["lr"]
    w = lr.coef_.ravel() / scaler.scale_
    intercept = float(lr.intercept_[0])
    # p = 1 / (1 + exp(a * d + b)) with d = w . (t - mean) + intercept
    names = tuple(str(n) for n in kenmerken.get_feature_names_out())
    index = {f: i for i, f in enumerate(RAW_FEATURES)}
    return LinearForm(
        kenmerken=kenmerken,
        beta=-a * w,
        reference=scaler.mean_.copy(),
        offset=-(a * intercept + b),
        column_feature=np.array([index[raw_feature_of(n)] for n in names]),
        column_names=names,
    )


