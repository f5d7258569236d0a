# SPDX-License-Identifier: EUPL-1.2
"""The trained model behind vroegsignaal's one scoring interface (`Scorer`).

Vectorised over the whole batch: the pipeline calls it for every case a batch touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat

import numpy as np
from sklearn.calibration import CalibratedClassifierCV

from models.data import cases_to_arrays
from models.explain import LinearForm, linear_form, reasons
from models.features import case_table
from vroegsignaal.cases.features import CaseFeatures
from vroegsignaal.scoring import Score

CHUNK = 100_000  # cases per step: bounds memory at a few hundred MB for any batch size


class ModelScorer:
    """Calibrated eviction-risk probability plus its top reasons, in Dutch.

    `prioriteit` is the probability of an eviction judgment or eviction within 12 months;
    it only orders the queue. `model` is the registry version, so every queue item says
    which model scored it.
    """

    def __init__(self, estimator: CalibratedClassifierCV, version: str) -> None:
        self.version = version
        self.name = version
        self._form: LinearForm = linear_form(estimator)

    def probabilities(self, cases: Sequence[CaseFeatures]) -> np.ndarray:
        """The probabilities alone (the reasons are computed too; for benchmarks and checks)."""
        if not cases:
            return np.empty(0)
        chunks = range(0, len(cases), CHUNK)
        return np.concatenate([self._score_chunk(cases[i : i + CHUNK])[0] for i in chunks])

    def _score_chunk(
        self, cases: Sequence[CaseFeatures]
    ) -> tuple[np.ndarray, list[tuple[str, ...]]]:
        X = case_table(cases_to_arrays(cases))
        logit, contributions = self._form.logits_and_contributions(X)
        return 1.0 / (1.0 + np.exp(-logit)), reasons(X, contributions)

    def score(self, cases: Sequence[CaseFeatures]) -> list[Score]:
        out: list[Score] = []
        for i in range(0, len(cases), CHUNK):
            p, redenen = self._score_chunk(cases[i : i + CHUNK])
            out.extend(map(Score, p.tolist(), redenen, repeat(self.version)))
        return out
