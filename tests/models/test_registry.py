# SPDX-License-Identifier: EUPL-1.2
"""The registry: versioned artefacts with hash and data fingerprint, the promotion gate,
and the scoring interface that loads the promoted model or falls back to the rule."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from models.pipeline import ModelConfig
from models.portable import PortableScorer
from models.registry import (
    GateThresholds,
    ModelRegistry,
    PromotionRefused,
    RegistryError,
    gate,
    promoted_scorer,
)
from models.synthetic import SyntheticSet
from vroegsignaal.cases.features import CaseFeatures, CaseSignal
from vroegsignaal.config import Settings
from vroegsignaal.scoring import RuleScorer, default_scorer


def _report(
    auc: float = 0.88,
    ece: float = 0.01,
    tpr_gap: float | None = 0.02,
    cal_age: float | None = 0.002,
    cal_type: float | None = 0.004,
    fingerprint: str = "a" * 64,
    versie: str = "kandidaat",
) -> dict[str, Any]:
    return {
        "versie": versie,
        "data": {"fingerprint": fingerprint},
        "auc": auc,
        "ece": ece,
        "eerlijkheid": {
            "leeftijdsband": {
                "tpr_verschil": {"0.1": 0.09, "0.2": tpr_gap},
                "kalibratieverschil": cal_age,
            },
            "schuldeisertype": {"tpr_verschil": {"0.2": 0.3}, "kalibratieverschil": cal_type},
        },
    }


CURRENT = _report(auc=0.880, versie="huidig")


@pytest.mark.parametrize(
    ("candidate", "current", "passes", "failed"),
    [
        (_report(), None, True, set()),
        (_report(auc=0.8751), CURRENT, True, set()),  # drop 0.0049
        (_report(auc=0.8749), CURRENT, False, {"auc_daling"}),  # drop 0.0051
        (_report(auc=0.95, fingerprint="b" * 64), CURRENT, False, {"auc_daling"}),
        (_report(ece=0.0299), None, True, set()),
        (_report(ece=0.03), None, False, {"ece"}),
        (_report(tpr_gap=0.05), None, True, set()),
        (_report(tpr_gap=0.0501), None, False, {"tpr_verschil_leeftijdsband_0.2"}),
        (_report(tpr_gap=None), None, False, {"tpr_verschil_leeftijdsband_0.2"}),
        (_report(cal_age=0.06), None, False, {"kalibratieverschil_leeftijdsband"}),
        (_report(cal_type=0.051), None, False, {"kalibratieverschil_schuldeisertype"}),
    ],
)
def test_promotion_gate(
    candidate: dict, current: dict | None, passes: bool, failed: set[str]
) -> None:
    decision = gate(candidate, current)
    assert decision.promoveren is passes
    assert {c.naam for c in decision.checks if not c.geslaagd} == failed
    assert len(decision.redenen) == len(failed)


def test_gate_refuses_without_age_bands_and_can_judge_more_capacities() -> None:
    no_age = copy.deepcopy(_report())
    del no_age["eerlijkheid"]["leeftijdsband"]
    assert not gate(no_age, None).promoveren
    # 10% has a gap of 0.09 in _report: judged only when asked for
    assert gate(_report(), None).promoveren
    assert not gate(_report(), None, GateThresholds(capaciteiten=(0.1, 0.2))).promoveren


@pytest.fixture(scope="module")
def small_registry(
    small_set: SyntheticSet, tmp_path_factory: pytest.TempPathFactory
) -> tuple[ModelRegistry, str]:
    registry = ModelRegistry(tmp_path_factory.mktemp("klein"))
    version = registry.train_candidate(small_set.frame, config=ModelConfig(random_state=3))
    return registry, version.versie


def test_a_version_records_hash_data_fingerprint_seed_and_features(
    small_registry: tuple[ModelRegistry, str], small_set: SyntheticSet
) -> None:
    registry, versie = small_registry
    v = registry.version(versie)
    assert versie.startswith("risico-") and len(versie) <= 40  # fits werkvoorraad.scoremodel
    assert versie.endswith(v.sha256[:8])
    card = json.loads((v.path / "model_card.json").read_text())
    assert card["trainingsdata"]["fingerprint"] == v.data_fingerprint
    assert card["seed"] == 3 and card["config"]["random_state"] == 3
    assert card["kenmerken"] and card["uitgesloten_kenmerken"]
    assert card["effecten"]["bedrag_huur"][0]["waarde"] == 0.0
    # The same data gives the same fingerprint, whatever the row order.
    from models.data import fingerprint

    shuffled = small_set.frame.sample(frac=1.0, random_state=1)
    assert fingerprint(shuffled) == v.data_fingerprint
    assert registry.versions()[-1].versie == versie


def test_a_changed_artefact_is_refused(
    small_registry: tuple[ModelRegistry, str], tmp_path: Path
) -> None:
    registry, versie = small_registry
    copy_root = tmp_path / "kopie"
    import shutil

    shutil.copytree(registry.root, copy_root)
    other = ModelRegistry(copy_root)
    with (other.version(versie).path / "model.joblib").open("ab") as f:
        f.write(b"\0")
    with pytest.raises(RegistryError, match="hash"):
        other.load(versie)


def _case() -> CaseFeatures:
    s = CaseSignal("Huur", "WBV-A", 2100, dt.date(2026, 1, 10), dt.date(2026, 3, 2), False, False)
    return CaseFeatures((s,), "enkelvoudig", s.signaaldatum)


def _settings(root: Path) -> Settings:
    return Settings.model_construct(model_dir=str(root))


def test_promotion_switches_the_intake_scorer_and_withdrawal_switches_back(
    small_registry: tuple[ModelRegistry, str], tmp_path: Path
) -> None:
    import shutil

    registry, versie = small_registry
    root = tmp_path / "register"
    shutil.copytree(registry.root, root)
    registry = ModelRegistry(root)
    assert isinstance(default_scorer(_settings(root)), RuleScorer)

    passing = gate(_report(versie=versie), None)
    with pytest.raises(PromotionRefused):
        registry.promote(versie, gate(_report(versie=versie, ece=0.2), None))
    with pytest.raises(PromotionRefused):
        registry.promote(versie, gate(_report(versie="een-ander"), None))
    registry.promote(versie, passing, door="test")
    assert registry.promoted().versie == versie  # type: ignore[union-attr]

    scorer = default_scorer(_settings(root))
    assert isinstance(scorer, PortableScorer)  # the NumPy form; models/portable.py
    assert scorer is default_scorer(_settings(root))  # loaded once, cached
    score = scorer.score([_case()])[0]
    assert score.model == versie and 0.0 < score.prioriteit < 1.0

    registry.withdraw(door="test", reden="steekproef")
    assert registry.promoted() is None
    assert isinstance(default_scorer(_settings(root)), RuleScorer)
    log = [json.loads(line) for line in (root / "promoties.jsonl").read_text().splitlines()]
    assert [e["actie"] for e in log] == ["promotie", "intrekking"]


def test_a_broken_promoted_model_falls_back_to_the_rule(
    small_registry: tuple[ModelRegistry, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import shutil

    registry, versie = small_registry
    root = tmp_path / "kapot"
    shutil.copytree(registry.root, root)
    broken = ModelRegistry(root)
    broken.promote(versie, gate(_report(versie=versie), None), door="test")
    (broken.version(versie).path / "lineair.json").write_bytes(b"geen model")
    # A new pointer stamp, so the cache reloads.
    pointer = root / "gepromoveerd.json"
    pointer.write_text(pointer.read_text() + " ")
    assert promoted_scorer(root) is None
    assert isinstance(default_scorer(_settings(root)), RuleScorer)
    assert "cannot be used" in caplog.text


def test_without_a_promoted_model_the_intake_never_imports_scikit_learn(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from vroegsignaal.config import Settings\n"
        "from vroegsignaal.scoring import RuleScorer, default_scorer\n"
        f"s = default_scorer(Settings.model_construct(model_dir={str(tmp_path)!r}))\n"
        "assert isinstance(s, RuleScorer)\n"
        "assert 'sklearn' not in sys.modules and 'models' not in sys.modules, 'imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
