# SPDX-License-Identifier: EUPL-1.2
"""Per-municipality rule settings, read from the gemeente_instelling table."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from vroegsignaal.storage.tables import GemeenteInstelling


@dataclass(frozen=True, slots=True)
class Rules:
    """The thresholds one municipality applies; see docs/rules.md for which rule wins."""

    gemeentecode: str
    actief: bool = True
    minimumbedragen: dict[str, int] = field(default_factory=dict)
    termijn_min_dagen: int = 30
    termijn_max_dagen: int = 100
    herhaal_periode_dagen: int = 90
    opeenvolgend_maanden: int = 6
    contact_termijn_dagen: int = 14
    crisis_werkdagen: int = 3
    bewaartermijn_maanden: int = 6
    # a zaak closed with help that follows (vervolghulp): the debt-help file's term
    bewaartermijn_schuldhulp_maanden: int = 84

    def minimumbedrag(self, signaalpartner: str) -> int:
        return int(self.minimumbedragen.get(signaalpartner, 0))


@lru_cache(maxsize=1)
def default_settings() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("defaults.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text))


@lru_cache(maxsize=512)
def _defaults(gemeentecode: str) -> Rules:
    d = default_settings()
    return Rules(gemeentecode=gemeentecode, minimumbedragen=dict(d["minimumbedragen"]),
                 **{k: d[k] for k in _THRESHOLDS})


_THRESHOLDS = (
    "termijn_min_dagen", "termijn_max_dagen", "herhaal_periode_dagen", "opeenvolgend_maanden",
    "contact_termijn_dagen", "crisis_werkdagen", "bewaartermijn_maanden",
    "bewaartermijn_schuldhulp_maanden",
)


class RuleSet:
    """The rules of every municipality, loaded once per intake call."""

    def __init__(self, rules: dict[str, Rules]) -> None:
        self._rules = rules

    @classmethod
    def load(cls, session: Session) -> RuleSet:
        rows = session.execute(select(GemeenteInstelling)).scalars()
        return cls(
            {
                r.gemeentecode: Rules(
                    gemeentecode=r.gemeentecode,
                    actief=r.actief,
                    minimumbedragen=dict(r.minimumbedragen or {}),
                    termijn_min_dagen=r.termijn_min_dagen,
                    termijn_max_dagen=r.termijn_max_dagen,
                    herhaal_periode_dagen=r.herhaal_periode_dagen,
                    opeenvolgend_maanden=r.opeenvolgend_maanden,
                    contact_termijn_dagen=r.contact_termijn_dagen,
                    crisis_werkdagen=r.crisis_werkdagen,
                    bewaartermijn_maanden=r.bewaartermijn_maanden,
                    bewaartermijn_schuldhulp_maanden=r.bewaartermijn_schuldhulp_maanden,
                )
                for r in rows
            }
        )

    def get(self, gemeentecode: str) -> Rules | None:
        return self._rules.get(gemeentecode)

    def fallback(self, gemeentecode: str | None) -> Rules:
        """The defaults (defaults.yaml) for a signal of no known or active municipality:
        they only date its retention, no rule is applied with them."""
        return _defaults(gemeentecode or "")

    def require(self, gemeentecode: str) -> Rules:
        """The rules of a municipality that already passed eligibility (so it has rules)."""
        return self._rules[gemeentecode]

    @property
    def max_herhaal_dagen(self) -> int:
        return max((r.herhaal_periode_dagen for r in self._rules.values()), default=90)

    @property
    def max_opeenvolgend_maanden(self) -> int:
        return max((r.opeenvolgend_maanden for r in self._rules.values()), default=6)
