# SPDX-License-Identifier: EUPL-1.2
"""refresh_kpi_rollups and export_ddas_deliveries with dag.test() on PostgreSQL: the
refresh publishes the figures for this year and last, the export writes a valid file
and its report for each configured municipality, and logs it for the delivery status."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from tests.dags.conftest import run_dag
from tests.integration.kpi.test_kpi_figures import build
from vroegsignaal.storage.tables import DdasLevering, KpiCel

pytestmark = pytest.mark.integration
# "Today" as the run parameter, as an operator reruns a day (a future logical date never
# starts under the scheduler: tests/dags/test_under_scheduler.py).
PEILDATUM = "2026-07-15"


def test_refresh_publishes_both_years(dagbag: Any, vroegsignaal_env: dict[str, Any]) -> None:
    engine = create_engine(vroegsignaal_env["database_url"])
    with Session(engine) as session:
        build(session)
    result = run_dag(dagbag, "refresh_kpi_rollups", conf={"peildatum": PEILDATUM})
    assert result.state == "success", result.tasks
    with Session(engine) as session:
        total = session.scalar(select(KpiCel.aantal).where(
            KpiCel.kpi == "signalen", KpiCel.jaar == 2026, KpiCel.gemeentecode == "GM0344",
            KpiCel.maand == 0, KpiCel.categorie == "*"))
        cells_2025 = session.scalar(select(func.count()).select_from(KpiCel)
                                    .where(KpiCel.jaar == 2025))
    assert total == 90 and cells_2025 == 0  # nothing in 2025, and nothing made up
    engine.dispose()


def test_export_writes_file_and_report(dagbag: Any, vroegsignaal_env: dict[str, Any],
                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vroegsignaal.config import get_settings

    engine = create_engine(vroegsignaal_env["database_url"])
    with Session(engine) as session:
        build(session)
    engine.dispose()
    monkeypatch.setenv("VROEGSIGNAAL_DDAS_GEMEENTEN", '["GM0344"]')
    monkeypatch.setenv("VROEGSIGNAAL_DDAS_EXPORT_DIR", str(tmp_path / "ddas"))
    get_settings.cache_clear()
    result = run_dag(dagbag, "export_ddas_deliveries",
                     conf={"periode": "halfjaar", "peildatum": PEILDATUM})
    get_settings.cache_clear()
    assert result.state == "success", result.tasks
    folder = tmp_path / "ddas" / "GM0344"
    delivery = json.loads((folder / "ddas-vs-GM0344-2026-01-01-2026-06-30.json").read_bytes())
    report = json.loads((folder / "ddas-vs-GM0344-2026-01-01-2026-06-30.json.rapport.json")
                        .read_text())
    assert report["geldig"] and report["vroegsignalen"] == 90
    assert len(delivery["leveringen"][0]["vroegsignalen"]) == 90
    engine = create_engine(vroegsignaal_env["database_url"])
    with Session(engine) as session:  # logged for the manager's delivery status
        logged = session.execute(select(DdasLevering.soort, DdasLevering.vroegsignalen,
                                        DdasLevering.geldig)).all()
    engine.dispose()
    assert logged == [("bestand", 90, True)]
