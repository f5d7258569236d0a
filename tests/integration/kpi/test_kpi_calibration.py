# SPDX-License-Identifier: EUPL-1.2
"""A generated year for a mid-sized municipality (Zwolle, 129,845 inhabitants) through the
real intake (after six months of history), on both databases: the dashboard's figures
fall within DOMAIN.md's "Figures to calibrate against": signal rate 3.3-4.0 per 1,000
inhabitants per month, 45-52% from health insurers, zaken about 50% single / 11%
multiple / 40% consecutive."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from synthetic.run import SyntheticRun
from vroegsignaal.accounts.principal import Principal, UserRole
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.kpi.publish import refresh_kpis
from vroegsignaal.kpi.views import municipality_overview

pytestmark = pytest.mark.integration
ZWOLLE = "GM0193"


def test_generated_year_within_domain_ranges(session: Session) -> None:
    # Six months before the year measured: "opeenvolgend" needs the households' history.
    run = SyntheticRun(gemeenten=[ZWOLLE], start=dt.date(2024, 7, 1), months=18, seed=11)
    batch: list[dict] = []
    for message in run:
        batch.append(message)
        if len(batch) == 2_000:
            run_intake(batch, session=session, source="test",
                       ontvangen_op=dt.date.fromisoformat(batch[-1]["signaaldatum"]))
            batch = []
    if batch:
        run_intake(batch, session=session, source="test",
                   ontvangen_op=dt.date.fromisoformat(batch[-1]["signaaldatum"]))
    refresh_kpis(session, jaar=2025, peildatum=dt.date(2026, 1, 15))
    manager = Principal(1, "m", frozenset({UserRole.MANAGER}), frozenset({ZWOLLE}), frozenset())
    figures = {f.key: f for f in municipality_overview(session, manager, ZWOLLE, 2025).figures}
    shown = {k: f.value for k, f in figures.items() if not f.withheld}
    assert 3.3 * 0.9 <= shown["signalen_per_1000"] <= 4.0 * 1.1
    assert 45 <= shown["aandeel_zorg"] <= 52
    assert 40 <= shown["aandeel_enkelvoudig"] <= 60
    assert 6 <= shown["aandeel_meervoudig"] <= 16
    assert 30 <= shown["aandeel_opeenvolgend"] <= 50
