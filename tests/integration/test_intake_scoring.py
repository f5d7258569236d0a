# SPDX-License-Identifier: EUPL-1.2
"""Step 6 of the intake: every case is scored with its household's history (6 calendar
months, ADR 0003), loaded in one query per batch, by the promoted model when there is one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from models.registry import ModelRegistry, gate
from models.synthetic import training_set
from tests.factories import signaal
from vroegsignaal.cases.features import CaseFeatures
from vroegsignaal.config import get_settings
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.scoring import RuleScorer, Score
from vroegsignaal.storage.tables import WerkvoorraadItem

pytestmark = pytest.mark.integration
D = dt.date


class Spy:
    """Scores like the rule and remembers what it was given."""

    name = "spion"

    def __init__(self) -> None:
        self.seen: list[CaseFeatures] = []

    def score(self, cases: Sequence[CaseFeatures]) -> list[Score]:
        self.seen.extend(cases)
        return RuleScorer().score(cases)


def _ingest(session: Session, scorer: object, *messages: dict) -> list[ReasonCode]:
    result = run_intake(
        list(messages), session=session, source="test", ontvangen_op="signaaldatum", scorer=scorer
    )
    return [o.reden for o in result.outcomes]


def _at(day: D, partner: str = "Zorg", **kw: object) -> dict:
    return signaal(
        signaaldatum=day,
        signaalpartner=partner,
        schuldeiser=kw.pop("schuldeiser", f"X-{partner.upper()}"),
        klantreferentie=kw.pop("klantreferentie", f"K-{partner}"),
        **kw,
    )


def test_a_case_is_scored_with_the_households_earlier_signals(session: Session) -> None:
    spy = Spy()
    old = _at(D(2025, 8, 20), "Water")  # 7 calendar months before March: outside
    jan = _at(D(2026, 1, 12), "Huur", bedrag=1500)
    other_household = _at(D(2026, 2, 3), "Energie", client__huisnummer="99")
    assert _ingest(session, spy, old, jan, other_household) == [ReasonCode.OPGEPAKT] * 3
    spy.seen.clear()
    march = _at(D(2026, 3, 9), "Zorg", bedrag=400)
    assert _ingest(session, spy, march) == [ReasonCode.OPGEPAKT]
    (case,) = spy.seen
    assert [s.signaalpartner for s in case.signalen] == ["Zorg"]
    assert [(s.signaalpartner, s.bedrag) for s in case.historie] == [("Huur", 1500)]
    assert case.peildatum == D(2026, 3, 9) and case.zaaktype == "opeenvolgend"


def test_history_within_one_batch_comes_from_memory(session: Session) -> None:
    spy = Spy()
    jan, feb = _at(D(2026, 1, 5), "Energie"), _at(D(2026, 2, 16), "Huur")
    stored_dec = _at(D(2025, 12, 1), "Water")
    assert _ingest(session, spy, stored_dec) == [ReasonCode.OPGEPAKT]
    spy.seen.clear()
    assert _ingest(session, spy, feb, jan) == [ReasonCode.OPGEPAKT] * 2
    by_month = {c.peildatum.month: c for c in spy.seen}
    assert [s.signaalpartner for s in by_month[1].historie] == ["Water"]
    assert sorted(s.signaalpartner for s in by_month[2].historie) == ["Energie", "Water"]


def _statements(session: Session, messages: list[dict]) -> tuple[int, int]:
    """(all statements, history reads) while one batch goes through the pipeline."""
    total = history = 0

    def on_execute(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        nonlocal total, history
        total += 1
        history += "FROM zaak JOIN signaal" in statement

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        _ingest(session, RuleScorer(), *messages)
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    return total, history


def test_history_costs_the_same_statements_for_5_or_200_households(session: Session) -> None:
    def batch(n: int, day: D, offset: int) -> list[dict]:
        return [
            _at(day, "Zorg", client__huisnummer=str(offset + i), klantreferentie=f"K{day}{i}")
            for i in range(n)
        ]

    # Every household has an earlier case, so every case has history to load.
    _ingest(session, RuleScorer(), *batch(5, D(2026, 1, 6), 1), *batch(200, D(2026, 1, 6), 1000))
    small = _statements(session, batch(5, D(2026, 3, 3), 1))
    large = _statements(session, batch(200, D(2026, 3, 3), 1000))
    assert small[1] == large[1] == 1  # one history query per batch, whatever its size
    if session.get_bind().dialect.name == "postgresql":
        assert small[0] == large[0]  # and no statement per case anywhere in the pipeline


@pytest.fixture(scope="module")
def promoted_registry(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    registry = ModelRegistry(tmp_path_factory.mktemp("register"))
    version = registry.train_candidate(training_set(seed=21, scale=0.02).frame)
    stub = {
        "versie": version.versie,
        "data": {"fingerprint": "x"},
        "auc": 0.9,
        "ece": 0.0,
        "eerlijkheid": {"leeftijdsband": {"tpr_verschil": {"0.2": 0.0}, "kalibratieverschil": 0.0}},
    }
    registry.promote(version, gate(stub, None), door="test")
    return registry.root, version.versie


@pytest.fixture
def model_dir(
    promoted_registry: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    root, versie = promoted_registry
    monkeypatch.setenv("VROEGSIGNAAL_MODEL_DIR", str(root))
    get_settings.cache_clear()
    yield versie
    get_settings.cache_clear()


def test_the_promoted_model_orders_the_queue(session: Session, model_dir: str) -> None:
    result = run_intake(
        [
            _at(D(2026, 3, 2), "Huur", bedrag=3200, crisissignaal=True, client__huisnummer="1"),
            _at(D(2026, 3, 2), "Water", bedrag=60, client__huisnummer="2"),
        ],
        session=session,
        source="test",
        ontvangen_op="signaaldatum",
    )
    assert result.opgepakt == 2
    items = session.execute(
        select(WerkvoorraadItem).order_by(WerkvoorraadItem.prioriteit)
    ).scalars()
    low, high = list(items)
    assert low.scoremodel == high.scoremodel == model_dir
    assert high.prioriteit > low.prioriteit and 0 < low.prioriteit < 1
    assert "Crisissignaal: dreigende huisuitzetting" in high.prioriteit_redenen
