# SPDX-License-Identifier: EUPL-1.2
"""The one scoring interface: a priority in [0, 1] plus its reasons, in Dutch.

The score only orders the outreach queue; every eligible signal gets an offer whatever
its score. `default_scorer` uses the model promoted in the registry at
`VROEGSIGNAAL_MODEL_DIR` (models/, ADR 0008); until one is promoted, or when it cannot be
loaded, `RuleScorer` is a transparent points rule. This module is the only place where
vroegsignaal reaches into models/, and it does so lazily, through
`PROMOTED_SCORER_HOOK`: the core imports without models/ (tests/unit/test_layout.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from vroegsignaal.cases.features import CaseFeatures

if TYPE_CHECKING:
    from vroegsignaal.config import Settings

log = logging.getLogger(__name__)

# The registry's pointer to the promoted model (models/registry.py), relative to
# VROEGSIGNAAL_MODEL_DIR; without it the rule scores.
PROMOTED_POINTER = "gepromoveerd.json"
# The lazy hook to the promoted model: "module:function", called with the model directory,
# returning a Scorer or None. Named here as text, imported only when a model is promoted,
# so the core never imports models/ (nor scikit-learn) on its own.
PROMOTED_SCORER_HOOK = "models.portable:promoted_scorer"


@dataclass(frozen=True, slots=True)
class Score:
    """A zaak's place in the werkvoorraad: `prioriteit` in [0, 1] (higher first), up to
    three `redenen` in Dutch for the worker, and the `model` that scored it (its version,
    or "regel-v1" for the rule)."""

    prioriteit: float
    redenen: tuple[str, ...]
    model: str


class Scorer(Protocol):
    """Scores zaken in one call, one `Score` per `CaseFeatures`, in the same order."""

    def score(self, cases: Sequence[CaseFeatures]) -> list[Score]:
        """One `Score` per zaak, in order."""


def _euro(amount: int) -> str:
    return f"€ {amount:,}".replace(",", ".")


class RuleScorer:
    """Points per documented risk factor (DOMAIN.md eviction predictors); capped at 100."""

    name = "regel-v1"

    def score(self, cases: Sequence[CaseFeatures]) -> list[Score]:
        """One `Score` per zaak, in order."""
        return [self._one(c) for c in cases]

    def _one(self, case: CaseFeatures) -> Score:
        points: list[tuple[int, str]] = []
        sig = case.signalen
        if any(s.crisissignaal for s in sig):
            points.append((40, "Crisissignaal (dreigende huisuitzetting of afsluiting)"))
        huur = sum(s.bedrag for s in sig if s.signaalpartner in ("Huur", "Hypotheek"))
        if huur:
            points.append((20, f"Woonlastenachterstand van {_euro(huur)}"))
            if huur >= 1500:
                points.append((10, "Woonlastenachterstand hoger dan ongeveer twee maanden"))
        schuldeisers = len({s.schuldeiser for s in sig})
        if schuldeisers >= 2:
            extra = min(20, 10 * (schuldeisers - 1))
            points.append((extra, f"{schuldeisers} schuldeisers tegelijk"))
        if case.zaaktype == "opeenvolgend":
            points.append((10, "Eerder signaal in de afgelopen zes maanden"))
        totaal = sum(s.bedrag for s in sig)
        if totaal >= 1000:
            points.append((10, f"Totale achterstand {_euro(totaal)}"))
        if any(s.warme_overdracht for s in sig):
            points.append((5, "Schuldeiser heeft al contact (warme overdracht)"))
        points.sort(key=lambda p: -p[0])
        total = min(100, sum(p for p, _ in points))
        reasons = tuple(r for _, r in points[:3]) or ("Geen bijzondere risicofactoren",)
        return Score(prioriteit=total / 100, redenen=reasons, model=self.name)


@lru_cache(maxsize=8)
def _warn_once(message: str) -> None:
    log.warning(message)


def default_scorer(settings: Settings | None = None) -> Scorer:
    """The promoted model of the registry, or the rule when none is (usable) there.

    Cheap enough to call per batch: the registry caches the loaded model and only checks
    whether the promotion changed (one stat of its pointer file).
    """
    from vroegsignaal.config import get_settings

    model_dir = (settings or get_settings()).model_dir
    if not (Path(model_dir) / PROMOTED_POINTER).is_file():
        # Nothing promoted: the rule, without importing scikit-learn into every intake
        # process (about 120 MB each).
        return RuleScorer()
    module, _, function = PROMOTED_SCORER_HOOK.partition(":")
    try:
        promoted_scorer = getattr(import_module(module), function)
    except ImportError:  # a deployment without models/ (or without scikit-learn)
        _warn_once("models package not available; scoring with the rule")
        return RuleScorer()
    scorer: Scorer | None = promoted_scorer(model_dir)
    return scorer if scorer is not None else RuleScorer()
