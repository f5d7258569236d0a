# SPDX-License-Identifier: EUPL-1.2
"""Prometheus metrics of one API process, counted from the core's events after commit.

The API subscribes to `vroegsignaal.events.BUS` (ADR 0010) instead of counting in its
routes: whatever commits in this process (the REST intake, a zaak moved from a page, the
creditor upload) is counted once, and a rolled-back transaction not at all. Codes and
counts only, never personal data or a municipality. Each process has its own registry
(`uvicorn --workers N`: N series, summed by Prometheus), as each Kafka consumer has.
`GET /metrics` serves them in Prometheus' text format, outside the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest

from vroegsignaal.events import CaseStatusChanged, EventBus, IntakeCommitted


class CoreMetrics:
    """Counters fed by the core's events: signals per door and reason code, zaak moves
    per new status and role (worker or system)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.signals = Counter(
            "vroegsignaal_intake_signalen",
            "Messages taken through run_intake and committed, per door and reason code",
            ["bron", "reden"], registry=self.registry)
        self.case_moves = Counter(
            "vroegsignaal_zaak_statuswijzigingen",
            "Committed zaak moves per new status and role (medewerker or systeem)",
            ["status", "rol"], registry=self.registry)

    def on_intake(self, event: IntakeCommitted) -> None:
        """Count one committed intake batch."""
        for reden, n in event.result.per_reden().items():
            self.signals.labels(event.result.source, reden).inc(n)

    def on_case_move(self, event: CaseStatusChanged) -> None:
        """Count one committed zaak move."""
        self.case_moves.labels(event.new.value, event.role.value).inc()

    def subscribe(self, bus: EventBus) -> Callable[[], None]:
        """Listen on `bus` for the life of the process; returns the unsubscribe."""
        stops = [bus.subscribe(IntakeCommitted, self.on_intake),
                 bus.subscribe(CaseStatusChanged, self.on_case_move)]

        def unsubscribe() -> None:
            for stop in stops:
                stop()

        return unsubscribe

    def exposition(self) -> bytes:
        """The counters in Prometheus' text format."""
        return generate_latest(self.registry)


router = APIRouter(include_in_schema=False)


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """The process's counters for Prometheus."""
    core: CoreMetrics = request.app.state.metrics
    return Response(core.exposition(), media_type=CONTENT_TYPE_LATEST)
