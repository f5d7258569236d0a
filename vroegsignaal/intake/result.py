# SPDX-License-Identifier: EUPL-1.2
"""What one intake call did, per signal and in counts; ids and codes only, no personal data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from vroegsignaal.contract.enums import Signaalstatus
from vroegsignaal.intake.reason_codes import ReasonCode


@dataclass(frozen=True, slots=True)
class SignalOutcome:
    """What happened to one message of a batch: ids and codes only, no personal data.

    `positie` is the message's place in what the door delivered (`RawInput.positie`);
    `reden` the one `ReasonCode` the first refusing rule gave, or OPGEPAKT. `schuldeiser`
    and `signaal_id` are set when the message had readable ids, `gemeentecode` when its
    postcode names a municipality, `zaak_id` when it joined a zaak. `details` name
    contract errors (field and error type). For a replay (DUPLICAAT), `first_reason` is
    the reason the signal got when it was first taken in: what the creditor is told.
    """

    positie: int
    reden: ReasonCode
    schuldeiser: str | None = None
    signaal_id: str | None = None
    gemeentecode: str | None = None
    signaalpartner: str | None = None
    zaak_id: int | None = None
    details: list[dict[str, Any]] = field(default_factory=list)
    first_reason: ReasonCode | None = None
    # The stored DDAS status when it is not the one `reden` gives: a signal that joined a
    # zaak a worker picked up ("Opgepakt"), a replay (the stored signal's current status).
    status: Signaalstatus | None = None


@dataclass(slots=True)
class IntakeResult:
    """What one `run_intake` call did: one `SignalOutcome` per input, in input order.

    `batch_id` names the `intake_batch` row; `source` the door (column `bron`);
    `verwijderde_velden` counts the field names dropped before storage (DOMAIN.md: only
    the allowed data set is kept); `nieuwe_zaken` the zaken the batch opened.
    """

    batch_id: str
    source: str
    outcomes: list[SignalOutcome]
    verwijderde_velden: Counter[str] = field(default_factory=Counter)
    nieuwe_zaken: int = 0

    def per_reden(self) -> Counter[str]:
        """Outcomes per reason code."""
        return Counter(o.reden.value for o in self.outcomes)

    def per_gemeente(self) -> Counter[str]:
        """Stored signals per municipality."""
        return Counter(o.gemeentecode for o in self.outcomes if o.gemeentecode and o.reden.stored)

    def per_signaalpartner(self) -> Counter[str]:
        """Outcomes per kind of creditor, where the message named one."""
        return Counter(o.signaalpartner for o in self.outcomes if o.signaalpartner)

    @property
    def opgepakt(self) -> int:
        """Signals picked up (in a zaak and the werkvoorraad)."""
        return sum(1 for o in self.outcomes if o.reden is ReasonCode.OPGEPAKT)

    @property
    def opgeslagen(self) -> int:
        """Signals stored (picked up or refused after storage)."""
        return sum(1 for o in self.outcomes if o.reden.stored)


MAX_REFUSED_LINES = 1000  # refused records named by line in a summary; the rest counted


@dataclass(slots=True)
class IntakeTotals:
    """Counts over many batches (a file, a demo run, a consumer's lifetime).

    Every record received is one of `opgeslagen` (stored, picked up or not), `geweigerd`
    (refused before storage) or `al_ontvangen` (a replay): they add up to `ontvangen`.
    For a file, `regels` counts its physical lines by kind (contract/lines.py: header,
    records, blank lines ignored, continuation lines), `geweigerde_regels` names the first
    refused records by line with reason and error codes, and `bestand_geweigerd` is the
    code when the file was refused whole (nothing read).
    """

    ontvangen: int = 0
    nieuwe_zaken: int = 0
    batches: int = 0
    per_reden: Counter[str] = field(default_factory=Counter)
    per_gemeente: Counter[str] = field(default_factory=Counter)
    per_signaalpartner: Counter[str] = field(default_factory=Counter)
    verwijderde_velden: Counter[str] = field(default_factory=Counter)
    regels: Counter[str] = field(default_factory=Counter)
    geweigerde_regels: list[dict[str, Any]] = field(default_factory=list)
    bestand_geweigerd: str | None = None

    def add(self, result: IntakeResult) -> None:
        """Count one more batch in."""
        self.batches += 1
        self.ontvangen += len(result.outcomes)
        self.nieuwe_zaken += result.nieuwe_zaken
        self.per_reden.update(result.per_reden())
        self.per_gemeente.update(result.per_gemeente())
        self.per_signaalpartner.update(result.per_signaalpartner())
        self.verwijderde_velden.update(result.verwijderde_velden)
        room = MAX_REFUSED_LINES - len(self.geweigerde_regels)
        if room > 0:
            self.geweigerde_regels.extend(
                {"regel": o.positie, "reden": o.reden.value,
                 "fouten": [":".join(filter(None, (d.get("veld"), d.get("fout"))))
                            for d in o.details]}
                for o in result.outcomes
                if _refused(o.reden)
            )
            del self.geweigerde_regels[MAX_REFUSED_LINES:]

    @property
    def opgepakt(self) -> int:
        """Signals picked up over all batches."""
        return self.per_reden.get(ReasonCode.OPGEPAKT.value, 0)

    @property
    def opgeslagen(self) -> int:
        """Records stored (picked up, or refused by a rule after storage)."""
        return sum(n for r, n in self.per_reden.items() if ReasonCode(r).stored)

    @property
    def al_ontvangen(self) -> int:
        """Replays: received before, nothing changed."""
        return self.per_reden.get(ReasonCode.DUPLICAAT.value, 0)

    @property
    def geweigerd(self) -> int:
        """Records refused before storage (contract, objection, sender, conflict)."""
        return sum(n for r, n in self.per_reden.items() if _refused(ReasonCode(r)))

    @property
    def accepted(self) -> int:
        """Records taken in: stored now or before (the command line's exit code)."""
        return self.opgeslagen + self.al_ontvangen

    def as_dict(self) -> dict[str, Any]:
        """The totals as plain data (most frequent first), for summaries and task results."""
        return {
            "ontvangen": self.ontvangen,
            "opgeslagen": self.opgeslagen,
            "opgepakt": self.opgepakt,
            "geweigerd": self.geweigerd,
            "al_ontvangen": self.al_ontvangen,
            "nieuwe_zaken": self.nieuwe_zaken,
            "batches": self.batches,
            "per_reden": dict(self.per_reden.most_common()),
            "per_gemeente": dict(self.per_gemeente.most_common()),
            "per_signaalpartner": dict(self.per_signaalpartner.most_common()),
            "verwijderde_velden": dict(self.verwijderde_velden.most_common()),
            "regels": dict(self.regels),
            "geweigerde_regels": list(self.geweigerde_regels),
            "bestand_geweigerd": self.bestand_geweigerd,
        }

    def merge(self, other: IntakeTotals) -> None:
        """Add another worker's totals."""
        self.ontvangen += other.ontvangen
        self.nieuwe_zaken += other.nieuwe_zaken
        self.batches += other.batches
        self.per_reden.update(other.per_reden)
        self.per_gemeente.update(other.per_gemeente)
        self.per_signaalpartner.update(other.per_signaalpartner)
        self.verwijderde_velden.update(other.verwijderde_velden)
        self.regels.update(other.regels)
        self.geweigerde_regels = sorted(
            self.geweigerde_regels + other.geweigerde_regels, key=lambda r: r["regel"]
        )[:MAX_REFUSED_LINES]
        self.bestand_geweigerd = self.bestand_geweigerd or other.bestand_geweigerd


def _refused(reden: ReasonCode) -> bool:
    return not reden.stored and reden is not ReasonCode.DUPLICAAT
