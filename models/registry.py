# SPDX-License-Identifier: EUPL-1.2
"""A registry of trained models: versioned artefacts, their evaluations, a promotion gate.

Layout under the registry root (`VROEGSIGNAAL_MODEL_DIR`, default /var/lib/vroegsignaal/models):

    versies/<versie>/model.joblib          the fitted estimator (sha256 in model_card.json)
    versies/<versie>/model_card.json       version, hash, data fingerprint, seed, config,
                                           metrics and fairness by group
    versies/<versie>/evaluatie-<fp>.json   one report per held-out data set
    versies/<versie>/model-card.md         the model card, for people
    gepromoveerd.json                      the promoted version (absent: the rule scores)
    promoties.jsonl                        every promotion and withdrawal, append-only

The intake scores with the promoted model (`promoted_scorer`); a promotion needs a passing
`GateDecision`. Only the training job should be able to write here: model.joblib is a
pickle, and its hash is checked before every load.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import platform
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import sklearn

from models import model_card
from models import portable as _portable
from models.data import FORMAT_VERSION
from models.evaluate import EvaluationSettings, evaluation_report, summary
from models.explain import linear_form
from models.features import EXCLUDED_FEATURES, RAW_FEATURES, VLAG_FEATURES, case_table
from models.pipeline import ModelConfig
from models.progress import Progress, aantal, silent
from models.scorer import ModelScorer
from models.train import TrainedModel, TrainingData, as_cases, train
from vroegsignaal.errors import VroegsignaalError
from vroegsignaal.scoring import PROMOTED_POINTER

log = logging.getLogger(__name__)

PROMOTED = PROMOTED_POINTER
HISTORY = "promoties.jsonl"
ARTEFACT = "model.joblib"
CARD_JSON = _portable.CARD_JSON  # the intake reads the card too (lineair_sha256)
CARD_MD = "model-card.md"


class RegistryError(VroegsignaalError):
    code = "MODELREGISTER_FOUT"
    title = "Het modelregister kon de opdracht niet uitvoeren"


class PromotionRefused(RegistryError):
    code = "PROMOTIE_GEWEIGERD"
    title = "Het model haalt de promotiepoort niet"


@dataclass(frozen=True)
class GateThresholds:
    """The promotion gate (issue 4): each limit is inclusive-exclusive as named."""

    max_auc_daling: float = 0.005  # AUC may drop at most this much against the current model
    max_ece: float = 0.03  # calibration error must stay under this
    max_eerlijkheidsverschil: float = 0.05  # no fairness gap may exceed this
    # TPR gaps across age bands are judged at the team's capacity, the top 20% of the queue;
    # the 10% figure is reported (its sampling noise is larger: ADR 0008).
    capaciteiten: tuple[float, ...] = (0.2,)


@dataclass(frozen=True)
class GateCheck:
    naam: str
    waarde: float | None
    grens: float
    geslaagd: bool
    toelichting: str = ""


@dataclass(frozen=True)
class GateDecision:
    """Whether a candidate may be promoted, and every check that decided it."""

    kandidaat: str
    huidig: str | None
    checks: tuple[GateCheck, ...]

    @property
    def promoveren(self) -> bool:
        return all(c.geslaagd for c in self.checks)

    @property
    def redenen(self) -> tuple[str, ...]:
        """The failed checks, in words; empty when the candidate passes."""
        return tuple(f"{c.naam}: {c.toelichting}" for c in self.checks if not c.geslaagd)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kandidaat": self.kandidaat,
            "huidig": self.huidig,
            "promoveren": self.promoveren,
            "checks": [c.__dict__ for c in self.checks],
        }


def _check(naam: str, waarde: float | None, grens: float, ok: bool, uitleg: str) -> GateCheck:
    return GateCheck(naam, None if waarde is None else float(waarde), grens, bool(ok), uitleg)


def gate(
    candidate_report: Mapping[str, Any],
    current_report: Mapping[str, Any] | None,
    thresholds: GateThresholds | None = None,
) -> GateDecision:
    """Promote only when AUC drops at most 0.005 against the current model (on the same
    held-out data), ECE stays under 0.03 and no fairness gap exceeds 0.05.

    Fairness gaps judged: the true-positive-rate gap across age bands at each capacity,
    and the calibration gap per age band and per creditor type. The TPR gap across
    creditor types is reported, not judged: rent arrears are the documented main risk
    factor, so equal TPRs across creditor types would mean ignoring it (ADR 0008).
    """
    t = thresholds or GateThresholds()
    checks: list[GateCheck] = []
    auc = float(candidate_report["auc"])
    if current_report is None:
        checks.append(_check("auc_daling", None, t.max_auc_daling, True, "geen huidig model"))
    else:
        same = candidate_report["data"]["fingerprint"] == current_report["data"]["fingerprint"]
        drop = float(current_report["auc"]) - auc
        checks.append(
            _check(
                "auc_daling",
                drop,
                t.max_auc_daling,
                same and drop <= t.max_auc_daling,
                f"AUC {auc:.4f} tegen {float(current_report['auc']):.4f}"
                if same
                else "kandidaat en huidig model zijn niet op dezelfde toetsdata gemeten",
            )
        )
    ece = float(candidate_report["ece"])
    checks.append(_check("ece", ece, t.max_ece, ece < t.max_ece, f"ECE {ece:.4f}"))
    fair = candidate_report.get("eerlijkheid", {})
    age = fair.get("leeftijdsband")
    if age is None:
        checks.append(
            _check(
                "eerlijkheid_leeftijdsband",
                None,
                t.max_eerlijkheidsverschil,
                False,
                "toetsdata zonder leeftijdsband: eerlijkheid niet te meten",
            )
        )
    else:
        for share in t.capaciteiten:
            gap = age["tpr_verschil"].get(f"{share:g}")
            ok = gap is not None and gap <= t.max_eerlijkheidsverschil
            checks.append(
                _check(
                    f"tpr_verschil_leeftijdsband_{share:g}",
                    gap,
                    t.max_eerlijkheidsverschil,
                    ok,
                    "te weinig positieven per groep" if gap is None else f"verschil {gap:.4f}",
                )
            )
    for attr in ("leeftijdsband", "schuldeisertype"):
        block = fair.get(attr)
        if block is None:
            continue
        gap = block["kalibratieverschil"]
        checks.append(
            _check(
                f"kalibratieverschil_{attr}",
                gap,
                t.max_eerlijkheidsverschil,
                gap is not None and gap <= t.max_eerlijkheidsverschil,
                "te weinig zaken per groep" if gap is None else f"grootste verschil {gap:.4f}",
            )
        )
    return GateDecision(
        kandidaat=str(candidate_report.get("versie", "")),
        huidig=None if current_report is None else str(current_report.get("versie", "")),
        checks=tuple(checks),
    )


@dataclass(frozen=True)
class ModelVersion:
    """One registered model: its folder and its model card (metadata)."""

    versie: str
    path: Path
    card: Mapping[str, Any] = field(repr=False)

    @property
    def sha256(self) -> str:
        return str(self.card["sha256"])

    @property
    def data_fingerprint(self) -> str:
        return str(self.card["trainingsdata"]["fingerprint"])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_matrix(X_train: pd.DataFrame | None) -> np.ndarray:
    """Cases to compare the portable form with the estimator on: training rows when given,
    plus wide random values (zeros, extremes and everything in between) for every feature."""
    rng = np.random.default_rng(0)
    n = 2000
    random = np.where(rng.random((n, len(RAW_FEATURES))) < 0.4, 0.0,
                      np.expm1(rng.uniform(-1, 11, (n, len(RAW_FEATURES)))))
    flags = [RAW_FEATURES.index(f) for f in VLAG_FEATURES]
    random[:, flags] = rng.random((n, len(flags))) < 0.2  # the flags are 0/1
    if X_train is None:
        return random
    rows = X_train[list(RAW_FEATURES)].to_numpy(dtype=float)
    return np.vstack([rows[rng.choice(len(rows), min(len(rows), 5000), replace=False)], random])


def _write_checked_portable(form: Any, directory: Path, X_train: pd.DataFrame | None) -> str:
    """Write the intake's NumPy form of the model, after checking it equals the estimator's
    own log-odds and contributions; returns the file's sha256."""
    portable = _portable.portable_form(form)
    X = _check_matrix(X_train)
    want_logit, want_contrib = form.logits_and_contributions(
        pd.DataFrame(X, columns=list(RAW_FEATURES)))
    got_logit, got_contrib = portable.logits_and_contributions(X)
    diff = max(float(np.max(np.abs(want_logit - got_logit))),
               float(np.max(np.abs(want_contrib - got_contrib))))
    if not diff < 1e-9:
        raise RegistryError(f"de NumPy-vorm van het model wijkt af van het model ({diff:.2e})")
    return _portable.write_portable(portable, directory)


def _write_json(path: Path, data: Any) -> None:
    """Atomic: a reader sees the old file or the new one, never half of it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2, default=_json_default)
        f.write("\n")
    os.replace(tmp, path)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _effects(trained: TrainedModel, X_quantiles: pd.DataFrame) -> dict[str, list[dict]]:
    """Per feature, its contribution to the log-odds at typical values (for the card)."""
    form = linear_form(trained.estimator)
    _, contributions = form.logits_and_contributions(X_quantiles)
    out: dict[str, list[dict]] = {}
    for j, name in enumerate(RAW_FEATURES):
        rows = X_quantiles[name].to_numpy()
        seen: dict[float, float] = {}
        for value, c in zip(rows.tolist(), contributions[:, j].tolist(), strict=True):
            seen.setdefault(round(value, 3), c)
        out[name] = [{"waarde": v, "bijdrage": c} for v, c in sorted(seen.items())]
    return out


def _quantile_grid(X: pd.DataFrame) -> pd.DataFrame:
    """Rows where each feature runs through 0 (when it occurs) and the 50th, 90th and 99th
    percentile of its non-zero values; additive contributions make the other columns
    irrelevant."""
    rows = []
    for name in RAW_FEATURES:
        col = X[name].to_numpy()
        nonzero = col[col > 0]
        values = [0.0] if nonzero.size < col.size else []
        values += np.quantile(nonzero, [0.5, 0.9, 0.99]).tolist() if nonzero.size else []
        for v in values:
            row = dict.fromkeys(RAW_FEATURES, 0.0)
            row[name] = v
            rows.append(row)
    return pd.DataFrame(rows, columns=list(RAW_FEATURES))


class ModelRegistry:
    """Train, evaluate, gate and promote eviction-risk models in one folder.

    Typical use (the risk_model_training DAG does the same):

        registry = ModelRegistry("var/models")
        candidate = registry.train_candidate("train.csv")
        report = registry.evaluate(candidate, "holdout.csv")
        current = registry.promoted()
        current_report = registry.evaluate(current, "holdout.csv") if current else None
        decision = registry.gate(report, current_report)
        if decision.promoveren:
            registry.promote(candidate, decision, door="dag risk_model_training")
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    # -- versions -----------------------------------------------------------------------

    @property
    def _versions_dir(self) -> Path:
        return self.root / "versies"

    def versions(self) -> list[ModelVersion]:
        """Every registered version, oldest first."""
        if not self._versions_dir.is_dir():
            return []
        out = [
            self.version(p.name)
            for p in self._versions_dir.iterdir()
            if not p.name.startswith(".") and (p / CARD_JSON).is_file()  # skip half-written
        ]
        return sorted(out, key=lambda v: (str(v.card.get("aangemaakt_op", "")), v.versie))

    def version(self, versie: str | ModelVersion) -> ModelVersion:
        if isinstance(versie, ModelVersion):
            return versie
        if not versie or "/" in versie or versie.startswith("."):
            raise RegistryError(f"ongeldige versie: {versie!r}")
        path = self._versions_dir / versie
        card = path / CARD_JSON
        if not card.is_file():
            raise RegistryError(f"onbekende versie: {versie}")
        return ModelVersion(versie, path, json.loads(card.read_text(encoding="utf-8")))

    def register(
        self, trained: TrainedModel, *, X_train: pd.DataFrame | None = None
    ) -> ModelVersion:
        """Store a trained model as a new version (not promoted)."""
        self._versions_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=self._versions_dir, prefix=".nieuw-"))
        try:
            joblib.dump(trained.estimator, staging / ARTEFACT)
            sha = _sha256(staging / ARTEFACT)
            versie = f"risico-{trained.trained_at:%Y%m%d%H%M%S}-{sha[:8]}"
            form = linear_form(trained.estimator)
            lineair_sha = _write_checked_portable(form, staging, X_train)
            card: dict[str, Any] = {
                "versie": versie,
                "sha256": sha,
                "aangemaakt_op": trained.trained_at,
                "doel": "uitzettingsrisico (ontruimingsvonnis of huisuitzetting binnen 12 maanden)",
                "trainingsdata": {
                    "formaat": FORMAT_VERSION,
                    "fingerprint": trained.data_fingerprint,
                    "zaken": trained.zaken,
                    "positieven": trained.positieven,
                },
                "seed": trained.config.random_state,
                "config": trained.config.as_dict(),
                "software": {
                    "scikit-learn": trained.sklearn_version,
                    "python": platform.python_version(),
                },
                "training_seconden": round(trained.seconds, 2),
                "kenmerken": list(RAW_FEATURES),
                "getransformeerde_kenmerken": list(form.column_names),
                "lineair_sha256": lineair_sha,
                "uitgesloten_kenmerken": sorted(EXCLUDED_FEATURES),
                "effecten": _effects(trained, _quantile_grid(X_train))
                if X_train is not None
                else {},
                "evaluaties": {},
            }
            _write_json(staging / CARD_JSON, card)
            target = self._versions_dir / versie
            if target.exists():
                raise RegistryError(f"versie bestaat al: {versie}")
            os.replace(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        log.info("model registered version=%s data=%s", versie, trained.data_fingerprint[:12])
        return self.version(versie)

    def train_candidate(
        self,
        data: TrainingData,
        *,
        config: ModelConfig | None = None,
        progress: Progress | None = None,
    ) -> ModelVersion:
        """Train on data in the training format (a frame or a CSV path) and register it."""
        cases = as_cases(data)
        trained = train(cases, config=config, progress=progress)
        return self.register(trained, X_train=case_table(cases.signals))

    def load(self, versie: str | ModelVersion) -> Any:
        """The fitted estimator of a version; refused when the artefact's hash differs."""
        v = self.version(versie)
        path = v.path / ARTEFACT
        actual = _sha256(path)
        if actual != v.sha256:
            raise RegistryError(f"artefact van {v.versie} is gewijzigd (hash klopt niet)")
        trained_with = v.card.get("software", {}).get("scikit-learn")
        if trained_with and trained_with.split(".")[:2] != sklearn.__version__.split(".")[:2]:
            raise RegistryError(
                f"{v.versie} is getraind met scikit-learn {trained_with}, hier draait"
                f" {sklearn.__version__}: train opnieuw"
            )
        return joblib.load(path)

    def scorer(self, versie: str | ModelVersion) -> ModelScorer:
        v = self.version(versie)
        return ModelScorer(self.load(v), v.versie)

    # -- evaluation ---------------------------------------------------------------------

    def evaluate(
        self,
        versie: str | ModelVersion,
        holdout: TrainingData,
        *,
        settings: EvaluationSettings | None = None,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """Score held-out labelled data, store the report with the version, return it."""
        say = progress or silent
        v = self.version(versie)
        cases = as_cases(holdout)
        say(f"{v.versie} evalueren op {aantal(cases.n_cases)} zaken")
        estimator = self.load(v)
        p = estimator.predict_proba(case_table(cases.signals))[:, 1]
        report = evaluation_report(cases, p, settings=settings)
        report = {"versie": v.versie, "geevalueerd_op": dt.datetime.now(dt.UTC), **report}
        _write_json(v.path / f"evaluatie-{cases.fingerprint[:12]}.json", report)
        card = dict(v.card)
        card["evaluaties"] = {**card.get("evaluaties", {}), cases.fingerprint: summary(report)}
        card["laatste_evaluatie"] = {
            "data": report["data"],
            "metrics": summary(report),
            "eerlijkheid": report["eerlijkheid"],
        }
        _write_json(v.path / CARD_JSON, card)
        v = self.version(v.versie)
        (v.path / CARD_MD).write_text(model_card.markdown(v.card, report), encoding="utf-8")
        return json.loads(json.dumps(report, default=_json_default))

    def report(self, versie: str | ModelVersion, data_fingerprint: str) -> dict[str, Any] | None:
        """A stored evaluation report of a version on a data set, if there is one."""
        v = self.version(versie)
        path = v.path / f"evaluatie-{data_fingerprint[:12]}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    # -- gate and promotion -------------------------------------------------------------

    @staticmethod
    def gate(
        candidate_report: Mapping[str, Any],
        current_report: Mapping[str, Any] | None,
        thresholds: GateThresholds | None = None,
    ) -> GateDecision:
        return gate(candidate_report, current_report, thresholds)

    def promoted(self) -> ModelVersion | None:
        path = self.root / PROMOTED
        if not path.is_file():
            return None
        pointer = json.loads(path.read_text(encoding="utf-8"))
        return self.version(pointer["versie"])

    def promote(
        self, versie: str | ModelVersion, decision: GateDecision, *, door: str = "onbekend"
    ) -> ModelVersion:
        """Make a version the one the intake scores with; needs its passing gate decision."""
        v = self.version(versie)
        if decision.kandidaat != v.versie:
            raise PromotionRefused(f"het besluit gaat over {decision.kandidaat}, niet {v.versie}")
        if not decision.promoveren:
            raise PromotionRefused("; ".join(decision.redenen))
        self.load(v)  # the artefact must load here before the intake depends on it
        now = dt.datetime.now(dt.UTC)
        pointer = {"versie": v.versie, "sha256": v.sha256, "gepromoveerd_op": now, "door": door}
        _write_json(self.root / PROMOTED, {**pointer, "besluit": decision.as_dict()})
        self._log({"actie": "promotie", **pointer, "besluit": decision.as_dict()})
        log.info("model promoted version=%s by=%s", v.versie, door)
        return v

    def withdraw(self, *, door: str, reden: str) -> None:
        """Stop scoring with a model: the transparent rule takes over at once."""
        current = self.promoted()
        path = self.root / PROMOTED
        if path.is_file():
            path.unlink()
        self._log(
            {
                "actie": "intrekking",
                "versie": current.versie if current else None,
                "op": dt.datetime.now(dt.UTC),
                "door": door,
                "reden": reden,
            }
        )
        log.info("model withdrawn version=%s by=%s", current.versie if current else None, door)

    def _log(self, entry: Mapping[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / HISTORY).open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False, default=_json_default) + "\n")


# The intake's entry point lives with the NumPy scorer; kept here for callers of the registry.
promoted_scorer = _portable.promoted_scorer
