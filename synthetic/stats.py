# SPDX-License-Identifier: EUPL-1.2
"""Counts of what a generator run emitted, for reports and calibration checks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class GenerationStats:
    """Counts per gemeente, signaalpartner, kind and month.

    Kinds: "geldig", "bezwaar" and "ongeldig" are exclusive and add up to `total`;
    "ongeldig:<defect>" splits the invalid ones; "crisis", "warme_overdracht",
    "herhaling", "buiten_venster" and "onbekend_veld" are overlapping flags.
    """

    total: int = 0
    households: int = 0
    inwoners: dict[str, int] = field(default_factory=dict)  # per gemeentecode
    months: int = 0
    per_gemeente: Counter[str] = field(default_factory=Counter)
    per_signaalpartner: Counter[str] = field(default_factory=Counter)
    per_kind: Counter[str] = field(default_factory=Counter)
    per_maand: Counter[str] = field(default_factory=Counter)  # "YYYY-MM" of signaaldatum

    def rate_per_1000(self) -> float:
        """Signals per 1,000 inhabitants per month over the whole run."""
        pop = sum(self.inwoners.values())
        return 1000.0 * self.total / (pop * self.months) if pop and self.months else 0.0

    def share(self, signaalpartner: str) -> float:
        return self.per_signaalpartner[signaalpartner] / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "households": self.households,
            "rate_per_1000_per_month": round(self.rate_per_1000(), 3),
            "per_gemeente": dict(sorted(self.per_gemeente.items())),
            "per_signaalpartner": dict(self.per_signaalpartner.most_common()),
            "per_kind": dict(sorted(self.per_kind.items())),
            "per_maand": dict(sorted(self.per_maand.items())),
        }
