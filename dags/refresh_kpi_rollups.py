# SPDX-License-Identifier: EUPL-1.2
"""Nightly: rebuild the KPI counts and publish them with small-cell protection."""

from __future__ import annotations

import datetime as dt
from typing import Any

from _dag_defaults import DEFAULT_ARGS, ON_DAG_FAILURE, START_DATE, peildatum
from airflow.sdk import dag, get_current_context, task


@task
def years() -> list[int]:
    """This year and the last: late signals, closings and the outcome windows (up to 12
    months after closing) still change last year's figures."""
    day = peildatum(get_current_context())
    return [day.year - 1, day.year]


@task(execution_timeout=dt.timedelta(minutes=30))
def refresh_year(jaar: int) -> dict[str, Any]:
    """Rollup in SQL, then protection and publication (vroegsignaal/kpi/publish.py)."""
    from vroegsignaal.config import get_settings
    from vroegsignaal.kpi.publish import refresh_kpis
    from vroegsignaal.storage.db import session_scope

    with session_scope(get_settings().database_url) as session:
        report = refresh_kpis(session, jaar=jaar, peildatum=peildatum(get_current_context()))
    return {"jaar": jaar, "rollup_rows": report.rollup_rows, "units": report.units,
            "cells": report.cells, "withheld": report.withheld}


@dag(
    dag_id="refresh_kpi_rollups",
    schedule="30 2 * * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1,  # the two years one after the other: one writer on the KPI tables
    dagrun_timeout=dt.timedelta(hours=1),
    default_args=DEFAULT_ARGS,
    on_failure_callback=ON_DAG_FAILURE,
    is_paused_upon_creation=False,
    tags=["vroegsignaal", "kpi", "nightly"],
)
def refresh_kpi_rollups(peildatum: str = "") -> None:
    """
    ### KPI refresh

    Runs at 02:30 UTC, after the retention purge; "today" is the run parameter
    `peildatum` (YYYY-MM-DD) when given, else the day the run was due (Europe/Amsterdam):
    it sets the werkvoorraad snapshot, the deadlines and which
    outcome windows have passed.

    - **refresh_year** (this year and last): `kpi_rollup` rebuilt from the signals,
      zaken and contactpogingen in one transaction; then per region (or municipality in
      none) and year the cubes are protected (fewer than 10 households withheld, with
      secondary suppression) and written to `kpi_cel`, the only KPI table the dashboard,
      the API and the downloads read. Counts only: nothing personal is in either table.

    Idempotent: a rerun for the same day writes the same figures.
    """
    refresh_year.expand(jaar=years())


refresh_kpi_rollups()
