# SPDX-License-Identifier: EUPL-1.2
"""What one intake call did, per signal and in counts; ids and codes only, no personal data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from vroegsignaal.contract.enums import Signaalstatus
from vroegsignaal.intake.reason_codes import ReasonCode


@dataclass(slots=True)
class SignalOutcome:
    positie: int
    reden: ReasonCode
    schuldeiser: str | None = None
    signaal_id: str | None = None
    gemeentecode: str | None = None
    signaalpartner: str | None = None
    zaak_id: int | None = None
    details: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> Signaalstatus | None:
        return self.reden.ddas_status

    def as_dict(self) -> dict[str, Any]:
        return {
            "positie": self.positie,
            "schuldeiser": self.schuldeiser,
            "signaalId": self.signaal_id,
            "reden": self.reden.value,
            "status": self.status.value if self.status else None,
            "gemeentecode": self.gemeentecode,
            "zaakId": self.zaak_id,
            "details": self.details,
        }


@dataclass(slots=True)
class IntakeResult:
    batch_id: str
    source: str  # the door (stored as intake_batch.bron)
    outcomes: list[SignalOutcome]
    verwijderde_velden: Counter[str] = field(default_factory=Counter)
    nieuwe_zaken: int = 0

    def per_reden(self) -> Counter[str]:
        return Counter(o.reden.value for o in self.outcomes)

    def per_gemeente(self) -> Counter[str]:
        return Counter(o.gemeentecode for o in self.outcomes if o.gemeentecode and o.reden.stored)

    def per_signaalpartner(self) -> Counter[str]:
        return Counter(o.signaalpartner for o in self.outcomes if o.signaalpartner)

    @property
    def opgepakt(self) -> int:
        return sum(1 for o in self.outcomes if o.reden is ReasonCode.OPGEPAKT)

    @property
    def opgeslagen(self) -> int:
        return sum(1 for o in self.outcomes if o.reden.stored)

    def summary(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "bron": self.source,
            "ontvangen": len(self.outcomes),
            "opgeslagen": self.opgeslagen,
            "opgepakt": self.opgepakt,
            "nieuwe_zaken": self.nieuwe_zaken,
            "per_reden": dict(self.per_reden()),
            "verwijderde_velden": dict(self.verwijderde_velden),
        }


@dataclass(slots=True)
class IntakeTotals:
    """Counts over many batches (a file, a demo run, a consumer's lifetime)."""

    ontvangen: int = 0
    nieuwe_zaken: int = 0
    batches: int = 0
    per_reden: Counter[str] = field(default_factory=Counter)
    per_gemeente: Counter[str] = field(default_factory=Counter)
    per_signaalpartner: Counter[str] = field(default_factory=Counter)
    verwijderde_velden: Counter[str] = field(default_factory=Counter)

    def add(self, result: IntakeResult) -> None:
        self.batches += 1
        self.ontvangen += len(result.outcomes)
        self.nieuwe_zaken += result.nieuwe_zaken
        self.per_reden.update(result.per_reden())
        self.per_gemeente.update(result.per_gemeente())
        self.per_signaalpartner.update(result.per_signaalpartner())
        self.verwijderde_velden.update(result.verwijderde_velden)

    @property
    def opgepakt(self) -> int:
        return self.per_reden.get(ReasonCode.OPGEPAKT.value, 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ontvangen": self.ontvangen,
            "opgepakt": self.opgepakt,
            "nieuwe_zaken": self.nieuwe_zaken,
            "batches": self.batches,
            "per_reden": dict(self.per_reden.most_common()),
            "per_gemeente": dict(self.per_gemeente.most_common()),
            "per_signaalpartner": dict(self.per_signaalpartner.most_common()),
            "verwijderde_velden": dict(self.verwijderde_velden.most_common()),
        }

    def merge(self, other: IntakeTotals) -> None:
        self.ontvangen += other.ontvangen
        self.nieuwe_zaken += other.nieuwe_zaken
        self.batches += other.batches
        self.per_reden.update(other.per_reden)
        self.per_gemeente.update(other.per_gemeente)
        self.per_signaalpartner.update(other.per_signaalpartner)
        self.verwijderde_velden.update(other.verwijderde_velden)
