# SPDX-License-Identifier: EUPL-1.2
"""Reason codes in plain Dutch: the largest positive contributions of a case's features.

NumPy only (the intake's scorer imports it; models/portable.py). How the contributions
are computed is in models/explain.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import numpy as np

from models.casetable import MAANDLAST, RAW_FEATURES

GEEN_REDEN = "Geen factoren die het risico verhogen ten opzichte van een gemiddelde melding"
MAX_REDENEN = 3
MIN_BIJDRAGE = 0.05  # log-odds; smaller contributions are not worth a worker's attention


def _euro(amount: float) -> str:
    return f"€ {round(amount):,}".replace(",", ".")


def _times(amount: float, groep: str) -> str:
    ratio = amount / MAANDLAST[groep]
    return f"{ratio:.1f}".replace(".", ",")


def _growth_pct(log_ratio: float) -> str:
    # Capped so a data error (an amount a million times the earlier one) stays readable.
    return f"{round(100 * (math.exp(min(log_ratio, 5.0)) - 1)):,}".replace(",", ".")


def _months(days: float) -> str:
    n = max(1, round(days / 30.44))
    return "1 maand" if n == 1 else f"{n} maanden"


_TEKST: Mapping[str, Callable[[float], str]] = MappingProxyType(
    {
        "bedrag_huur": lambda v: (
            f"Huurachterstand van {_euro(v)} (ongeveer {_times(v, 'huur')} keer een"
            " gemiddelde maandhuur)"
        ),
        "bedrag_hypotheek": lambda v: f"Achterstand hypotheek van {_euro(v)}",
        "bedrag_energie": lambda v: f"Achterstand energie van {_euro(v)}",
        "bedrag_water": lambda v: f"Achterstand drinkwater van {_euro(v)}",
        "bedrag_zorg": lambda v: f"Achterstand zorgverzekering van {_euro(v)}",
        "bedrag_cak": lambda v: f"Achterstand bij het CAK van {_euro(v)}",
        "bedrag_overheid": lambda v: f"Schuld bij DUO, Belastingdienst of Toeslagen van {_euro(v)}",
        "bedrag_overige": lambda v: f"Overige achterstand van {_euro(v)}",
        "dagen_achterstand": lambda v: f"Achterstand loopt al {round(v)} dagen",
        "aantal_schuldeisers": lambda v: f"{round(v)} schuldeisers met een openstaande achterstand",
        "schuldeisers_6m": lambda v: (
            f"{round(v)} verschillende schuldeisers in het afgelopen halfjaar"
        ),
        "herhalingen_6m": lambda v: (
            "Ook een signaal in een eerdere maand van het afgelopen halfjaar"
            if round(v) == 1
            else f"Signalen in {round(v)} eerdere maanden van het afgelopen halfjaar"
        ),
        "groei": lambda v: f"Achterstand met {_growth_pct(v)}% gegroeid sinds een eerder signaal",
        "dagen_sinds_eerste": lambda v: f"Eerste signaal {_months(v)} geleden",
        "crisis_woon": lambda v: "Crisissignaal: dreigende huisuitzetting",
        "crisis_overig": lambda v: "Crisissignaal: dreigende afsluiting of beëindiging",
        "crisis_eerder": lambda v: "Eerder crisissignaal in het afgelopen halfjaar",
        "warme_overdracht": lambda v: "Schuldeiser heeft al contact met de inwoner",
    }
)
if set(_TEKST) != set(RAW_FEATURES):  # pragma: no cover - a developer error at import
    raise RuntimeError("every feature needs a reason text")


@lru_cache(maxsize=65536)
def reden(feature: str, value: float) -> str:
    """The Dutch reason text for one feature at one value."""
    return _TEKST[feature](value)


_GROEI = RAW_FEATURES.index("groei")
_GEEN = np.empty(1, dtype=object)
_GEEN[0] = (GEEN_REDEN,)
_KEY = 10**11  # feature index * _KEY + rounded value: one int64 per (feature, value)


def _rounded_keys(features: np.ndarray, values: np.ndarray) -> np.ndarray:
    # Growth is shown as a percentage: two decimals of its log; the rest whole numbers.
    scaled = np.where(features == _GROEI, np.rint(values * 100), np.rint(values))
    return features.astype(np.int64) * _KEY + scaled.astype(np.int64)


def _text_of_key(key: int) -> str:
    feature, scaled = divmod(key, _KEY)
    value = scaled / 100 if feature == _GROEI else float(scaled)
    return reden(RAW_FEATURES[feature], value)


def reasons(
    X: Any,
    contributions: np.ndarray,
    *,
    max_redenen: int = MAX_REDENEN,
    min_bijdrage: float = MIN_BIJDRAGE,
) -> list[tuple[str, ...]]:
    """Per case, the texts of its largest positive contributions (present features only).

    Vectorised: each distinct (feature, value) is formatted once per batch.
    """
    # A frame with the RAW_FEATURES columns (training code) or the case matrix itself.
    values = (X[list(RAW_FEATURES)].to_numpy(dtype=float) if hasattr(X, "columns")
              else np.asarray(X, dtype=float))
    n = values.shape[0]
    eligible = (contributions >= min_bijdrage) & (values > 0)
    ranked = np.where(eligible, contributions, -np.inf)
    k = min(max_redenen, ranked.shape[1])
    top = np.argsort(-ranked, axis=1, kind="stable")[:, :k]  # eligible ones come first
    count = np.minimum(eligible.sum(axis=1), k)
    rows = np.arange(n)
    slots: list[np.ndarray] = []
    for j in range(k):
        texts = np.full(n, "", dtype=object)
        has = count > j
        if has.any():
            f = top[has, j]
            keys = _rounded_keys(f, values[rows[has], f])
            unique, inverse = np.unique(keys, return_inverse=True)
            formatted = np.array([_text_of_key(int(u)) for u in unique], dtype=object)
            texts[has] = formatted[inverse]
        slots.append(texts)
    out = np.empty(n, dtype=object)
    out[count == 0] = _GEEN  # one shared tuple, set as a single object
    for c in range(1, k + 1):
        idx = np.flatnonzero(count == c)
        if idx.size:
            chosen = zip(*(slot[idx].tolist() for slot in slots[:c]), strict=True)
            # fromiter keeps each tuple one object (a list of tuples would become 2-D)
            out[idx] = np.fromiter(chosen, dtype=object, count=idx.size)
    return out.tolist()
