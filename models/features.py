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
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from models.casetable import (  # re-exported: training code imports them from here
    BEDRAG_FEATURES,
    GROEP_VAN_PARTNER,
    GROEPEN,
    MAANDLAST,
    OPEN_DAGEN,
    PARTNER_CODE,
    RAW_FEATURES,
    TELLING_FEATURES,
    VLAG_FEATURES,
    WOON,
    SignalArrays,
    case_matrix,
    days,
)

__all__ = [
    "BEDRAG_FEATURES", "EXCLUDED_FEATURES", "FEATURE_DOCS", "GROEPEN", "GROEP_VAN_PARTNER",
    "MAANDLAST", "OPEN_DAGEN", "PARTNER_CODE", "RAW_FEATURES", "TELLING_FEATURES",
    "VLAG_FEATURES", "WOON", "ArrearsFeatures", "ClippedLog", "SignalArrays", "case_matrix",
    "case_table", "days",
]

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

def case_table(s: SignalArrays, **kw: Any) -> pd.DataFrame:
    """`case_matrix` as a frame with the `RAW_FEATURES` columns (training, evaluation)."""
    return pd.DataFrame(case_matrix(s, **kw), columns=list(RAW_FEATURES))


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
