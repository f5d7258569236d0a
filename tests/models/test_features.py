# SPDX-License-Identifier: EUPL-1.2
"""Features come from signals and case history only (DOMAIN.md, "Risk scoring is sensitive").

No name, nationality, postcode or neighbourhood, age or creditor organisation: checked
against `EXCLUDED_FEATURES` on every raw and transformed feature name, on what scoring can
see of a signal, and by training with extra protected columns present.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from models.data import cases_to_arrays, labelled_cases
from models.features import (
    EXCLUDED_FEATURES,
    FEATURE_DOCS,
    GROEP_VAN_PARTNER,
    RAW_FEATURES,
    case_table,
)
from models.pipeline import ModelConfig, build_pipeline, raw_feature_of
from models.synthetic import SyntheticSet
from vroegsignaal.cases.features import CaseFeatures, CaseSignal
from vroegsignaal.contract.enums import Signaalpartner

D = dt.date


def _excluded(name: str) -> list[str]:
    return [x for x in EXCLUDED_FEATURES if x in name.lower()]


def test_no_feature_is_a_protected_or_proxy_attribute() -> None:
    assert {"postcode", "pc4", "wijk", "buurt", "gemeente", "nationaliteit"} <= EXCLUDED_FEATURES
    assert {"naam", "leeftijd", "geboortedatum", "alleenstaand"} <= EXCLUDED_FEATURES
    for name in RAW_FEATURES:
        assert not _excluded(name), name


def test_no_transformed_feature_is_excluded_and_each_traces_to_a_raw_one(
    small_set: SyntheticSet,
) -> None:
    cases = labelled_cases(small_set.frame)
    model = build_pipeline(ModelConfig(calibration_folds=2)).fit(
        case_table(cases.signals), cases.uitkomst
    )
    pipeline = model.calibrated_classifiers_[0].estimator
    assert list(pipeline.feature_names_in_) == list(RAW_FEATURES)
    names = pipeline.named_steps["kenmerken"].get_feature_names_out()
    for name in names:
        assert not _excluded(str(name)), name
        assert raw_feature_of(str(name)) in RAW_FEATURES


def test_scoring_cannot_see_identifiers_address_or_age() -> None:
    for cls in (CaseSignal, CaseFeatures):
        for field in dataclasses.fields(cls):
            assert not _excluded(field.name), f"{cls.__name__}.{field.name}"


def test_extra_columns_never_reach_the_model(small_set: SyntheticSet) -> None:
    frame = small_set.frame
    rng = np.random.default_rng(0)
    poisoned = frame.assign(
        postcode=rng.choice(["1011AB", "9711CD"], len(frame)),
        gemeentecode="GM0014",
        nationaliteit=rng.choice(["NL", "X"], len(frame)),
        naam="Jansen",
        # a column that would predict the label perfectly, if it were ever used
        leeftijd=frame["uitkomst"] * 100,
    )
    plain, extra = labelled_cases(frame), labelled_cases(poisoned)
    pd.testing.assert_frame_equal(case_table(plain.signals), case_table(extra.signals))


def test_every_feature_is_documented_in_english_and_dutch() -> None:
    assert set(FEATURE_DOCS) == set(RAW_FEATURES)
    assert all(en and nl for en, nl in FEATURE_DOCS.values())
    assert set(GROEP_VAN_PARTNER) == {p.value for p in Signaalpartner}


def _s(partner: str, schuldeiser: str, bedrag: int, ontstaan: D, signaal: D, crisis: bool = False):
    return CaseSignal(partner, schuldeiser, bedrag, ontstaan, signaal, crisis, False)


def _row(case: CaseFeatures) -> dict[str, float]:
    return case_table(cases_to_arrays([case])).iloc[0].to_dict()


def test_a_single_signal() -> None:
    row = _row(
        CaseFeatures(
            (_s("Huur", "WBV-A", 1400, D(2026, 1, 20), D(2026, 3, 2)),),
            "enkelvoudig",
            D(2026, 3, 2),
        )
    )
    assert row["bedrag_huur"] == 1400
    assert sum(row[f"bedrag_{g}"] for g in ("zorg", "energie", "water")) == 0
    assert row["dagen_achterstand"] == 41
    assert row["aantal_schuldeisers"] == row["schuldeisers_6m"] == 1
    assert row["herhalingen_6m"] == row["groei"] == row["dagen_sinds_eerste"] == 0
    assert row["crisis_woon"] == row["crisis_overig"] == 0


def test_a_grown_repeat_replaces_the_earlier_amount_of_that_creditor() -> None:
    case = CaseFeatures(
        (
            _s("Zorg", "ZV-A", 300, D(2026, 1, 1), D(2026, 3, 2)),
            _s("Zorg", "ZV-A", 440, D(2026, 1, 1), D(2026, 3, 20)),
            _s("Energie", "EN-A", 200, D(2026, 2, 1), D(2026, 3, 9), crisis=True),
        ),
        "meervoudig",
        D(2026, 3, 20),
    )
    row = _row(case)
    assert row["bedrag_zorg"] == 440 and row["bedrag_energie"] == 200
    assert row["aantal_schuldeisers"] == 2
    assert row["crisis_overig"] == 1 and row["crisis_woon"] == 0


def test_history_counts_within_six_calendar_months_and_open_arrears_carry_over() -> None:
    case = CaseFeatures(
        (_s("Zorg", "ZV-A", 500, D(2026, 5, 1), D(2026, 6, 10)),),
        "opeenvolgend",
        D(2026, 6, 10),
        historie=(
            _s("Huur", "WBV-A", 1300, D(2026, 3, 1), D(2026, 4, 15)),  # 56 days: still open
            _s("Zorg", "ZV-A", 250, D(2026, 1, 1), D(2026, 2, 2), crisis=True),  # closed
            _s("Water", "WB-A", 90, D(2025, 10, 1), D(2025, 11, 20)),  # 7 months: outside
        ),
    )
    row = _row(case)
    assert row["bedrag_huur"] == 1300  # the landlord's open arrears count
    assert row["bedrag_water"] == 0  # history beyond the window is ignored
    assert row["bedrag_zorg"] == 500  # the latest amount of the same creditor
    assert row["aantal_schuldeisers"] == 2
    assert row["schuldeisers_6m"] == 2  # ZV-A and WBV-A within the window
    assert row["herhalingen_6m"] == 2  # February and April
    assert row["groei"] == pytest.approx(np.log(500 / 250))
    assert row["crisis_eerder"] == 1
    assert row["dagen_sinds_eerste"] == (D(2026, 6, 10) - D(2026, 2, 2)).days
    assert row["dagen_achterstand"] == (D(2026, 6, 10) - D(2026, 3, 1)).days


def test_scoring_and_training_paths_compute_the_same_features(small_set: SyntheticSet) -> None:
    first = small_set.frame["zaak"].drop_duplicates().head(2000)
    frame = small_set.frame[small_set.frame["zaak"].isin(first)]
    cases = labelled_cases(frame)
    by_case: dict[int, list] = {}
    for row in frame.itertuples(index=False):
        by_case.setdefault(row.zaak, []).append(row)
    features = []
    for rows in by_case.values():

        def sig(r) -> CaseSignal:
            return CaseSignal(
                r.signaalpartner, r.schuldeiser, int(r.bedrag), r.ontstaansdatum.date(),
                r.signaaldatum.date(), bool(r.crisissignaal), bool(r.warme_overdracht),
            )  # fmt: skip

        features.append(
            CaseFeatures(
                tuple(sig(r) for r in rows if not r.historie),
                "enkelvoudig",
                rows[0].peildatum.date(),
                tuple(sig(r) for r in rows if r.historie),
            )
        )
    pd.testing.assert_frame_equal(case_table(cases.signals), case_table(cases_to_arrays(features)))


def test_the_data_fingerprint_is_about_content_not_representation(
    small_set: SyntheticSet, tmp_path
) -> None:
    from models.data import fingerprint, read_training_frame, write_training_frame

    frame = small_set.frame
    path = write_training_frame(frame, tmp_path / "data.csv.gz")
    reread = read_training_frame(path)
    assert not pd.api.types.is_datetime64_any_dtype(reread["signaaldatum"])  # text now
    assert fingerprint(reread) == fingerprint(frame) == fingerprint(frame[::-1])
    changed = frame.copy()
    changed.loc[changed.index[5], "bedrag"] += 1
    assert fingerprint(changed) != fingerprint(frame)
    relabelled = frame.copy()
    relabelled["uitkomst"] = 1 - relabelled["uitkomst"]
    assert fingerprint(relabelled) != fingerprint(frame)
