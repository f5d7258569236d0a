# SPDX-License-Identifier: EUPL-1.2
"""The API's metrics count what the core announces after commit (api/metrics.py)."""

from __future__ import annotations

import datetime as dt

from api.metrics import CoreMetrics
from vroegsignaal.cases.workflow import CaseStatus, Role
from vroegsignaal.events import CaseStatusChanged, EventBus, IntakeCommitted
from vroegsignaal.intake.reason_codes import ReasonCode as R
from vroegsignaal.intake.result import IntakeResult, SignalOutcome


def _value(metrics: CoreMetrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


def _batch(source: str, *reasons: R) -> IntakeCommitted:
    return IntakeCommitted(IntakeResult("b-1", source, [SignalOutcome(i, r)
                                                        for i, r in enumerate(reasons)]))


def _move(new: CaseStatus, role: Role) -> CaseStatusChanged:
    return CaseStatusChanged(
        zaak_id=1, gemeentecode="GM0344", old=CaseStatus.NOG_NIET_OPGEPAKT, new=new, by="7",
        role=role, reason="", eindresultaat=None, version=2,
        at=dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
    )


def test_committed_batches_and_moves_are_counted_until_unsubscribed() -> None:
    bus, metrics = EventBus(), CoreMetrics()
    stop = metrics.subscribe(bus)
    bus.publish([_batch("api", R.OPGEPAKT, R.OPGEPAKT, R.BEZWAAR), _batch("kafka", R.DUPLICAAT)])
    bus.publish([_move(CaseStatus.OPGEPAKT, Role.WORKER)])
    name = "vroegsignaal_intake_signalen_total"
    assert _value(metrics, name, bron="api", reden="OPGEPAKT") == 2
    assert _value(metrics, name, bron="api", reden="BEZWAAR") == 1
    assert _value(metrics, name, bron="kafka", reden="DUPLICAAT") == 1
    moves = "vroegsignaal_zaak_statuswijzigingen_total"
    assert _value(metrics, moves, status=CaseStatus.OPGEPAKT.value, rol="medewerker") == 1
    stop()
    bus.publish([_batch("api", R.OPGEPAKT)])
    assert _value(metrics, name, bron="api", reden="OPGEPAKT") == 2
    text = metrics.exposition().decode()
    assert 'vroegsignaal_intake_signalen_total{bron="api",reden="OPGEPAKT"} 2.0' in text
