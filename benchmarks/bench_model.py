# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: train the eviction-risk model on 1,000,000 cases and score 1,000,000 cases.

Writes benchmarks/results/model.json. Targets (issue 4): scoring 1,000,000 cases in under
10 s, training on 1,000,000 cases in under 2 minutes, on this 2-core machine.

    .venv/bin/python benchmarks/bench_model.py [--cases 1000000] [--seed 5]

The labelled data set is generated once (about 2.3 times the national signal rate over
all municipalities for 12 months) and cached under var/bench/. Scoring is timed through
the intake's interface, `Scorer.score(list[CaseFeatures])`: building the 1,000,000
`CaseFeatures` objects is not timed (the pipeline has them already); turning them into
arrays, features, probabilities and Dutch reasons is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import pickle
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.memory import PeakMemory  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
CACHE = ROOT / "var" / "bench"
NATIONAL_CASES_PER_YEAR = 440_000  # labelled cases of a 12-month national run at scale 1


def _labelled(n: int, seed: int) -> tuple[object, float]:
    """A labelled frame of at least n cases (cached), and the seconds it took to make."""
    import pandas as pd

    from models.synthetic import training_set

    path = CACHE / f"model-cases-{n}-seed{seed}.pkl"
    if path.exists():
        with path.open("rb") as f:
            return pickle.load(f), 0.0
    t0 = time.perf_counter()
    scale = n / NATIONAL_CASES_PER_YEAR * 1.03
    frame = training_set(seed=seed, scale=scale, progress=print).frame
    ids = frame["zaak"].drop_duplicates()
    frame = frame[frame["zaak"].isin(ids.head(n))].reset_index(drop=True)
    assert isinstance(frame, pd.DataFrame)
    seconds = time.perf_counter() - t0
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as f:
        pickle.dump(frame, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.rename(path)
    return frame, seconds


def _case_features(frame: object) -> list:
    """The frame as the pipeline's `CaseFeatures` (not timed)."""
    from vroegsignaal.cases.features import CaseFeatures, CaseSignal

    cols = [
        frame[c].tolist()  # type: ignore[index]
        for c in (
            "zaak",
            "historie",
            "signaalpartner",
            "schuldeiser",
            "bedrag",
            "ontstaansdatum",
            "signaaldatum",
            "crisissignaal",
            "warme_overdracht",
        )
    ]
    own: dict[int, list] = {}
    hist: dict[int, list] = {}
    for zaak, h, p, s, b, o, d, c, w in zip(*cols, strict=True):
        sig = CaseSignal(p, s, int(b), o.date(), d.date(), bool(c), bool(w))
        (hist if h else own).setdefault(zaak, []).append(sig)
    return [
        CaseFeatures(
            tuple(signals),
            "enkelvoudig",
            max(x.signaaldatum for x in signals),
            tuple(hist.get(zaak, ())),
        )
        for zaak, signals in own.items()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="scoring runs; the best counts")
    args = parser.parse_args()
    load_at_start = os.getloadavg()

    from models.data import labelled_cases
    from models.features import case_table
    from models.portable import load_portable
    from models.registry import ModelRegistry
    from models.train import train

    frame, generate_s = _labelled(args.cases, args.seed)
    rows = len(frame)  # type: ignore[arg-type]

    # Training: from the frame in memory to a fitted, calibrated model.
    gc.collect()
    with PeakMemory() as train_memory:
        t0 = time.perf_counter()
        cases = labelled_cases(frame)  # type: ignore[arg-type]
        t_check = time.perf_counter()
        trained = train(cases)  # features, 3 out-of-fold fits for calibration, final fit
        t_train = time.perf_counter()
    t_features = time.perf_counter()
    X = case_table(cases.signals)
    features_seconds = time.perf_counter() - t_features

    registry = ModelRegistry(tempfile.mkdtemp(prefix="bench-model-"))
    version = registry.register(trained)
    scorer = load_portable(version.path)  # what the intake scores with
    assert scorer is not None
    estimator_scorer = registry.scorer(version)  # the fitted estimator (evaluation)

    features = _case_features(frame)
    del frame, X
    gc.collect()
    n = len(features)
    runs = []
    with PeakMemory() as score_memory:
        for _ in range(args.repeat):
            s0 = time.perf_counter()
            scores = scorer.score(features)
            runs.append(time.perf_counter() - s0)
            assert len(scores) == n
            del scores
    score_seconds = min(runs)
    s0 = time.perf_counter()
    estimator_scorer.score(features)
    estimator_seconds = time.perf_counter() - s0
    s0 = time.perf_counter()
    estimator_scorer.probabilities(features)
    probabilities_seconds = time.perf_counter() - s0

    result = {
        "benchmark": "model",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cases": cases.n_cases,
        "signal_rows": rows,
        "positives": int(cases.uitkomst.sum()),  # type: ignore[union-attr]
        "training": {
            "seconds_total": round(t_train - t0, 2),
            "seconds_check_format": round(t_check - t0, 2),
            "seconds_features": round(features_seconds, 2),
            "seconds_fit_and_calibrate": round(t_train - t_check - features_seconds, 2),
            "peak_rss_mb": train_memory.peak_total_mb,
        },
        "scoring": {
            "scorer": "PortableScorer (models/portable.py), as the intake runs it",
            "cases": n,
            "seconds_score_with_reasons": round(score_seconds, 2),
            "seconds_each_run": [round(r, 2) for r in runs],
            "cases_per_second": round(n / score_seconds),
            "seconds_fitted_estimator_with_reasons": round(estimator_seconds, 2),
            "seconds_fitted_estimator_probabilities_only": round(probabilities_seconds, 2),
            "peak_rss_mb": score_memory.peak_total_mb,
        },
        "targets": {"training_seconds": 120, "scoring_seconds": 10},
        "generate_seconds_if_not_cached": round(generate_s, 2),
        "model_version": version.versie,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in load_at_start],
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "note": "Shared 2-core machine; other jobs may run at the same time (see load). "
        "Scoring: the best of the runs; training: one run.",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "model.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
