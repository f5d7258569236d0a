# SPDX-License-Identifier: EUPL-1.2
"""Reason codes: exact contributions of the calibrated model, shown in plain Dutch."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from models.data import cases_to_arrays
from models.explain import GEEN_REDEN, MAX_REDENEN, linear_form, reasons
from models.features import RAW_FEATURES, case_table
from models.scorer import ModelScorer
from tests.models.conftest import Trained
from vroegsignaal.cases.features import CaseFeatures, CaseSignal

D = dt.date


def _sample(trained: Trained, n: int = 20_000) -> pd.DataFrame:
    return case_table(trained.holdout.signals).head(n)


def test_linear_form_reproduces_predict_proba_exactly(trained: Trained) -> None:
    estimator = trained.registry.load(trained.version)
    X = _sample(trained)
    logit, contributions = linear_form(estimator).logits_and_contributions(X)
    p = 1 / (1 + np.exp(-logit))
    np.testing.assert_allclose(p, estimator.predict_proba(X)[:, 1], rtol=1e-9, atol=1e-12)
    assert contributions.shape == (len(X), len(RAW_FEATURES))


def test_contributions_are_relative_to_the_average_case(trained: Trained) -> None:
    estimator = trained.registry.load(trained.version)
    X = case_table(trained.train.frame.pipe(_labelled).signals)
    _, contributions = linear_form(estimator).logits_and_contributions(X)
    # The reference is the training mean of every transformed column, so on the training
    # data each feature's contributions average to zero.
    np.testing.assert_allclose(contributions.mean(axis=0), 0.0, atol=1e-9)


def _labelled(frame: pd.DataFrame):
    from models.data import labelled_cases

    return labelled_cases(frame)


def _case(*signals: CaseSignal, historie: tuple[CaseSignal, ...] = ()) -> CaseFeatures:
    return CaseFeatures(signals, "enkelvoudig", max(s.signaaldatum for s in signals), historie)


def _sig(partner: str, bedrag: int, *, crisis: bool = False, code: str = "X") -> CaseSignal:
    return CaseSignal(
        partner, f"{code}-{partner}", bedrag, D(2026, 1, 15), D(2026, 3, 2), crisis, False
    )


@pytest.fixture(scope="module")
def scorer(trained: Trained) -> ModelScorer:
    return trained.registry.scorer(trained.version)


def test_a_threatened_eviction_shows_both_reasons(scorer: ModelScorer) -> None:
    crisis, plain = scorer.score(
        [_case(_sig("Huur", 2600, crisis=True)), _case(_sig("Huur", 2600))]
    )
    assert "Crisissignaal: dreigende huisuitzetting" in crisis.redenen
    assert crisis.redenen[0] == plain.redenen[0]  # the largest contribution first
    assert plain.redenen[0] == (
        "Huurachterstand van € 2.600 (ongeveer 3,7 keer een gemiddelde maandhuur)"
    )
    # About 4 months of rent in arrears: twice the average risk; a crisis signal on top
    # multiplies the odds (the generator's process: about 6 times).
    assert crisis.prioriteit > 3 * plain.prioriteit > 0.03
    assert crisis.model == plain.model == scorer.version


def test_reasons_are_plain_dutch_and_at_most_three(scorer: ModelScorer) -> None:
    cases = [
        _case(_sig("Zorg", 300)),
        _case(_sig("Huur", 1500), _sig("Energie", 600), _sig("Water", 150), _sig("Zorg", 500)),
        _case(
            _sig("Energie", 900, crisis=True),
            historie=(
                CaseSignal(
                    "Energie", "X-Energie", 400, D(2025, 11, 1), D(2026, 1, 5), False, False
                ),
            ),
        ),
    ]
    low, many, grown = scorer.score(cases)
    assert low.redenen == (GEEN_REDEN,) or all("€" in r for r in low.redenen)
    assert 1 <= len(many.redenen) <= MAX_REDENEN
    assert "4 schuldeisers met een openstaande achterstand" in many.redenen
    assert many.prioriteit > low.prioriteit
    assert any("gegroeid" in r or "Crisissignaal" in r for r in grown.redenen)
    for r in low.redenen + many.redenen + grown.redenen:
        assert r[0].isupper() or r[0].isdigit()
        assert not any(w in r.lower() for w in ("feature", "score", "logit", "bedrag_"))


def test_only_present_features_that_raise_the_risk_become_reasons(trained: Trained) -> None:
    estimator = trained.registry.load(trained.version)
    X = _sample(trained, 5000)
    _, contributions = linear_form(estimator).logits_and_contributions(X)
    texts = reasons(X, contributions)
    values = X.to_numpy()
    for i in range(0, 5000, 97):
        order = np.argsort(-contributions[i])
        expected = [j for j in order if contributions[i, j] >= 0.05 and values[i, j] > 0][
            :MAX_REDENEN
        ]
        assert len(texts[i]) == max(1, len(expected))
        if not expected:
            assert texts[i] == (GEEN_REDEN,)


def test_scores_are_the_model_probabilities_in_input_order(
    trained: Trained, scorer: ModelScorer
) -> None:
    cases = [_case(_sig("Zorg", b)) for b in (100, 5000)] + [_case(_sig("Huur", 3000))]
    scores = scorer.score(cases)
    estimator = trained.registry.load(trained.version)
    expected = estimator.predict_proba(case_table(cases_to_arrays(cases)))[:, 1]
    np.testing.assert_allclose([s.prioriteit for s in scores], expected, rtol=1e-9)
    assert scorer.score([]) == []
