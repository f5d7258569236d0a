# SPDX-License-Identifier: EUPL-1.2
"""The training format: one row per signal of a labelled case (models/README.md).

A labelled case carries its own signals (`historie` false) and the household's earlier
signals (`historie` true), exactly what the scorer gets as `CaseFeatures`. Case-level
columns (`peildatum`, `uitkomst`, `leeftijdsband`, `p_waar`) repeat on every row of the
case and must be equal there. Columns not in `COLUMNS` are ignored: they never reach a
feature, whatever they hold.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from models.casetable import cases_to_arrays as cases_to_arrays  # re-exported
from models.features import PARTNER_CODE, SignalArrays, days
from vroegsignaal.errors import VroegsignaalError

FORMAT_VERSION = "vroegsignaal-trainingsdata-1"
SIGNAL_COLUMNS: tuple[str, ...] = (
    "zaak",
    "historie",
    "signaalpartner",
    "schuldeiser",
    "bedrag",
    "ontstaansdatum",
    "signaaldatum",
    "crisissignaal",
    "warme_overdracht",
)
LABEL = "uitkomst"
OPTIONAL_CASE_COLUMNS: tuple[str, ...] = ("peildatum", "leeftijdsband", "p_waar")
COLUMNS: tuple[str, ...] = (*SIGNAL_COLUMNS, LABEL, *OPTIONAL_CASE_COLUMNS)
_TRUE = {"true", "1", "ja", "yes", "t", "waar"}
_FALSE = {"false", "0", "nee", "no", "f", "onwaar", ""}


class TrainingDataError(VroegsignaalError):
    code = "ONGELDIGE_TRAININGSDATA"
    title = "De trainingsdata volgen het trainingsformaat niet"


@dataclass(frozen=True)
class LabelledCases:
    """Signals of n cases plus what is known per case (labels, fairness group, truth)."""

    signals: SignalArrays
    zaak: np.ndarray  # the case ids as given
    uitkomst: np.ndarray | None  # 0/1 per case; None when unlabelled
    leeftijdsband: np.ndarray | None  # str per case; fairness measurement only
    p_waar: np.ndarray | None  # true probability per case (synthetic data only)
    fingerprint: str  # sha256 of the canonical content

    @property
    def n_cases(self) -> int:
        return self.signals.n_cases


def read_training_frame(path: str | Path) -> pd.DataFrame:
    """Read a CSV (optionally .gz) in the training format; only `COLUMNS` are kept."""
    head = pd.read_csv(path, nrows=0)
    usecols = [c for c in head.columns if c in COLUMNS]
    return pd.read_csv(
        path,
        usecols=usecols,
        dtype={"zaak": str, "signaalpartner": str, "schuldeiser": str, "leeftijdsband": str},
        keep_default_na=False,
        na_values={"bedrag": [""], "p_waar": [""], LABEL: [""]},
    )


def write_training_frame(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write the format's columns as CSV (gzip when the name ends in .gz)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = [c for c in COLUMNS if c in frame.columns]
    frame.to_csv(path, columns=columns, index=False, date_format="%Y-%m-%d")
    return path


def _bool(col: pd.Series, name: str) -> np.ndarray:
    if col.dtype == bool:
        return col.to_numpy()
    text = col.astype(str).str.strip().str.lower()
    bad = ~text.isin(_TRUE | _FALSE)
    if bad.any():
        raise TrainingDataError(f"kolom {name}: geen ja/nee-waarde in {int(bad.sum())} rijen")
    return text.isin(_TRUE).to_numpy()


def _dates(col: pd.Series, name: str) -> np.ndarray:
    parsed = pd.to_datetime(col, errors="coerce", format="ISO8601")
    if parsed.isna().any():
        raise TrainingDataError(f"kolom {name}: {int(parsed.isna().sum())} ongeldige datums")
    return days(parsed.to_numpy())


def _case_constant(col: pd.Series, codes: np.ndarray, n: int, name: str) -> np.ndarray:
    """The value of a case-level column per case; refused when it differs within a case."""
    values = col.to_numpy()
    first = np.empty(n, dtype=values.dtype)
    first[codes[::-1]] = values[::-1]  # the first row of each case wins
    differs = first[codes] != values
    if values.dtype.kind == "f":
        differs &= ~(np.isnan(first[codes]) & np.isnan(values))
    if differs.any():
        raise TrainingDataError(f"kolom {name} verschilt binnen {int(differs.sum())} rijen")
    return first


def labelled_cases(frame: pd.DataFrame, *, require_label: bool = True) -> LabelledCases:
    """Check a frame in the training format and turn it into arrays per case."""
    missing = [c for c in SIGNAL_COLUMNS if c not in frame.columns]
    if require_label and LABEL not in frame.columns:
        missing.append(LABEL)
    if missing:
        raise TrainingDataError(f"ontbrekende kolommen: {', '.join(missing)}")
    if frame.empty:
        raise TrainingDataError("geen rijen")
    codes, zaak_values = pd.factorize(frame["zaak"].to_numpy(), sort=False)
    zaak = np.array([str(z) for z in zaak_values], dtype=object)
    n = zaak.size
    partner_codes, partners = pd.factorize(frame["signaalpartner"].to_numpy(), sort=False)
    partners = np.array([str(p) for p in partners], dtype=object)
    unknown = sorted(p for p in partners if p not in PARTNER_CODE)
    if unknown:
        raise TrainingDataError(f"onbekende signaalpartner: {', '.join(unknown[:5])}")
    groep = np.array([PARTNER_CODE[p] for p in partners], dtype=np.int8)[partner_codes]
    bedrag = pd.to_numeric(frame["bedrag"], errors="coerce").to_numpy(dtype=float)
    if np.isnan(bedrag).any() or (bedrag < 0).any():
        raise TrainingDataError("kolom bedrag: leeg, geen getal of negatief")
    historie = _bool(frame["historie"], "historie")
    if not np.bincount(codes[~historie], minlength=n).all():
        raise TrainingDataError("een zaak zonder eigen signaal (alleen historie)")
    signaaldatum = _dates(frame["signaaldatum"], "signaaldatum")
    if "peildatum" in frame.columns:
        peil = _case_constant(
            pd.Series(_dates(frame["peildatum"], "peildatum")), codes, n, "peildatum"
        )
    else:
        peil = np.full(n, np.iinfo(np.int64).min)
        np.maximum.at(peil, codes[~historie], signaaldatum[~historie])
    schuldeiser, creditor_values = pd.factorize(frame["schuldeiser"].to_numpy())
    creditors = np.array([str(c) for c in creditor_values], dtype=object)
    signals = SignalArrays(
        zaak=codes.astype(np.int64),
        historie=historie,
        groep=groep,
        schuldeiser=schuldeiser.astype(np.int64),
        bedrag=bedrag,
        ontstaansdatum=_dates(frame["ontstaansdatum"], "ontstaansdatum"),
        signaaldatum=signaaldatum,
        crisissignaal=_bool(frame["crisissignaal"], "crisissignaal"),
        warme_overdracht=_bool(frame["warme_overdracht"], "warme_overdracht"),
        peildatum=peil.astype(np.int64),
    )
    uitkomst = None
    if LABEL in frame.columns:
        y = pd.to_numeric(frame[LABEL], errors="coerce").to_numpy(dtype=float)
        if np.isnan(y).any() or not np.isin(y, (0.0, 1.0)).all():
            raise TrainingDataError("kolom uitkomst: alleen 0 of 1")
        uitkomst = _case_constant(pd.Series(y), codes, n, LABEL).astype(np.int8)
    band = None
    if "leeftijdsband" in frame.columns:
        band = _case_constant(frame["leeftijdsband"].astype(str), codes, n, "leeftijdsband")
    p_waar = None
    if "p_waar" in frame.columns:
        p = pd.to_numeric(frame["p_waar"], errors="coerce")
        if not p.isna().all():
            p_waar = _case_constant(p.astype(float), codes, n, "p_waar")
    return LabelledCases(
        signals=signals,
        zaak=zaak,
        uitkomst=uitkomst,
        leeftijdsband=band,
        p_waar=p_waar,
        fingerprint=_fingerprint(
            signals,
            _text_hash(zaak),
            _text_hash(partners)[partner_codes],
            _text_hash(creditors),
            uitkomst,
            band,
            p_waar,
        ),
    )


def _text_hash(values: np.ndarray) -> np.ndarray:
    """A stable 64-bit hash of each text (pandas' hash_array: the same on every run)."""
    return pd.util.hash_array(np.asarray(values, dtype=object))


def _fingerprint(
    s: SignalArrays,
    zaak: np.ndarray,
    partner: np.ndarray,
    creditors: np.ndarray,
    uitkomst: np.ndarray | None,
    band: np.ndarray | None,
    p_waar: np.ndarray | None,
) -> str:
    """sha256 of the parsed content, independent of row order and of how the values were
    written (dates as text or datetime, flags as true/1/ja): the same data, the same hash.

    `zaak` and `creditors` are text hashes per distinct value, `partner` per row."""
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    columns: dict[str, np.ndarray] = {
        "zaak": zaak[s.zaak],
        "historie": s.historie,
        "signaalpartner": partner,
        "schuldeiser": creditors[s.schuldeiser],
        "bedrag": s.bedrag,
        "ontstaansdatum": s.ontstaansdatum,
        "signaaldatum": s.signaaldatum,
        "crisissignaal": s.crisissignaal,
        "warme_overdracht": s.warme_overdracht,
        "peildatum": s.peildatum[s.zaak],
    }
    if uitkomst is not None:
        columns[LABEL] = uitkomst[s.zaak]
    if band is not None:
        columns["leeftijdsband"] = _text_hash(band)[s.zaak]
    if p_waar is not None:
        columns["p_waar"] = p_waar[s.zaak]
    digest.update(",".join(columns).encode())
    row_hashes = pd.util.hash_pandas_object(pd.DataFrame(columns), index=False).to_numpy()
    digest.update(np.sort(row_hashes).tobytes())
    return digest.hexdigest()


def fingerprint(frame: pd.DataFrame) -> str:
    """The fingerprint of a frame in the training format (see `LabelledCases.fingerprint`)."""
    return labelled_cases(frame, require_label=False).fingerprint


