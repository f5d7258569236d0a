# SPDX-License-Identifier: EUPL-1.2
"""Features of a case from its signals and the household's earlier signals only.

Two steps, so training and scoring share one definition:
1. `case_table(signals)`: a fixed, documented aggregation of the signals of each case and
   its history into one row of raw, readable quantities (`RAW_FEATURES`). It learns
   nothing, so it is a function, not an estimator.
2. `ArrearsFeatures` (a scikit-learn transformer, in the model pipeline): arrears amounts
   relative to a typical monthly bill of the creditor type, log-scaled and clipped at
   learned thresholds.

No identifier, no address or postcode, no municipality, no creditor organisation (a
regional proxy), no age and no household composition ever reaches a feature:
`EXCLUDED_FEATURES` lists them and tests/models/test_features.py checks every name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from vroegsignaal.scoring import HISTORIE_MAANDEN

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

# What each feature means: (English, for the model card; Dutch, for the Algoritmeregister).
FEATURE_DOCS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        **{
            f"bedrag_{g}": (
                f"open arrears of creditor type '{g}' (EUR; the model uses months of a typical"
                f" bill of EUR {MAANDLAST[g]:.0f})",
                f"openstaande achterstand bij schuldeisers van het type '{g}', uitgedrukt in"
                f" maanden van een gemiddelde maandlast (€ {MAANDLAST[g]:.0f})",
            )
            for g in GROEPEN
        },
        "dagen_achterstand": (
            "age of the oldest open arrears at the case's latest signal (days)",
            "hoe lang de oudste openstaande achterstand al loopt (dagen)",
        ),
        "aantal_schuldeisers": (
            "creditors with open arrears (case and last 120 days)",
            "aantal schuldeisers met een openstaande achterstand",
        ),
        "schuldeisers_6m": (
            "distinct creditors that signalled in the case and the 6 months before",
            "aantal verschillende schuldeisers met een signaal in het afgelopen halfjaar",
        ),
        "herhalingen_6m": (
            "earlier calendar months with an accepted signal, in the 6 months before",
            "aantal eerdere maanden met een signaal in het afgelopen halfjaar",
        ),
        "groei": (
            "largest growth of a creditor's amount since its earliest signal (log ratio)",
            "grootste groei van een achterstand sinds het eerste signaal van die schuldeiser",
        ),
        "dagen_sinds_eerste": (
            "days since the household's first signal in the 6-month history",
            "dagen sinds het eerste signaal van het huishouden (binnen het afgelopen halfjaar)",
        ),
        "crisis_woon": (
            "crisis signal from a landlord or lender (threatening eviction)",
            "crisissignaal van verhuurder of hypotheekverstrekker (dreigende huisuitzetting)",
        ),
        "crisis_overig": (
            "crisis signal from another creditor (end of supply, disconnection, termination)",
            "crisissignaal van een andere schuldeiser (afsluiting, einde levering, beëindiging)",
        ),
        "crisis_eerder": (
            "a crisis signal in the 6-month history",
            "eerder crisissignaal in het afgelopen halfjaar",
        ),
        "warme_overdracht": (
            "the creditor already has contact with the resident (warm handover)",
            "de schuldeiser heeft al contact met de inwoner (warme overdracht)",
        ),
    }
)

# Protected and proxy attributes: never a feature, never an input of the model. Matched
# as substrings of every raw and transformed feature name.
EXCLUDED_FEATURES: frozenset[str] = frozenset(
    {
        # identity
        "naam",
        "voorletters",
        "tussenvoegsel",
        "achternaam",
        "bsn",
        "telefoon",
        "email",
        "klantreferentie",
        "huishouden",
        # address and region (proxies for neighbourhood and origin)
        "adres",
        "straat",
        "huisnummer",
        "postcode",
        "pc4",
        "woonplaats",
        "wijk",
        "buurt",
        "gemeente",
        # the creditor organisation: local corporations and water companies are regional
        "schuldeiser_code",
        "organisatie",
        # protected attributes
        "geboortedatum",
        "leeftijd",
        "geslacht",
        "nationaliteit",
        "etniciteit",
        "herkomst",
        # household facts no signal carries
        "alleenstaand",
        "huishoudsamenstelling",
        "woonvorm",
        "inkomen",
    }
)

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


def days(values: np.ndarray | pd.Series | Sequence[object]) -> np.ndarray:
    """Dates (datetime64, date objects or ISO strings) as int64 days since 1970-01-01."""
    arr = np.asarray(values, dtype="datetime64[D]")
    return (arr - _EPOCH).astype(np.int64)


def _month(d: np.ndarray) -> np.ndarray:
    return (d.astype("datetime64[D]")).astype("datetime64[M]").astype(np.int64)


def case_table(
    s: SignalArrays,
    *,
    historie_maanden: int = HISTORIE_MAANDEN,
    open_dagen: int = OPEN_DAGEN,
) -> pd.DataFrame:
    """One row of `RAW_FEATURES` per case, in case-index order.

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
    return pd.DataFrame(out, columns=list(RAW_FEATURES))


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


class ArrearsFeatures(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Arrears in months of a typical monthly bill, log-scaled: log(1 + bedrag / maandlast).

    Parameters
    ----------
    maandlasten : sequence of float or None
        Typical monthly bill per input column; None uses 1.0 (the amount itself).
    quantile : float
        Values above this training quantile (of the non-zero values) are clipped, so
        one extreme amount cannot dominate a score or its reasons.

    Attributes
    ----------
    thresholds_ : ndarray of shape (n_features,)
        Learned upper clip per column, on the log scale.
    """

    def __init__(self, maandlasten: Sequence[float] | None = None, quantile: float = 0.999) -> None:
        self.maandlasten = maandlasten
        self.quantile = quantile

    def _scale(self, n_features: int) -> np.ndarray:
        if self.maandlasten is None:
            return np.ones(n_features)
        scale = np.asarray(self.maandlasten, dtype=float)
        if scale.shape != (n_features,) or not np.all(scale > 0):
            raise ValueError(f"maandlasten needs {n_features} positive values")
        return scale

    def fit(self, X: object, y: object = None) -> ArrearsFeatures:
        X = validate_data(self, X, dtype=np.float64)
        if not 0.5 <= self.quantile <= 1.0:
            raise ValueError("quantile must be in [0.5, 1]")
        logged = np.log1p(np.maximum(X, 0.0) / self._scale(X.shape[1]))
        thresholds = np.empty(X.shape[1])
        for j in range(X.shape[1]):
            col = logged[:, j]
            nonzero = col[col > 0]
            thresholds[j] = np.quantile(nonzero, self.quantile) if nonzero.size else 1.0
        self.thresholds_ = thresholds
        return self

    def transform(self, X: object) -> np.ndarray:
        check_is_fitted(self, "thresholds_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        logged = np.log1p(np.maximum(X, 0.0) / self._scale(X.shape[1]))
        return np.minimum(logged, self.thresholds_)


class ClippedLog(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """log(1 + x) of counts and durations, clipped to the central range seen in training.

    Negative values (data errors) count as 0. Rare values outside the learned quantile
    range behave like the nearest common value, so the splines after this step never
    extrapolate from a handful of cases (a zero-day-old arrears, a tenth repeat month).

    Parameters
    ----------
    quantile_range : tuple of float
        Lower and upper training quantile of the logged values to clip at.

    Attributes
    ----------
    lower_, upper_ : ndarray of shape (n_features,)
        Learned clip bounds, on the log scale.
    """

    def __init__(self, quantile_range: tuple[float, float] = (0.001, 0.999)) -> None:
        self.quantile_range = quantile_range

    def fit(self, X: object, y: object = None) -> ClippedLog:
        X = validate_data(self, X, dtype=np.float64)
        lo, hi = self.quantile_range
        if not 0.0 <= lo < hi <= 1.0:
            raise ValueError("quantile_range needs 0 <= lower < upper <= 1")
        logged = np.log1p(np.maximum(X, 0.0))
        self.lower_ = np.quantile(logged, lo, axis=0)
        self.upper_ = np.quantile(logged, hi, axis=0)
        return self

    def transform(self, X: object) -> np.ndarray:
        check_is_fitted(self, ("lower_", "upper_"))
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return np.clip(np.log1p(np.maximum(X, 0.0)), self.lower_, self.upper_)
