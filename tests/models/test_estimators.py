# SPDX-License-Identifier: EUPL-1.2
"""Custom transformers follow the scikit-learn estimator conventions (STYLE.md, section 4)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import estimator_checks_generator

from models.features import ArrearsFeatures, ClippedLog

ESTIMATORS = [
    ArrearsFeatures(),
    ArrearsFeatures(quantile=0.9),
    ClippedLog(),
    ClippedLog((0.1, 0.9)),
]
# The array-API checks only run for estimators that declare array-API support (ours take
# NumPy only); without SCIPY_ARRAY_API they would be skipped, and a skip is not a pass.
CHECKS = [
    pytest.param(est, check, id=f"{est!r}-{getattr(check, 'func', check).__name__}")
    for est in ESTIMATORS
    for est, check in estimator_checks_generator(est, legacy=True)
    if "array_api" not in getattr(check, "func", check).__name__
]


@pytest.mark.parametrize(("estimator", "check"), CHECKS)
def test_sklearn_conventions(estimator, check) -> None:  # type: ignore[no-untyped-def]
    check(estimator)


def test_init_stores_parameters_only_and_fit_learns_thresholds() -> None:
    est = ArrearsFeatures(maandlasten=[700.0, 140.0], quantile=0.5)
    assert est.get_params() == {"maandlasten": [700.0, 140.0], "quantile": 0.5}
    assert not hasattr(est, "thresholds_")
    X = np.array([[0.0, 140.0], [700.0, 280.0], [2100.0, 0.0], [1400.0, 140.0]])
    assert est.fit(X) is est
    # log(1 + bedrag / maandlast), clipped at the median of the non-zero values
    expected = np.quantile(np.log1p(np.array([1.0, 3.0, 2.0])), 0.5)
    assert est.thresholds_[0] == pytest.approx(expected)
    out = est.transform(X)
    assert out[0, 0] == 0.0 and out[2, 0] == pytest.approx(expected)
    # zorg: log1p of 1, 2, 1 month; the median clips 2 months back to 1
    assert out[1, 1] == pytest.approx(np.log1p(1.0)) == est.thresholds_[1]
    assert list(est.get_feature_names_out(["bedrag_huur", "bedrag_zorg"])) == [
        "bedrag_huur",
        "bedrag_zorg",
    ]


def test_refit_starts_from_scratch_and_bad_parameters_fail_in_fit() -> None:
    est = ArrearsFeatures()
    est.fit(np.array([[1.0], [2.0]]))
    est.fit(np.array([[1.0, 5.0], [2.0, 3.0]]))
    assert est.thresholds_.shape == (2,)
    with pytest.raises(ValueError):
        clone(est).set_params(quantile=2.0).fit(np.ones((3, 1)))
    with pytest.raises(ValueError):
        ArrearsFeatures(maandlasten=[1.0, 2.0]).fit(np.ones((3, 1)))


def test_clipped_log_keeps_rare_values_inside_the_common_range() -> None:
    days = np.concatenate([np.zeros(1), np.full(998, 45.0), np.full(1, 400.0)])[:, None]
    est = ClippedLog((0.01, 0.99)).fit(days)
    out = est.transform(np.array([[0.0], [45.0], [400.0], [-3.0]]))
    assert out[:, 0] == pytest.approx([np.log1p(45.0)] * 4)
    with pytest.raises(ValueError):
        ClippedLog((0.9, 0.1)).fit(days)
