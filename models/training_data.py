# SPDX-License-Identifier: EUPL-1.2
"""Training data for the eviction-risk model: closed cases from the database, with outcomes.

The model learns from cases whose outcome is known: the case has an eindresultaat and
the 12 months in which an eviction judgment or eviction counts (the model's target,
models/registry.py) have passed. The database holds the case's signals and the
household's earlier signals, exactly what the scorer sees (`CaseFeatures`); it does not
hold the outcome. Outcomes come from the municipality's registration (housing
corporations and the court report evictions), delivered as a file with one row per case:

    zaak,uitkomst,leeftijdsband
    1042,0,45-64

`leeftijdsband` is only used to measure fairness; the model never sees it.

The result is the model's training format (one row per signal, `historie` marking the
household's earlier signals; models/data.py), split into training and test cases by a
hash of the case id, so a case stays on its side of the split in every run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from vroegsignaal.dates import add_months
from vroegsignaal.errors import VroegsignaalError
from vroegsignaal.storage.tables import Zaak

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

# The training format (models/data.py, "vroegsignaal-trainingsdata-1"); a test keeps them equal.
COLUMNS: tuple[str, ...] = (
    "zaak",
    "historie",
    "signaalpartner",
    "schuldeiser",
    "bedrag",
    "ontstaansdatum",
    "signaaldatum",
    "crisissignaal",
    "warme_overdracht",
    "uitkomst",
    "peildatum",
    "leeftijdsband",
)
OUTCOME_WINDOW_MONTHS = 12
TEST_SHARE = 0.2
MIN_ROWS = {"training.csv": 1000, "toets.csv": 250}  # signal rows; the suite's min_regels
PAGE = 5000
SUITE = "training_data"
zaak: Table = Zaak.__table__  # type: ignore[assignment]


class TrainingDataRefused(VroegsignaalError):
    code = "TRAININGSDATA_GEWEIGERD"
    title = "De trainingsdata halen de controles niet"


def is_test_case(zaak_id: str, share: float = TEST_SHARE) -> bool:
    """Stable split: the same case is a test case in every run."""
    digest = hashlib.sha256(f"toets:{zaak_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def read_outcomes(path: Path) -> pd.DataFrame:
    """The outcome registration (zaak, uitkomst, leeftijdsband), one row per case.

    Raises TrainingDataRefused when there is no outcome data at all (no file, or no rows):
    training cannot start, and waiting does not help until the municipality delivers it.
    """
    import pandas as pd

    if not path.is_file() or path.stat().st_size == 0:
        raise TrainingDataRefused(
            f"geen uitkomstgegevens: {path} bestaat niet; lever de registratie van "
            "ontruimingsvonnissen en ontruimingen (zaak,uitkomst,leeftijdsband) daar aan "
            "(docs/batch-intake.md, 'Model training')"
        )
    frame = pd.read_csv(path, dtype={"zaak": str, "leeftijdsband": str}, keep_default_na=False)
    missing = {"zaak", "uitkomst"} - set(frame.columns)
    if missing:
        raise TrainingDataRefused(f"{path.name}: ontbrekende kolommen {sorted(missing)}")
    if frame.empty:
        raise TrainingDataRefused(f"geen uitkomstgegevens: {path.name} bevat geen regels")
    if "leeftijdsband" not in frame.columns:
        frame["leeftijdsband"] = "onbekend"
    return frame.drop_duplicates("zaak", keep="last").set_index("zaak")


def _closed_cases(session: Session, *, peildatum: dt.date) -> Iterator[list[Any]]:
    """Pages of closed cases whose outcome window has passed."""
    last = 0
    latest = add_months(peildatum, -OUTCOME_WINDOW_MONTHS)
    z = zaak.c
    while True:
        rows = session.execute(
            select(
                z.id, z.zaaktype, z.huishouden_sleutel.label("household_key"), z.matchingsperiode
            )
            .where(z.eindresultaat.is_not(None), z.matchingsperiode <= latest, z.id > last)
            .order_by(z.id)
            .limit(PAGE)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        yield list(rows)


@dataclass
class Extracted:
    training: Path
    test: Path
    zaken: int
    toetszaken: int
    zonder_uitkomst: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "training": str(self.training),
            "toets": str(self.test),
            "zaken": self.zaken,
            "toetszaken": self.toetszaken,
            "zonder_uitkomst": self.zonder_uitkomst,
        }


def extract(session: Session, *, peildatum: dt.date, outcomes: Path, out_dir: Path) -> Extracted:
    """Write training.csv and toets.csv in the training format; counts only are returned."""
    import pandas as pd

    from vroegsignaal.queue.rescoring import case_features

    labels = read_outcomes(outcomes).to_dict("index")
    rows: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    cases = with_label = test_cases = 0
    for page in _closed_cases(session, peildatum=peildatum):
        cases += len(page)
        labelled = [c for c in page if str(c.id) in labels]
        if not labelled:
            continue
        for case, features in zip(labelled, case_features(session, labelled), strict=True):
            key = str(case.id)
            label = labels[key]
            with_label += 1
            test_cases += is_test_case(key)
            for historie, signals in ((False, features.signalen), (True, features.historie)):
                for s in signals:
                    for name, value in (
                        ("zaak", key),
                        ("historie", historie),
                        ("signaalpartner", s.signaalpartner),
                        ("schuldeiser", s.schuldeiser),
                        ("bedrag", s.bedrag),
                        ("ontstaansdatum", s.ontstaansdatum),
                        ("signaaldatum", s.signaaldatum),
                        ("crisissignaal", s.crisissignaal),
                        ("warme_overdracht", s.warme_overdracht),
                        ("uitkomst", label["uitkomst"]),
                        ("peildatum", features.peildatum),
                        ("leeftijdsband", label["leeftijdsband"] or "onbekend"),
                    ):
                        rows[name].append(value)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    test = (
        frame["zaak"].map(is_test_case).astype(bool) if len(frame) else frame["zaak"].astype(bool)
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    result = Extracted(
        training=out_dir / "training.csv",
        test=out_dir / "toets.csv",
        zaken=with_label,
        toetszaken=test_cases,
        zonder_uitkomst=cases - with_label,
    )
    frame[~test].to_csv(result.training, index=False, date_format="%Y-%m-%d")
    frame[test].to_csv(result.test, index=False, date_format="%Y-%m-%d")
    log.info(
        "training data peildatum=%s closed_cases=%d labelled=%d test_cases=%d rows=%d",
        peildatum,
        cases,
        with_label,
        test_cases,
        len(frame),
    )
    return result


def read_frame(path: Path) -> pd.DataFrame:
    """A training-format CSV as the suite sees it: text, flags as booleans, lines as index."""
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values={"bedrag": [""]})
    for name in ("historie", "crisissignaal", "warme_overdracht"):
        if name in frame.columns:
            frame[name] = frame[name].str.lower().map({"true": True, "false": False})
    for name in ("bedrag", "uitkomst"):
        if name in frame.columns:
            frame[name] = pd.to_numeric(frame[name], errors="coerce")
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="regel")  # line 1 is the header
    return frame


def validate(paths: list[Path]) -> dict[str, Any]:
    """The training_data suite over each file; refused on any fatal or error finding."""
    from batch.suites import SuiteRunner
    from batch.validation import validate_frames

    runner = SuiteRunner.load(SUITE)
    summary: dict[str, Any] = {}
    problems = []
    for path in paths:
        parameters = {"min_regels": MIN_ROWS.get(path.name, MIN_ROWS["training.csv"])}
        result = validate_frames([read_frame(path)], runner, parameters)
        failed = {f.code: f.failed or 1 for f in result.failed}
        summary[path.name] = {"regels": result.rows, "niet_gehaald": failed}
        problems += [
            f"{path.name}: {f.code} ({f.severity}, {f.failed} regels)"
            for f in result.failed
            if f.severity != "warning"
        ]
    log.info("training data validation %s", summary)
    if problems:
        raise TrainingDataRefused("; ".join(problems))
    return summary
