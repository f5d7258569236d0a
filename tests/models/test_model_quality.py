# SPDX-License-Identifier: EUPL-1.2
"""Issue 4, "What it must show", on a held-out generated data set with fixed seeds.

AUC at least 0.97 of the ideal AUC, expected calibration error under 0.03, lift at 20%
capacity at least 1.2 times the largest-amount baseline, true-positive-rate gap across
age bands under 0.05; and the gate passes such a model.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from models.evaluate import expected_ideal_auc, summary
from tests.models.conftest import Trained


def test_auc_is_at_least_97_percent_of_the_ideal(trained: Trained) -> None:
    ideal = trained.report["ideaal"]
    assert ideal["auc"] > 0.85  # the truth itself separates well: the bar is high
    assert ideal["auc_verhouding"] >= 0.97
    assert trained.report["auc"] == pytest.approx(ideal["auc"] * ideal["auc_verhouding"])


def test_probabilities_are_calibrated(trained: Trained) -> None:
    r = trained.report
    assert r["ece"] < 0.03
    # Calibrated in the large too: predicted and observed number of judgments agree.
    predicted = sum(b["gemiddelde_kans"] * b["zaken"] for b in r["kalibratie"])
    observed = r["data"]["positieven"]
    assert abs(predicted - observed) < 4 * np.sqrt(observed)
    assert r["brier"] < r["data"]["basisrate"] * (1 - r["data"]["basisrate"])


@pytest.mark.parametrize("capacity", ["0.1", "0.2"])
def test_the_queue_beats_both_baselines(trained: Trained, capacity: str) -> None:
    ratio = trained.report["lift_verhouding"][capacity]
    if capacity == "0.2":
        assert ratio["grootste_bedrag"] >= 1.2  # the bar
    assert ratio["grootste_bedrag"] > 1.0
    assert ratio["nieuwste_eerst"] > 2.0  # newest first is about random for risk
    row = trained.report["capaciteit"][capacity]
    assert row["model"]["lift"] <= row["ideaal"]["lift"] + 0.05


def test_true_positive_rate_gap_across_age_bands_is_under_005(trained: Trained) -> None:
    age = trained.report["eerlijkheid"]["leeftijdsband"]
    judged = [g for g, v in age["groepen"].items() if v["tpr_beoordeeld"]]
    assert {"18-29", "30-44", "45-64"} <= set(judged)  # the large bands are all judged
    assert age["tpr_verschil"]["0.2"] < 0.05
    assert age["kalibratieverschil"] < 0.05


def test_calibration_holds_per_creditor_type(trained: Trained) -> None:
    block = trained.report["eerlijkheid"]["schuldeisertype"]
    assert block["kalibratieverschil"] < 0.05
    # Rent arrears are the main documented predictor: the model ranks them higher.
    groups = block["groepen"]
    assert groups["huur"]["gemiddelde_kans"] > 3 * groups["zorg"]["gemiddelde_kans"]


def test_the_gate_promotes_this_model(trained: Trained) -> None:
    decision = trained.registry.gate(trained.report, None)
    assert decision.promoveren, decision.redenen


def test_expected_ideal_auc_matches_the_realised_one(trained: Trained) -> None:
    ideal = trained.report["ideaal"]
    assert ideal["auc_verwacht"] == pytest.approx(ideal["auc"], abs=0.01)


def test_expected_ideal_auc_formula() -> None:
    # Against the brute-force expectation over all labelings of a tiny data set.
    p = np.array([0.1, 0.1, 0.4, 0.7, 0.9])
    num = den = 0.0
    for i in range(p.size):
        for j in range(p.size):
            if i != j:
                w = p[i] * (1 - p[j])
                den += w
                num += w * (1.0 if p[i] > p[j] else 0.5 if p[i] == p[j] else 0.0)
    assert expected_ideal_auc(p) == pytest.approx(num / den)
    # And by simulation: the mean realised AUC of the true probability.
    rng = np.random.default_rng(0)
    q = rng.beta(0.5, 8, size=4000)
    aucs = [roc_auc_score(rng.random(q.size) < q, q) for _ in range(200)]
    assert expected_ideal_auc(q) == pytest.approx(np.mean(aucs), abs=0.005)


def test_report_is_stored_with_the_version_and_json(trained: Trained) -> None:
    v = trained.version
    stored = trained.registry.report(v, trained.holdout.fingerprint)
    assert stored is not None and stored["versie"] == v.versie
    assert json.loads(json.dumps(stored)) == stored
    card = v.card
    assert card["laatste_evaluatie"]["metrics"] == pytest.approx(summary(stored), nan_ok=True)
    assert set(card["laatste_evaluatie"]["eerlijkheid"]) == {"leeftijdsband", "schuldeisertype"}
    assert (v.path / "model-card.md").read_text().startswith("# Model card")
