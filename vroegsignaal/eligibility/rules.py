# SPDX-License-Identifier: EUPL-1.2
"""Per-municipality rule settings, read from the gemeente_instelling table.

One source for each threshold: `defaults.yaml` beside this module. `vroegsignaal db upgrade`
seeds every municipality's row from it (storage/seed.py), an administrator may change a
row, and the intake reads the rows (`RuleSet.load`). Code that needs a threshold without
a municipality takes it from the same file (`Rules.defaults`). docs/rules.md lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from vroegsignaal.storage.tables import GemeenteInstelling


@dataclass(frozen=True, slots=True)
class Rules:
    """The thresholds one municipality applies (days, months, whole euros; docs/rules.md
    says which rule wins and where each value comes from)."""

    gemeentecode: str
    actief: bool
    minimumbedragen: dict[str, int]  # whole euros per signaalpartner
    termijn_min_dagen: int
    termijn_max_dagen: int
    herhaal_periode_dagen: int
    opeenvolgend_maanden: int
    contact_termijn_dagen: int
    crisis_werkdagen: int
    bewaartermijn_maanden: int
    # a zaak closed with help that follows (vervolghulp): the debt-help file's term
    bewaartermijn_schuldhulp_maanden: int
    # an open zaak without a signal or contact attempt for this long is closed by the
    # system (cases/expiry.py); "bijna verlopen" this many days before
    zaak_max_leeftijd_maanden: int
    verloop_waarschuwing_dagen: int

    def minimumbedrag(self, signaalpartner: str) -> int:
        """The minimum amount for a kind of creditor (0 when none is set)."""
        return int(self.minimumbedragen.get(signaalpartner, 0))

    @classmethod
    def defaults(cls, gemeentecode: str) -> Rules:
        """The thresholds of defaults.yaml, for a municipality without a row of its own."""
        return _defaults(gemeentecode)


@lru_cache(maxsize=1)
def default_settings() -> dict[str, Any]:
    """defaults.yaml as a dict: `minimumbedragen` and the thresholds, as seeded."""
    text = resources.files(__package__).joinpath("defaults.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text))


@lru_cache(maxsize=512)
def _defaults(gemeentecode: str) -> Rules:
    d = default_settings()
    return Rules(gemeentecode=gemeentecode, actief=True,
                 minimumbedragen=dict(d["minimumbedragen"]), **{k: d[k] for k in THRESHOLDS})


THRESHOLDS = (
    "termijn_min_dagen", "termijn_max_dagen", "herhaal_periode_dagen", "opeenvolgend_maanden",
    "contact_termijn_dagen", "crisis_werkdagen", "bewaartermijn_maanden",
    "bewaartermijn_schuldhulp_maanden", "zaak_max_leeftijd_maanden", "verloop_waarschuwing_dagen",
)


class RuleSet:
    """The rules of every municipality, loaded once per intake call."""

    def __init__(self, rules: dict[str, Rules]) -> None:
        self._rules = rules

    @classmethod
    def load(cls, session: Session) -> RuleSet:
        """Every municipality's row of `gemeente_instelling`, read once per intake call.

        Read as plain rows, not ORM objects: 5.0 instead of 6.0 ms of client CPU for 345
        municipalities, every batch (measured 1 Dec 2026)."""
        g = GemeenteInstelling
        rows = session.execute(select(
            g.gemeentecode, g.actief, g.minimumbedragen, *(getattr(g, k) for k in THRESHOLDS)
        ))
        return cls(
            {
                r.gemeentecode: Rules(
                    gemeentecode=r.gemeentecode,
                    actief=r.actief,
                    minimumbedragen=dict(r.minimumbedragen or {}),
                    **{k: getattr(r, k) for k in THRESHOLDS},
                )
                for r in rows
            }
        )

    def get(self, gemeentecode: str) -> Rules | None:
        """The municipality's rules, or None when it has no row (BUITEN_GEMEENTE)."""
        return self._rules.get(gemeentecode)

    def fallback(self, gemeentecode: str | None) -> Rules:
        """The defaults (defaults.yaml) for a signal of no known or active municipality:
        they only date its retention, no rule is applied with them."""
        return Rules.defaults(gemeentecode or "")

    def require(self, gemeentecode: str) -> Rules:
        """The rules of a municipality that already passed eligibility (so it has rules)."""
        return self._rules[gemeentecode]

    @property
    def max_herhaal_dagen(self) -> int:
        """The longest repeat period of any municipality: how far back the intake looks."""
        rules = self._rules.values() or [Rules.defaults("")]
        return max(r.herhaal_periode_dagen for r in rules)

    @property
    def max_opeenvolgend_maanden(self) -> int:
        """The longest opeenvolgend period of any municipality, in calendar months."""
        rules = self._rules.values() or [Rules.defaults("")]
        return max(r.opeenvolgend_maanden for r in rules)
