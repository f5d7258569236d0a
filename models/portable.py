# SPDX-License-Identifier: EUPL-1.2
"""The promoted model as the intake runs it: its linear form in NumPy, no scikit-learn.

The model is a logistic regression on per-feature transforms with Platt scaling
(models/pipeline.py), so scoring needs only the fitted parameters: clip bounds, spline
knots, coefficients, the reference case and the offset. Training writes them to
`lineair.json` beside the pickled estimator and checks, before it registers the version,
that this form gives the estimator's log-odds and contributions to 1e-9. The intake then

- imports neither scikit-learn, SciPy nor pandas (a consumer stays under 300 MB resident
  with a model promoted, instead of about 350 MB), and
- never unpickles: it reads JSON whose sha256 the model card records.

Versions registered before `lineair.json` existed are scored through the registry (the
pickled estimator) as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np

from models.casetable import (
    BEDRAG_FEATURES,
    GROEPEN,
    MAANDLAST,
    RAW_FEATURES,
    TELLING_FEATURES,
    VLAG_FEATURES,
    case_matrix,
    cases_to_arrays,
)
from models.reasons import reasons
from vroegsignaal.cases.features import CaseFeatures
from vroegsignaal.scoring import PROMOTED_POINTER, Score

log = logging.getLogger(__name__)

FORMAT = "vroegsignaal-lineair-1"
PORTABLE = "lineair.json"
CARD_JSON = "model_card.json"
CHUNK = 100_000  # cases per step, as models/scorer.py
_B = slice(0, len(BEDRAG_FEATURES))
_T = slice(_B.stop, _B.stop + len(TELLING_FEATURES))
_V = slice(_T.stop, _T.stop + len(VLAG_FEATURES))


def bspline_basis(x: np.ndarray, knots: np.ndarray, degree: int) -> np.ndarray:
    """All B-spline basis functions at x (de Boor's triangle), constant outside the base
    interval: scikit-learn's SplineTransformer(extrapolation="constant"), bias included."""
    t = np.asarray(knots, dtype=float)
    n_bases = t.size - degree - 1
    x = np.clip(np.asarray(x, dtype=float), t[degree], t[n_bases])
    span = np.clip(np.searchsorted(t, x, side="right") - 1, degree, n_bases - 1)
    n = x.size
    basis = np.zeros((n, degree + 1))
    basis[:, 0] = 1.0
    left = np.zeros((n, degree + 1))
    right = np.zeros((n, degree + 1))
    for j in range(1, degree + 1):
        left[:, j] = x - t[span + 1 - j]
        right[:, j] = t[span + j] - x
        saved = np.zeros(n)
        for r in range(j):
            temp = basis[:, r] / (right[:, r + 1] + left[:, j - r])
            basis[:, r] = saved + right[:, r + 1] * temp
            saved = left[:, j - r] * temp
        basis[:, j] = saved
    out = np.zeros((n, n_bases))
    rows = np.arange(n)
    for r in range(degree + 1):
        out[rows, span - degree + r] = basis[:, r]
    return out


def additive_terms(
    T: np.ndarray, beta: np.ndarray, reference: np.ndarray, offset: float,
    column_feature: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Log-odds and per-raw-feature contributions from transformed columns T: each raw
    feature's columns summed in one matrix product."""
    grouping = np.zeros((beta.size, len(RAW_FEATURES)))
    grouping[np.arange(beta.size), column_feature] = beta
    contributions = (T - reference) @ grouping
    return offset + contributions.sum(axis=1), contributions


@dataclass(frozen=True)
class PortableForm:
    """offset + sum over transformed columns of beta * (column - reference), per raw feature."""

    maandlast: np.ndarray  # per arrears feature: the typical monthly bill
    bedrag_max: np.ndarray  # per arrears feature: the learned upper clip (log months)
    telling_lower: np.ndarray  # per count feature: learned clip bounds of log(1 + x)
    telling_upper: np.ndarray
    knots: tuple[np.ndarray, ...]  # per count feature: the spline knot vector
    degree: int
    beta: np.ndarray  # per transformed column
    reference: np.ndarray  # per transformed column
    offset: float
    column_feature: np.ndarray  # raw-feature index of each transformed column

    def transform(self, X: np.ndarray) -> np.ndarray:
        """The ColumnTransformer of models/pipeline.py on a `case_matrix`."""
        b = np.asarray(X[:, _B], dtype=float)
        logged = np.clip(np.log1p(np.maximum(X[:, _T], 0.0)), self.telling_lower,
                         self.telling_upper)
        parts = [
            np.minimum(np.log1p(np.maximum(b, 0.0) / self.maandlast), self.bedrag_max),
            (b > 0).astype(float),
            # SplineTransformer(include_bias=False) drops the last basis of each feature.
            *(bspline_basis(logged[:, j], k, self.degree)[:, :-1]
              for j, k in enumerate(self.knots)),
            np.asarray(X[:, _V], dtype=float),
        ]
        return np.hstack(parts)

    def logits_and_contributions(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated log-odds (n,) and contributions per raw feature (n, len(RAW_FEATURES))."""
        return additive_terms(self.transform(X), self.beta, self.reference, self.offset,
                              self.column_feature)

    def as_dict(self) -> dict[str, Any]:
        return {
            "formaat": FORMAT,
            "kenmerken": list(RAW_FEATURES),
            "maandlast": self.maandlast.tolist(),
            "bedrag_max": self.bedrag_max.tolist(),
            "telling_ondergrens": self.telling_lower.tolist(),
            "telling_bovengrens": self.telling_upper.tolist(),
            "knopen": [k.tolist() for k in self.knots],
            "graad": self.degree,
            "beta": self.beta.tolist(),
            "referentie": self.reference.tolist(),
            "offset": self.offset,
            "kolom_kenmerk": self.column_feature.tolist(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PortableForm:
        if data.get("formaat") != FORMAT or list(data.get("kenmerken", ())) != list(RAW_FEATURES):
            raise ValueError("not a linear form this version of vroegsignaal can score with")
        f = np.asarray
        return cls(
            maandlast=f(data["maandlast"], dtype=float),
            bedrag_max=f(data["bedrag_max"], dtype=float),
            telling_lower=f(data["telling_ondergrens"], dtype=float),
            telling_upper=f(data["telling_bovengrens"], dtype=float),
            knots=tuple(f(k, dtype=float) for k in data["knopen"]),
            degree=int(data["graad"]),
            beta=f(data["beta"], dtype=float),
            reference=f(data["referentie"], dtype=float),
            offset=float(data["offset"]),
            column_feature=f(data["kolom_kenmerk"], dtype=np.int64),
        )


def portable_form(form: Any) -> PortableForm:
    """Read the fitted transforms out of a `models.explain.LinearForm` (attribute access
    only; the equality with the estimator is checked by the registry before it stores it)."""
    kenmerken = form.kenmerken
    bedrag = kenmerken.named_transformers_["bedrag"]
    telling = kenmerken.named_transformers_["telling"]
    splines = telling.named_steps["vorm"]
    if splines.extrapolation != "constant" or splines.include_bias:
        raise ValueError("expects SplineTransformer(extrapolation='constant', include_bias=False)")
    return PortableForm(
        maandlast=np.asarray([MAANDLAST[g] for g in GROEPEN], dtype=float),
        bedrag_max=np.asarray(bedrag.thresholds_, dtype=float),
        telling_lower=np.asarray(telling.named_steps["log"].lower_, dtype=float),
        telling_upper=np.asarray(telling.named_steps["log"].upper_, dtype=float),
        knots=tuple(np.asarray(s.t, dtype=float) for s in splines.bsplines_),
        degree=int(splines.degree),
        beta=np.asarray(form.beta, dtype=float),
        reference=np.asarray(form.reference, dtype=float),
        offset=float(form.offset),
        column_feature=np.asarray(form.column_feature, dtype=np.int64),
    )


def write_portable(form: PortableForm, directory: Path) -> str:
    """Write `lineair.json` into a version directory; returns its sha256."""
    data = json.dumps(form.as_dict(), indent=1).encode()
    (directory / PORTABLE).write_bytes(data)
    return hashlib.sha256(data).hexdigest()


class PortableScorer:
    """The promoted model's probabilities and Dutch reasons, as `models.scorer.ModelScorer`
    computes them, from the linear form alone."""

    def __init__(self, form: PortableForm, version: str) -> None:
        self.form = form
        self.version = version
        self.name = version

    def score(self, cases: Sequence[CaseFeatures]) -> list[Score]:
        out: list[Score] = []
        for i in range(0, len(cases), CHUNK):
            X = case_matrix(cases_to_arrays(cases[i : i + CHUNK]))
            logit, contributions = self.form.logits_and_contributions(X)
            p = 1.0 / (1.0 + np.exp(-logit))
            out.extend(map(Score, p.tolist(), reasons(X, contributions), repeat(self.version)))
        return out


def load_portable(version_dir: Path) -> PortableScorer | None:
    """The version's portable scorer; None when it has no `lineair.json` (older version).
    Refused when the file's hash differs from the one in its model card."""
    path = version_dir / PORTABLE
    if not path.is_file():
        return None
    card = json.loads((version_dir / CARD_JSON).read_text(encoding="utf-8"))
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != card.get("lineair_sha256"):
        raise ValueError(f"{PORTABLE} of {version_dir.name} was changed (hash does not match)")
    return PortableScorer(PortableForm.from_dict(json.loads(data)), version_dir.name)


_cache: dict[str, tuple[tuple[int, int], Any]] = {}
_cache_lock = threading.Lock()


def promoted_scorer(root: str | Path) -> Any:
    """The promoted model's scorer, loaded once per promotion; None when none is promoted.

    Checks the pointer file's modification time on every call (one stat), so a promotion
    or withdrawal takes effect at the next batch without a restart. A model that fails to
    load is logged once and yields None: the caller falls back to the rule.
    """
    pointer = Path(root) / PROMOTED_POINTER
    try:
        st = pointer.stat()
    except FileNotFoundError:
        return None
    except OSError:
        log.exception("model registry %s cannot be read; scoring with the rule", root)
        return None
    key = str(pointer.resolve())
    stamp = (st.st_mtime_ns, st.st_size)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            versie = json.loads(pointer.read_text(encoding="utf-8"))["versie"]
            if not isinstance(versie, str) or "/" in versie or versie.startswith("."):
                raise ValueError("invalid version in the promotion pointer")
            scorer: Any = load_portable(Path(root) / "versies" / versie)
            if scorer is None:
                from models.registry import ModelRegistry  # the pickled estimator

                registry = ModelRegistry(root)
                scorer = registry.scorer(versie)
        except Exception:
            log.exception("promoted model in %s cannot be used; scoring with the rule", root)
            scorer = None
        _cache[key] = (stamp, scorer)
        return scorer
