# SPDX-License-Identifier: EUPL-1.2
"""risk_model_training end to end with dag.test(), PostgreSQL and the model registry:
closed cases from the database plus an outcome file; a better model is promoted, a worse
one (trained on corrupted outcomes) is refused and the model in use stays."""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import create_engine, text, update
from sqlalchemy.orm import Session

from batch.files import ingest_file
from models.training_data import is_test_case
from synthetic import generate_signals
from tests.dags.conftest import run_dag
from vroegsignaal.contract.io import write_jsonl
from vroegsignaal.storage.tables import Zaak

pytestmark = pytest.mark.integration
PEILDATUM = "2026-03-01"  # cases of 2024: their outcome window has passed

_CASES = text(
    """
    SELECT z.id, z.zaaktype,
           bool_or(s.signaalpartner IN ('Huur', 'Hypotheek')) AS huur,
           sum(CASE WHEN s.signaalpartner IN ('Huur', 'Hypotheek') THEN s.bedrag ELSE 0 END)
               AS huurbedrag,
           bool_or(s.crisissignaal) AS crisis,
           count(DISTINCT s.schuldeiser) AS schuldeisers
    FROM zaak z JOIN signaal s ON s.zaak_id = z.id
    GROUP BY z.id, z.zaaktype ORDER BY z.id
    """
)


@pytest.fixture
def model_dir(tmp_path: Path) -> Iterator[Path]:
    from vroegsignaal.config import get_settings

    root = tmp_path / "models"
    (root / "uitkomsten").mkdir(parents=True)
    saved = os.environ.get("VROEGSIGNAAL_MODEL_DIR")
    os.environ["VROEGSIGNAAL_MODEL_DIR"] = str(root)
    get_settings.cache_clear()
    yield root
    if saved is None:
        os.environ.pop("VROEGSIGNAAL_MODEL_DIR", None)
    else:
        os.environ["VROEGSIGNAAL_MODEL_DIR"] = saved
    get_settings.cache_clear()


def _closed_cases(url: str, tmp_path: Path) -> list[Any]:
    """A year of synthetic signals for Amsterdam and Utrecht, ingested and closed: enough test
    cases (about 8,000) for the gate's calibration and fairness measurements."""
    path = tmp_path / "signalen.jsonl"
    write_jsonl(
        path,
        generate_signals(
            gemeenten=["GM0363", "GM0344"], start=dt.date(2024, 1, 1), months=12, seed=3
        ),
    )
    engine = create_engine(url)
    with Session(engine) as session:
        ingest_file(path, session=session, source="test", ontvangen_op="signaaldatum")
        session.execute(update(Zaak).values(eindresultaat="Definitief geen contact kunnen krijgen"))
        session.commit()
        cases = session.execute(_CASES).all()
    engine.dispose()
    return cases


def _write_outcomes(root: Path, cases: list[Any]) -> None:
    """Outcomes drawn from a known risk, and two files whose training outcomes are damaged.

    The test cases keep their true outcomes in every file, so the gate compares models on
    the same truth. "deels": training outcomes shuffled within rent / no-rent cases, so
    only that one factor can be learnt (a weaker, still calibrated model). "slecht":
    shuffled across all training cases, so nothing can be learnt.
    """
    rng = np.random.default_rng(11)
    # Additive in what the model sees (DOMAIN.md predictors: rent arrears, several creditors,
    # an earlier signal, a crisis), so a good model can be calibrated in every group.
    logit = np.array(
        [
            -1.7
            + 1.1 * c.crisis
            + 0.45 * (c.schuldeisers - 1)
            + 0.5 * (c.zaaktype == "opeenvolgend")
            + (1.3 + 0.7 * math.log(max(c.huurbedrag, 100) / 800) if c.huur else 0.0)
            for c in cases
        ]
    )
    truth = (rng.random(len(cases)) < 1 / (1 + np.exp(-logit))).astype(int)
    ids = np.array([str(c.id) for c in cases])
    train = np.array([not is_test_case(i) for i in ids])
    huur = np.array([bool(c.huur) for c in cases])
    partly, bad = truth.copy(), truth.copy()
    bad[train] = rng.permutation(truth[train])
    for stratum in (huur, ~huur):
        chosen = train & stratum
        partly[chosen] = rng.permutation(truth[chosen])
    bands = rng.choice(["30-44", "45-64"], size=len(cases))  # fairness is measured on these
    for name, labels in (("goed.csv", truth), ("deels.csv", partly), ("slecht.csv", bad)):
        lines = ["zaak,uitkomst,leeftijdsband"] + [
            f"{i},{y},{b}" for i, y, b in zip(ids, labels, bands, strict=True)
        ]
        (root / "uitkomsten" / name).write_text("\n".join(lines) + "\n")


def test_training_promotes_a_better_model_and_refuses_a_worse_one(
    dagbag: Any, vroegsignaal_env: dict[str, Any], model_dir: Path, tmp_path: Path
) -> None:
    from models.registry import ModelRegistry

    cases = _closed_cases(vroegsignaal_env["database_url"], tmp_path)
    assert len(cases) > 35_000
    _write_outcomes(model_dir, cases)
    registry = ModelRegistry(model_dir)

    weak = run_dag(
        dagbag, "risk_model_training", conf={"uitkomsten": "deels.csv", "peildatum": PEILDATUM}
    )
    assert weak.state == "success", weak.tasks
    extracted = weak.xcom["extract_training_data"]
    assert extracted["zaken"] == len(cases) and extracted["zonder_uitkomst"] == 0
    assert weak.xcom["validate_training_data"]["training.csv"]["niet_gehaald"] == {}
    assert weak.xcom["promote_if_gate_passes"]["gepromoveerd"] is True  # nothing in use yet
    first = registry.promoted()
    assert first is not None and first.versie == weak.xcom["train_candidate"]

    better = run_dag(
        dagbag,
        "risk_model_training",
        conf={"uitkomsten": "goed.csv", "peildatum": PEILDATUM},
    )
    assert better.state == "success", better.tasks
    decision = better.xcom["evaluate_against_promoted"]
    assert decision["huidig"] == first.versie
    assert decision["auc_kandidaat"] > decision["auc_huidig"]
    assert better.xcom["promote_if_gate_passes"]["gepromoveerd"] is True
    assert registry.promoted().versie == better.xcom["train_candidate"]  # type: ignore[union-attr]

    worse = run_dag(
        dagbag,
        "risk_model_training",
        conf={"uitkomsten": "slecht.csv", "peildatum": PEILDATUM},
    )
    assert worse.state == "success", worse.tasks
    refused = worse.xcom["promote_if_gate_passes"]
    assert refused["gepromoveerd"] is False
    assert any(r.startswith("auc_daling") for r in refused["redenen"]), refused
    assert registry.promoted().versie == better.xcom["train_candidate"]  # type: ignore[union-attr]
    assert worse.xcom["train_candidate"] in {v.versie for v in registry.versions()}
