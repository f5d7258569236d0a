# SPDX-License-Identifier: EUPL-1.2
"""The case table: raw, readable features of each case from its signals and history.

NumPy only, so the intake processes that score with a promoted model import neither
scikit-learn nor pandas (models/portable.py); `models.features` and `models.data` re-export
everything here for training and evaluation.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import count
from operator import attrgetter
from types import MappingProxyType
from typing import Any

import numpy as np

from vroegsignaal.cases.features import HISTORIE_MAANDEN, CaseFeatures

# Creditor-type groups: each DDAS signaalpartner belongs to exactly one.
GROEPEN: tuple[str, ...] = (
    "huur",
    "hypotheek",
    "energie",
    "water",
    "zorg",
    "cak",
    "overheid",
    "overige",
)
GROEP_VAN_PARTNER: Mapping[str, str] = MappingProxyType(
    {
        "Huur": "huur",
        "Hypotheek": "hypotheek",
        "Energie": "energie",
        "Water": "water",
        "Zorg": "zorg",
        "CAK Zorgverzekeringen": "cak",
        "CAK Eigen bijdrage": "cak",
        "DUO": "overheid",
        "Belastingdienst": "overheid",
        "Dienst Toeslagen": "overheid",
        "Overige": "overige",
    }
)
_GROEP_INDEX = {g: i for i, g in enumerate(GROEPEN)}
PARTNER_CODE: Mapping[str, int] = MappingProxyType(
    {p: _GROEP_INDEX[g] for p, g in GROEP_VAN_PARTNER.items()}
)
WOON = (_GROEP_INDEX["huur"], _GROEP_INDEX["hypotheek"])

# A typical monthly bill per creditor type (EUR, 2023 price levels): the amount is
# expressed in months of it. Sources: average social rent about EUR 620-700, basic
# health premium about EUR 140, energy about EUR 180, water about EUR 25 a month; the
# others are assumptions. Never the household's own rent: that is not in a signal.
MAANDLAST: Mapping[str, float] = MappingProxyType(
    {
        "huur": 700.0,
        "hypotheek": 950.0,
        "energie": 180.0,
        "water": 25.0,
        "zorg": 140.0,
        "cak": 175.0,
        "overheid": 100.0,
        "overige": 40.0,
    }
)

BEDRAG_FEATURES: tuple[str, ...] = tuple(f"bedrag_{g}" for g in GROEPEN)
TELLING_FEATURES: tuple[str, ...] = (
    "dagen_achterstand",
    "aantal_schuldeisers",
    "schuldeisers_6m",
    "herhalingen_6m",
    "groei",
    "dagen_sinds_eerste",
)
VLAG_FEATURES: tuple[str, ...] = (
    "crisis_woon",
    "crisis_overig",
    "crisis_eerder",
    "warme_overdracht",
)
RAW_FEATURES: tuple[str, ...] = BEDRAG_FEATURES + TELLING_FEATURES + VLAG_FEATURES

_EPOCH = np.datetime64("1970-01-01", "D")
# Arrears whose latest signal is at most this old count as still open (the 30-100 day
# window plus a month: a creditor signals again within it while the arrears grow).
OPEN_DAGEN = 120


@dataclass(frozen=True, slots=True)
class SignalArrays:
    """The signals of n cases as parallel arrays; the common input of `case_table`.

    `zaak` is the case index (0..n-1) of each signal; `historie` marks a household's
    earlier signal; dates are days since 1970-01-01. `peildatum` has one entry per case.
    """

    zaak: np.ndarray  # int64
    historie: np.ndarray  # bool
    groep: np.ndarray  # int8 index into GROEPEN
    schuldeiser: np.ndarray  # int64 code: equal codes are the same creditor
    bedrag: np.ndarray  # float64 EUR
    ontstaansdatum: np.ndarray  # int64 days
    signaaldatum: np.ndarray  # int64 days
    crisissignaal: np.ndarray  # bool
    warme_overdracht: np.ndarray  # bool
    peildatum: np.ndarray  # int64 days, per case

    @property
    def n_cases(self) -> int:
        return int(self.peildatum.size)


def days(values: Any) -> np.ndarray:
    """Dates (datetime64, date objects or ISO strings) as int64 days since 1970-01-01."""
    arr = np.asarray(values, dtype="datetime64[D]")
    return (arr - _EPOCH).astype(np.int64)


def _month(d: np.ndarray) -> np.ndarray:
    return (d.astype("datetime64[D]")).astype("datetime64[M]").astype(np.int64)


def case_matrix(
    s: SignalArrays,
    *,
    historie_maanden: int = HISTORIE_MAANDEN,
    open_dagen: int = OPEN_DAGEN,
) -> np.ndarray:
    """One row of `RAW_FEATURES` per case (float64, columns in that order), in case-index
    order.

    Open arrears are the latest amount of each creditor among the case's signals and the
    history of the last `open_dagen` days: a landlord who signalled last month still has
    its arrears when this month's signal comes from the health insurer.
    """
    n = s.n_cases
    ci, hist = s.zaak, s.historie
    peil = s.peildatum
    peil_m = _month(peil)
    sig_m = _month(s.signaaldatum)
    # History: earlier calendar months within the window; anything else is ignored.
    in_window = hist & (sig_m < peil_m[ci]) & (sig_m >= peil_m[ci] - historie_maanden)
    case = ~hist
    recent = case | (in_window & (peil[ci] - s.signaaldatum <= open_dagen))
    width = int(s.schuldeiser.max(initial=0)) + 1

    # The latest signal of each creditor counts (a grown repeat replaces the earlier one).
    r_idx = np.flatnonzero(recent)
    order = r_idx[np.lexsort((s.signaaldatum[r_idx], s.schuldeiser[r_idx], ci[r_idx]))]
    key = ci[order] * width + s.schuldeiser[order]
    last = np.ones(order.size, dtype=bool)
    last[:-1] = key[1:] != key[:-1]
    latest = order[last]
    g = len(GROEPEN)
    bedragen = np.bincount(
        ci[latest] * g + s.groep[latest], weights=s.bedrag[latest], minlength=n * g
    ).reshape(n, g)

    out = {f"bedrag_{name}": bedragen[:, i] for i, name in enumerate(GROEPEN)}
    dagen = np.zeros(n)
    np.maximum.at(dagen, ci[latest], (peil[ci] - s.ontstaansdatum)[latest].astype(float))
    out["dagen_achterstand"] = dagen
    out["aantal_schuldeisers"] = np.bincount(ci[latest], minlength=n).astype(float)

    both = case | in_window
    pairs = np.unique(ci[both] * width + s.schuldeiser[both])
    out["schuldeisers_6m"] = np.bincount(pairs // width, minlength=n).astype(float)
    months = np.unique(ci[in_window] * 10_000 + (peil_m[ci] - sig_m)[in_window])
    out["herhalingen_6m"] = np.bincount(months // 10_000, minlength=n).astype(float)
    out["groei"] = _growth(s, latest, in_window, width, n)
    eerste = peil.astype(float).copy()
    np.minimum.at(eerste, ci[both], s.signaaldatum[both].astype(float))
    out["dagen_sinds_eerste"] = peil - eerste

    woon = np.isin(s.groep, WOON)
    crisis = s.crisissignaal
    out["crisis_woon"] = _any(ci, case & crisis & woon, n)
    out["crisis_overig"] = _any(ci, case & crisis & ~woon, n)
    out["crisis_eerder"] = _any(ci, in_window & crisis, n)
    out["warme_overdracht"] = _any(ci, case & s.warme_overdracht, n)
    return np.column_stack([np.asarray(out[f], dtype=float) for f in RAW_FEATURES])


def _any(ci: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    return (np.bincount(ci[mask], minlength=n) > 0).astype(float)


def _growth(
    s: SignalArrays, latest: np.ndarray, in_window: np.ndarray, width: int, n: int
) -> np.ndarray:
    """Max log growth of a creditor's amount since its earliest signal in the history."""
    out = np.zeros(n)
    h = np.flatnonzero(in_window)
    if h.size == 0 or latest.size == 0:
        return out
    h_keys = s.zaak[h] * width + s.schuldeiser[h]
    uniq, inverse = np.unique(h_keys, return_inverse=True)
    first = np.full(uniq.size, np.inf)
    np.minimum.at(first, inverse, s.bedrag[h])
    c_keys = s.zaak[latest] * width + s.schuldeiser[latest]
    pos = np.minimum(np.searchsorted(uniq, c_keys), uniq.size - 1)
    found = uniq[pos] == c_keys
    growth = np.log(np.maximum(s.bedrag[latest], 1.0) / np.maximum(first[pos], 1.0))
    growth = np.where(found, np.maximum(growth, 0.0), 0.0)
    np.maximum.at(out, s.zaak[latest], growth)
    return out


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


_PARTNER, _SCHULDEISER, _BEDRAG = (attrgetter(a) for a in ("signaalpartner", "schuldeiser",
                                                               "bedrag"))
_ONTSTAAN, _SIGNAAL = attrgetter("ontstaansdatum"), attrgetter("signaaldatum")
_CRISIS, _WARM = attrgetter("crisissignaal"), attrgetter("warme_overdracht")


def _ordinal_days(dates: Iterable[dt.date], n: int) -> np.ndarray:
    """Date objects as days since 1970-01-01; toordinal is ~20x faster than datetime64 parsing."""
    return np.fromiter(map(dt.date.toordinal, dates), dtype=np.int64, count=n) - _EPOCH_ORDINAL


def cases_to_arrays(cases: Sequence[CaseFeatures]) -> SignalArrays:
    """The scorer's input as arrays: the pipeline's cases, in order, with their history.

    Called for every batch the intake scores, so written for speed: one pass over the
    signals per column, lengths and flags by np.repeat.
    """
    n = len(cases)
    lengths = np.empty(2 * n, dtype=np.int64)
    lengths[0::2] = [len(c.signalen) for c in cases]
    lengths[1::2] = [len(c.historie) for c in cases]
    rows = [s for c in cases for part in (c.signalen, c.historie) for s in part]
    if not rows:
        raise ValueError("no signals to score")
    m = len(rows)
    # C-level iteration (map over attrgetter) rather than generator expressions: the
    # intake calls this for every batch, with each case's history.
    partner = defaultdict(lambda: PARTNER_CODE["Overige"], PARTNER_CODE)  # never crash
    seen: dict[str, int] = {}  # equal codes are the same creditor; the numbers mean nothing
    codes = np.fromiter(map(seen.setdefault, map(_SCHULDEISER, rows), count()),
                        dtype=np.int64, count=m)
    return SignalArrays(
        zaak=np.repeat(np.repeat(np.arange(n, dtype=np.int64), 2), lengths),
        historie=np.repeat(np.tile(np.array([False, True]), n), lengths),
        groep=np.fromiter(map(partner.__getitem__, map(_PARTNER, rows)), dtype=np.int8, count=m),
        schuldeiser=codes,
        bedrag=np.fromiter(map(_BEDRAG, rows), dtype=float, count=m),
        ontstaansdatum=_ordinal_days(map(_ONTSTAAN, rows), m),
        signaaldatum=_ordinal_days(map(_SIGNAAL, rows), m),
        crisissignaal=np.fromiter(map(_CRISIS, rows), dtype=bool, count=m),
        warme_overdracht=np.fromiter(map(_WARM, rows), dtype=bool, count=m),
        peildatum=_ordinal_days((c.peildatum for c in cases), n),
    )
