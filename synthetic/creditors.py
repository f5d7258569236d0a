# SPDX-License-Identifier: EUPL-1.2
"""Fictitious schuldeiser codes per signaalpartner (no real organisations)."""

from __future__ import annotations

import numpy as np

from synthetic.config import PARTNER_INDEX, PARTNERS
from vroegsignaal.contract.enums import Signaalpartner as SP

# (code, weight) per partner; weights mimic a few large and some small market players.
_NATIONAL: dict[SP, tuple[tuple[str, float], ...]] = {
    SP.ZORG: (
        ("ZV-ZORGNOORD", 0.30), ("ZV-ZEKERZORG", 0.25), ("ZV-GEZONDVERZEKERD", 0.22),
        ("ZV-ZORGPUNT", 0.15), ("ZV-KLEINZORG", 0.08),
    ),
    SP.ENERGIE: (
        ("EN-STROOMNU", 0.28), ("EN-GASLICHT", 0.25), ("EN-WARMTEPLUS", 0.2),
        ("EN-KRACHTBRON", 0.17), ("EN-VOLTAGE", 0.10),
    ),
    SP.CAK_ZORGVERZEKERINGEN: (("CAK-ZVW", 1.0),),
    SP.CAK_EIGEN_BIJDRAGE: (("CAK-EB", 1.0),),
    SP.DUO: (("DUO-INNING", 1.0),),
    SP.BELASTINGDIENST: (("BD-INNING", 1.0),),
    SP.DIENST_TOESLAGEN: (("DT-TERUGVORDERING", 1.0),),
    SP.HYPOTHEEK: (("HYP-BANKNOORD", 0.4), ("HYP-HUISBANK", 0.35), ("HYP-WONINGKREDIET", 0.25)),
    SP.OVERIGE: (
        ("OV-GEMEENTEBELASTING", 0.5), ("OV-TELECOMNL", 0.3), ("OV-PARKEERBEHEER", 0.2),
    ),
}  # fmt: skip
CORPORATIES: tuple[str, ...] = (
    "WBV-WOONGOED", "WBV-THUISBASIS", "WBV-STADSWONEN", "WBV-DORPSWONEN",
    "WBV-HUISVESTING", "WBV-WOONKRACHT", "WBV-BUURTWONEN", "WBV-HUURGOED",
)  # fmt: skip
PARTICULIER: tuple[str, ...] = ("VHR-HUURBEHEER", "VHR-VASTGOEDPLUS", "VHR-PANDENBEHEER")
# Drinking water is regional: one company per province group.
_WATER_BY_PROVINCE: dict[str, str] = {
    "Groningen": "WB-WATERNOORD", "Friesland": "WB-WATERNOORD", "Drenthe": "WB-WATERNOORD",
    "Overijssel": "WB-WATEROOST", "Gelderland": "WB-WATEROOST",
    "Noord-Holland": "WB-WATERWEST", "Flevoland": "WB-WATERWEST", "Utrecht": "WB-WATERWEST",
    "Zuid-Holland": "WB-WATERDELTA", "Zeeland": "WB-WATERDELTA",
    "Noord-Brabant": "WB-WATERZUID", "Limburg": "WB-WATERZUID",
}  # fmt: skip

SCHULDEISER_CODES: tuple[str, ...] = tuple(
    dict.fromkeys(
        [c for opts in _NATIONAL.values() for c, _ in opts]
        + list(CORPORATIES)
        + list(PARTICULIER)
        + sorted(set(_WATER_BY_PROVINCE.values()))
    )
)
_CODE_INDEX = {c: i for i, c in enumerate(SCHULDEISER_CODES)}

TENURE_CORPORATIE, TENURE_PARTICULIER, TENURE_KOOP = 0, 1, 2


class CreditorPicker:
    """Chooses the schuldeiser of a new creditor account, vectorised per partner."""

    def __init__(self, rng: np.random.Generator, provincies: list[str]) -> None:
        # Each municipality has one or two local housing corporations.
        n_gem = len(provincies)
        self._corp = rng.integers(0, len(CORPORATIES), size=(n_gem, 2))
        self._corp_n = rng.integers(1, 3, size=n_gem)
        water = [_WATER_BY_PROVINCE.get(p, "WB-WATERWEST") for p in provincies]
        self._water = np.array([_CODE_INDEX[w] for w in water], dtype=np.int16)
        self._national = {
            PARTNER_INDEX[p]: (
                np.array([_CODE_INDEX[c] for c, _ in opts], dtype=np.int16),
                np.array([w for _, w in opts]) / sum(w for _, w in opts),
            )
            for p, opts in _NATIONAL.items()
        }
        self._corp_codes = np.array([_CODE_INDEX[c] for c in CORPORATIES], dtype=np.int16)
        self._priv_codes = np.array([_CODE_INDEX[c] for c in PARTICULIER], dtype=np.int16)

    def pick(
        self, rng: np.random.Generator, partner: np.ndarray, gem: np.ndarray, tenure: np.ndarray
    ) -> np.ndarray:
        out = np.zeros(partner.size, dtype=np.int16)
        for p_idx in range(len(PARTNERS)):
            mask = partner == p_idx
            n = int(mask.sum())
            if not n:
                continue
            if PARTNERS[p_idx] is SP.WATER:
                out[mask] = self._water[gem[mask]]
            elif PARTNERS[p_idx] is SP.HUUR:
                out[mask] = self._landlord(rng, gem[mask], tenure[mask])
            else:
                codes, w = self._national[p_idx]
                out[mask] = codes[rng.choice(codes.size, size=n, p=w)]
        return out

    def _landlord(
        self, rng: np.random.Generator, gem: np.ndarray, tenure: np.ndarray
    ) -> np.ndarray:
        slot = (rng.random(gem.size) * self._corp_n[gem]).astype(np.int64)
        corp = self._corp_codes[self._corp[gem, slot]]
        priv = self._priv_codes[rng.integers(0, self._priv_codes.size, size=gem.size)]
        return np.where(tenure == TENURE_PARTICULIER, priv, corp)
