# SPDX-License-Identifier: EUPL-1.2
"""Monthly: retrain the eviction-risk model on closed cases; promote only through the gate."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from _dag_defaults import (
    DEFAULT_ARGS,
    ON_DAG_FAILURE,
    START_DATE,
    fail_without_retry,
    peildatum,
)
from airflow.sdk import dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException

log = logging.getLogger(__name__)


@task(execution_timeout=dt.timedelta(hours=1))
def extract_training_data(uitkomsten: str = "uitkomsten.csv") -> dict[str, Any]:
    """Closed cases past their 12-month outcome window, joined with the outcome file; fails at
    once (no retries) when the model folder or the outcome data is missing."""
    from pathlib import Path

    from models.training_data import TrainingDataRefused, extract
    from vroegsignaal.config import ConfigurationError, get_settings, require_folder
    from vroegsignaal.storage.db import session_scope

    context = get_current_context()
    settings = get_settings()
    with fail_without_retry(ConfigurationError):
        root = require_folder("model_dir", settings.model_dir)
    outcomes = root / "uitkomsten" / Path(uitkomsten).name  # only files in that folder
    with (
        session_scope(settings.database_url) as session,
        fail_without_retry(TrainingDataRefused),
    ):
        extracted = extract(
            session,
            peildatum=peildatum(context),
            outcomes=outcomes,
            out_dir=root / "training" / context["run_id"].replace(":", "-").replace("+", "-"),
        )
    return extracted.as_dict()


@task(execution_timeout=dt.timedelta(minutes=30))
def validate_training_data(extracted: dict[str, Any]) -> dict[str, Any]:
    """The training_data suite; a fatal or error finding fails the run at once, no retries."""
    from pathlib import Path

    from models.training_data import TrainingDataRefused, validate

    with fail_without_retry(TrainingDataRefused):
        return validate([Path(extracted["training"]), Path(extracted["toets"])])


@task(execution_timeout=dt.timedelta(hours=2))
def train_candidate(extracted: dict[str, Any]) -> str:
    """Fit a candidate on the training cases and register it (not promoted)."""
    from models.registry import ModelRegistry
    from vroegsignaal.config import get_settings

    registry = ModelRegistry(get_settings().model_dir)
    candidate = registry.train_candidate(extracted["training"], progress=log.info)
    return candidate.versie


@task(execution_timeout=dt.timedelta(hours=1))
def evaluate_against_promoted(extracted: dict[str, Any], candidate: str) -> dict[str, Any]:
    """Candidate and the model in use on the same held-out cases; the gate's decision."""
    from models.registry import ModelRegistry
    from vroegsignaal.config import get_settings

    registry = ModelRegistry(get_settings().model_dir)
    report = registry.evaluate(candidate, extracted["toets"])
    current = registry.promoted()
    current_report = registry.evaluate(current, extracted["toets"]) if current else None
    decision = registry.gate(report, current_report)
    log.info(
        "gate candidate=%s current=%s auc=%.4f current_auc=%s promote=%s reasons=%s",
        candidate,
        current.versie if current else None,
        report["auc"],
        f"{current_report['auc']:.4f}" if current_report else None,
        decision.promoveren,
        decision.redenen,
    )
    return {
        **decision.as_dict(),
        "toets_fingerprint": report["data"]["fingerprint"],
        "auc_kandidaat": report["auc"],
        "auc_huidig": current_report["auc"] if current_report else None,
    }


@task(execution_timeout=dt.timedelta(minutes=30))
def promote_if_gate_passes(decision: dict[str, Any]) -> dict[str, Any]:
    """Promote the candidate only with a passing gate, judged again on the stored reports."""
    from models.registry import ModelRegistry
    from vroegsignaal.config import get_settings

    registry = ModelRegistry(get_settings().model_dir)
    candidate, current = decision["kandidaat"], registry.promoted()
    if (current.versie if current else None) != decision["huidig"]:
        raise AirflowFailException("the promoted model changed during this run; run it again")
    fingerprint = decision["toets_fingerprint"]
    report = registry.report(candidate, fingerprint)
    current_report = registry.report(current, fingerprint) if current else None
    gate = registry.gate(report, current_report)  # type: ignore[arg-type]
    if not gate.promoveren:
        log.warning("candidate %s not promoted: %s", candidate, "; ".join(gate.redenen))
        return {"gepromoveerd": False, "versie": candidate, "redenen": list(gate.redenen)}
    run_id = get_current_context()["run_id"]
    registry.promote(candidate, gate, door=f"dag risk_model_training {run_id}")
    return {"gepromoveerd": True, "versie": candidate, "redenen": []}


@dag(
    dag_id="risk_model_training",
    schedule="0 3 1 * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=dt.timedelta(hours=6),
    default_args=DEFAULT_ARGS,
    on_failure_callback=ON_DAG_FAILURE,
    is_paused_upon_creation=False,
    tags=["vroegsignaal", "model", "great-expectations"],
)
def risk_model_training(uitkomsten: str = "uitkomsten.csv", peildatum: str = "") -> None:
    """
    ### Eviction-risk model training

    Monthly (1st, 03:00 UTC); "today" is the run parameter `peildatum` (YYYY-MM-DD) when
    given, else the day the run was due. Without outcome data
    (`VROEGSIGNAAL_MODEL_DIR/uitkomsten/<uitkomsten>`) the run fails at once with that
    message and an alert, and trains nothing.

    1. **extract_training_data** (models/training_data.py): closed cases
       (with an eindresultaat) whose 12-month outcome window has passed, as the scorer
       sees them (own signals plus the household's earlier signals), joined with the
       outcome registration `VROEGSIGNAAL_MODEL_DIR/uitkomsten/<uitkomsten>` (zaak,
       uitkomst, leeftijdsband); split into training and test cases by a hash of the
       case id.
    2. **validate_training_data**: the Great Expectations suite
       `expectations/training_data.json`; a fatal or error finding stops the run.
    3. **train_candidate**: the model registry (models/registry.py) fits and registers
       a candidate; nothing is promoted yet.
    4. **evaluate_against_promoted**: candidate and the model in use on the same test
       cases; the registry's promotion gate decides (AUC may drop at most 0.005,
       ECE below 0.03, no fairness gap above 0.05).
    5. **promote_if_gate_passes**: promotes only with a passing gate; a refused
       candidate stays registered, with its evaluation, and the model in use stays.
    """
    extracted = extract_training_data(uitkomsten)
    checked = validate_training_data(extracted)
    candidate = train_candidate(extracted)
    checked >> candidate
    promote_if_gate_passes(evaluate_against_promoted(extracted, candidate))


risk_model_training()
