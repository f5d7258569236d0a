# SPDX-License-Identifier: EUPL-1.2
"""Measure a risk score against outcomes: discrimination, calibration, use at the team's
capacity against two baselines, and fairness across age bands and creditor types.

Everything returns plain JSON-ready dicts; `evaluation_report` is what the registry stores
and the model card, the gate and the Algoritmeregister entry read.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score

from models.data import LabelledCases
from models.features import GROEPEN, SignalArrays

CAPACITEITEN: tuple[float, ...] = (0.1, 0.2)  # share of the queue a team reaches first
ECE_BINS = 15


@dataclass(frozen=True)
class EvaluationSettings:
    capaciteiten: tuple[float, ...] = CAPACITEITEN
    ece_bins: int = ECE_BINS
    # A group's true-positive rate is judged only with this many positives: below it, the
    # rate's sampling error alone (about 0.035 at 150) could exceed the 0.05 gap limit.
    min_positieven: int = 400
    # A group's calibration is judged only with this many cases.
    min_zaken: int = 1000
    seed: int = 0  # tie-breaking order among equal scores


def expected_ideal_auc(p: np.ndarray) -> float:
    """Expected AUC of the true probability itself: the Bayes-optimal AUC of a data set.

    Over all ordered pairs of distinct cases (i, j): P(i positive, j negative) = p_i (1-p_j);
    the true probability ranks the pair right when p_i > p_j (ties count half).
    """
    p = np.sort(np.asarray(p, dtype=float))
    q = 1.0 - p
    # For each distinct value: negatives-mass strictly below, and mass at the same value.
    _, start, counts = np.unique(p, return_index=True, return_counts=True)
    q_cum = np.concatenate(([0.0], np.cumsum(q)))
    below = q_cum[start]
    same = q_cum[start + counts] - below
    p_sum = np.add.reduceat(p, start)
    pq_same = np.add.reduceat(p * q, start)
    numerator = float(np.sum(p_sum * below) + 0.5 * np.sum(p_sum * same - pq_same))
    denominator = float(p.sum() * q.sum() - np.sum(p * q))
    return numerator / denominator if denominator > 0 else math.nan


def calibration_table(
    y: np.ndarray, p: np.ndarray, bins: int = ECE_BINS
) -> tuple[float, list[dict[str, float]]]:
    """Expected calibration error over equal-count bins, and the bins themselves."""
    order = np.argsort(p, kind="stable")
    rows = []
    ece = 0.0
    for part in np.array_split(order, bins):
        if part.size == 0:
            continue
        mean_p, observed = float(p[part].mean()), float(y[part].mean())
        ece += part.size / p.size * abs(mean_p - observed)
        rows.append({"zaken": int(part.size), "gemiddelde_kans": mean_p, "waargenomen": observed})
    return float(ece), rows


def top_share(score: np.ndarray, share: float, tiebreak: np.ndarray) -> np.ndarray:
    """Mask of the first `share` of the queue when ordered by score (highest first)."""
    n = score.size
    k = max(1, math.ceil(share * n))
    order = np.lexsort((tiebreak, -score))
    mask = np.zeros(n, dtype=bool)
    mask[order[:k]] = True
    return mask


def at_capacity(y: np.ndarray, selected: np.ndarray) -> dict[str, float]:
    base = float(y.mean())
    precision = float(y[selected].mean())
    positives = int(y.sum())
    return {
        "precisie": precision,
        "lift": precision / base if base > 0 else math.nan,
        "tpr": float(y[selected].sum() / positives) if positives else math.nan,
    }


def own_case_amount(s: SignalArrays) -> np.ndarray:
    """The amount in the case's own signals: what a 'largest amount first' queue sorts on."""
    case = ~s.historie
    return np.bincount(s.zaak[case], weights=s.bedrag[case], minlength=s.n_cases)


def creditor_groups(s: SignalArrays) -> dict[str, np.ndarray]:
    """Per creditor type: which cases have a signal of that type (overlapping groups)."""
    case = ~s.historie
    out = {}
    for i, name in enumerate(GROEPEN):
        mask = np.zeros(s.n_cases, dtype=bool)
        mask[s.zaak[case & (s.groep == i)]] = True
        out[name] = mask
    return out


def fairness(
    y: np.ndarray,
    p: np.ndarray,
    groups: Mapping[str, np.ndarray],
    selected: Mapping[str, np.ndarray],
    settings: EvaluationSettings,
) -> dict[str, Any]:
    """TPR at each capacity and calibration per group; gaps over the groups large enough.

    A gap is None when fewer than two groups are large enough to judge: then fairness is
    not measured, and the gate refuses.
    """
    per_group: dict[str, dict[str, Any]] = {}
    for name, mask in groups.items():
        n, positives = int(mask.sum()), int(y[mask].sum())
        if n == 0:
            continue
        mean_p, observed = float(p[mask].mean()), float(y[mask].mean())
        tpr = {
            k: float(y[mask & sel].sum() / positives) if positives else math.nan
            for k, sel in selected.items()
        }
        per_group[name] = {
            "zaken": n,
            "positieven": positives,
            "gemiddelde_kans": mean_p,
            "waargenomen": observed,
            "kalibratieverschil": abs(mean_p - observed),
            "tpr": tpr,
            # binomial standard error: how much of a gap sampling alone can explain
            "tpr_se": {
                k: math.sqrt(t * (1 - t) / positives) if positives else math.nan
                for k, t in tpr.items()
            },
            "tpr_beoordeeld": positives >= settings.min_positieven,
            "kalibratie_beoordeeld": n >= settings.min_zaken,
        }
    judged = [g["tpr"] for g in per_group.values() if g["tpr_beoordeeld"]]
    tpr_gap = {
        k: max(t[k] for t in judged) - min(t[k] for t in judged) if len(judged) >= 2 else None
        for k in selected
    }
    calibrated = [g["kalibratieverschil"] for g in per_group.values() if g["kalibratie_beoordeeld"]]
    return {
        "groepen": per_group,
        "tpr_verschil": tpr_gap,
        "kalibratieverschil": max(calibrated) if calibrated else None,
    }


def _key(share: float) -> str:
    return f"{share:g}"


def evaluation_report(
    cases: LabelledCases,
    p: np.ndarray,
    *,
    settings: EvaluationSettings | None = None,
) -> dict[str, object]:
    """All metrics of one score on one labelled data set."""
    cfg = settings or EvaluationSettings()
    if cases.uitkomst is None:
        raise ValueError("evaluation needs labelled cases (kolom uitkomst)")
    y = cases.uitkomst.astype(float)
    if y.min() == y.max():
        raise ValueError("evaluation needs both outcomes in the data")
    s = cases.signals
    tiebreak = np.random.default_rng(cfg.seed).permutation(cases.n_cases)
    scores: dict[str, np.ndarray] = {
        "model": p,
        "nieuwste_eerst": s.peildatum.astype(float),
        "grootste_bedrag": own_case_amount(s),
    }
    if cases.p_waar is not None:
        scores["ideaal"] = cases.p_waar
    capacity: dict[str, dict[str, dict[str, float]]] = {}
    selected_model: dict[str, np.ndarray] = {}
    for share in cfg.capaciteiten:
        k = _key(share)
        capacity[k] = {}
        for name, score in scores.items():
            sel = top_share(score, share, tiebreak)
            capacity[k][name] = at_capacity(y, sel)
            if name == "model":
                selected_model[k] = sel
    lift_ratio = {
        k: {
            base: row["model"]["lift"] / row[base]["lift"]
            for base in ("nieuwste_eerst", "grootste_bedrag")
        }
        for k, row in capacity.items()
    }
    ece, bins = calibration_table(y, p, cfg.ece_bins)
    auc = float(roc_auc_score(y, p))
    report: dict[str, object] = {
        "data": {
            "fingerprint": cases.fingerprint,
            "zaken": cases.n_cases,
            "positieven": int(y.sum()),
            "basisrate": float(y.mean()),
        },
        "auc": auc,
        "brier": float(brier_score_loss(y, p)),
        "ece": ece,
        "kalibratie": bins,
        "capaciteit": capacity,
        "lift_verhouding": lift_ratio,
        "instellingen": {
            "capaciteiten": list(cfg.capaciteiten),
            "ece_bins": cfg.ece_bins,
            "min_positieven": cfg.min_positieven,
            "min_zaken": cfg.min_zaken,
        },
    }
    if cases.p_waar is not None:
        ideal = float(roc_auc_score(y, cases.p_waar))
        report["ideaal"] = {
            "auc": ideal,
            "auc_verwacht": expected_ideal_auc(cases.p_waar),
            "auc_verhouding": auc / ideal,
            "brier": float(brier_score_loss(y, cases.p_waar)),
        }
    groups: dict[str, dict[str, np.ndarray]] = {"schuldeisertype": creditor_groups(s)}
    if cases.leeftijdsband is not None:
        bands = np.asarray(cases.leeftijdsband, dtype=str)
        groups["leeftijdsband"] = {b: bands == b for b in sorted(set(bands.tolist()))}
    report["eerlijkheid"] = {
        attr: fairness(y, p, g, selected_model, cfg) for attr, g in groups.items()
    }
    return report


def summary(report: Mapping[str, object], capaciteiten: Sequence[float] = CAPACITEITEN) -> dict:
    """The headline figures of a report, flat, for progress output and the gate."""
    out: dict[str, float] = {"auc": report["auc"], "brier": report["brier"], "ece": report["ece"]}  # type: ignore[dict-item]
    ideaal = report.get("ideaal")
    if isinstance(ideaal, Mapping):
        out["auc_ideaal"] = ideaal["auc"]
        out["auc_verhouding"] = ideaal["auc_verhouding"]
    for share in capaciteiten:
        k = _key(share)
        ratios = report["lift_verhouding"][k]  # type: ignore[index]
        out[f"lift_{k}"] = report["capaciteit"][k]["model"]["lift"]  # type: ignore[index]
        out[f"lift_{k}_vs_grootste_bedrag"] = ratios["grootste_bedrag"]
        out[f"lift_{k}_vs_nieuwste_eerst"] = ratios["nieuwste_eerst"]
    fair = report["eerlijkheid"]  # type: ignore[assignment]
    for attr, block in fair.items():  # type: ignore[union-attr]
        for k, gap in block["tpr_verschil"].items():
            out[f"tpr_verschil_{attr}_{k}"] = math.nan if gap is None else gap
        gap = block["kalibratieverschil"]
        out[f"kalibratieverschil_{attr}"] = math.nan if gap is None else gap
    return out
