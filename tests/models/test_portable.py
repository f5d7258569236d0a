# SPDX-License-Identifier: EUPL-1.2
"""The intake's NumPy form of the model gives the estimator's scores and reasons, and the
intake never needs scikit-learn, pandas or a pickle to use a promoted model."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.preprocessing import SplineTransformer

from models.casetable import case_matrix
from models.explain import linear_form
from models.features import case_table
from models.portable import (
    PORTABLE,
    PortableScorer,
    bspline_basis,
    load_portable,
    portable_form,
    promoted_scorer,
)
from models.registry import ModelRegistry, RegistryError, gate
from models.scorer import ModelScorer
from models.synthetic import SyntheticSet
from tests.models.conftest import Trained
from tests.models.test_registry import _report
from vroegsignaal.cases.features import CaseFeatures, CaseSignal

PARTNERS = ("Huur", "Hypotheek", "Energie", "Water", "Zorg", "CAK Zorgverzekeringen",
            "DUO", "Overige")


@pytest.mark.parametrize("degree", [1, 2, 3])
def test_bspline_basis_is_scikit_learns_with_constant_extrapolation(degree: int) -> None:
    rng = np.random.default_rng(degree)
    train = rng.uniform(0.0, 6.0, (500, 1))
    splines = SplineTransformer(n_knots=5, degree=degree, extrapolation="constant").fit(train)
    knots = splines.bsplines_[0].t
    x = np.concatenate([rng.uniform(-3.0, 9.0, 2000), knots, [train.min(), train.max()]])
    np.testing.assert_allclose(
        bspline_basis(x, knots, degree), splines.transform(x[:, None]), rtol=0, atol=1e-12
    )


def _random_cases(n: int, seed: int) -> list[CaseFeatures]:
    rng = np.random.default_rng(seed)
    day = dt.date(2026, 3, 2)
    out = []
    for _ in range(n):
        def signal(months_back: int) -> CaseSignal:
            ontstaan = day - dt.timedelta(days=int(rng.integers(20, 400)) + 30 * months_back)
            return CaseSignal(
                str(rng.choice(PARTNERS)), f"S{rng.integers(0, 6)}",
                int(rng.choice([0, 1, 40, 300, 1500, 9000, 250_000])),
                ontstaan, day - dt.timedelta(days=30 * months_back + int(rng.integers(0, 25))),
                bool(rng.random() < 0.1), bool(rng.random() < 0.1),
            )
        own = tuple(signal(0) for _ in range(int(rng.integers(1, 4))))
        history = tuple(signal(int(rng.integers(1, 8))) for _ in range(int(rng.integers(0, 5))))
        out.append(CaseFeatures(own, "enkelvoudig", max(s.signaaldatum for s in own), history))
    return out


def test_portable_scores_and_reasons_equal_the_estimators(trained: Trained) -> None:
    estimator = trained.registry.load(trained.version)
    form = linear_form(estimator)
    portable = portable_form(form)
    # Realistic cases: the whole held-out set, at the array level.
    X = case_matrix(trained.holdout.signals)
    want, want_c = form.logits_and_contributions(case_table(trained.holdout.signals))
    got, got_c = portable.logits_and_contributions(X)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
    np.testing.assert_allclose(got_c, want_c, rtol=0, atol=1e-9)
    # Odd cases through the scorers themselves: probabilities and Dutch reasons.
    cases = _random_cases(3000, seed=4)
    model = ModelScorer(estimator, "v").score(cases)
    numpy_only = PortableScorer(portable, "v").score(cases)
    np.testing.assert_allclose([s.prioriteit for s in numpy_only],
                               [s.prioriteit for s in model], rtol=1e-9, atol=1e-15)
    assert [s.redenen for s in numpy_only] == [s.redenen for s in model]


def test_the_registered_version_carries_its_checked_portable_form(trained: Trained) -> None:
    card = trained.version.card
    scorer = load_portable(trained.version.path)
    assert isinstance(scorer, PortableScorer) and scorer.version == trained.version.versie
    assert len(card["lineair_sha256"]) == 64


def _promoted_copy(trained: Trained, tmp_path: Path) -> tuple[Path, str]:
    root = tmp_path / "register"
    shutil.copytree(trained.registry.root, root)
    versie = trained.version.versie
    ModelRegistry(root).promote(versie, gate(_report(versie=versie), None), door="test")
    return root, versie


def test_the_intake_scores_a_promoted_model_without_scikit_learn(
    trained: Trained, tmp_path: Path
) -> None:
    root, versie = _promoted_copy(trained, tmp_path)
    (root / "versies" / versie / "model.joblib").unlink()  # the intake never reads it
    code = (
        "import sys\n"
        "from vroegsignaal.config import Settings\n"
        "from vroegsignaal.scoring import default_scorer\n"
        "import datetime as dt\n"
        "from vroegsignaal.cases.features import CaseFeatures, CaseSignal\n"
        f"s = default_scorer(Settings.model_construct(model_dir={str(root)!r}))\n"
        "d = dt.date\n"
        "sig = CaseSignal('Huur', 'W', 2600, d(2026, 1, 5), d(2026, 3, 2), True, False)\n"
        "score = s.score([CaseFeatures((sig,), 'enkelvoudig', sig.signaaldatum)])[0]\n"
        f"assert score.model == {versie!r} and score.redenen, score\n"
        "heavy = {'sklearn', 'scipy', 'pandas', 'joblib'}\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & heavy)\n"
        "assert not heavy, heavy\n"
        "print(type(s).__name__)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "PortableScorer"


def test_a_changed_portable_form_is_refused_and_the_rule_takes_over(
    trained: Trained, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root, versie = _promoted_copy(trained, tmp_path)
    path = root / "versies" / versie / PORTABLE
    data = json.loads(path.read_text())
    data["offset"] += 5.0  # everyone at the top of the queue
    path.write_text(json.dumps(data))
    assert promoted_scorer(root) is None
    assert "cannot be used" in caplog.text


def test_an_older_version_without_the_portable_form_is_scored_from_its_estimator(
    trained: Trained, tmp_path: Path
) -> None:
    root, versie = _promoted_copy(trained, tmp_path)
    (root / "versies" / versie / PORTABLE).unlink()
    scorer = promoted_scorer(root)
    assert isinstance(scorer, ModelScorer) and scorer.version == versie


def test_registration_refuses_a_form_that_differs_from_the_estimator(
    small_set: SyntheticSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import models.portable

    real = models.portable.portable_form

    def off_by_a_little(form):  # type: ignore[no-untyped-def]
        p = real(form)
        return type(p)(**{**p.__dict__, "offset": p.offset + 1e-6})

    monkeypatch.setattr(models.portable, "portable_form", off_by_a_little)
    registry = ModelRegistry(tmp_path / "r")
    with pytest.raises(RegistryError, match="wijkt af"):
        registry.train_candidate(small_set.frame)
    assert registry.versions() == []
