# SPDX-License-Identifier: EUPL-1.2
"""Monthly: the DDAS v1.2 delivery file of each municipality and its validation report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from _dag_defaults import DEFAULT_ARGS, ON_DAG_FAILURE, START_DATE, peildatum
from airflow.sdk import dag, get_current_context, task


@task
def plan(periode: str = "maand") -> list[dict[str, str]]:
    """One delivery per configured municipality: the month before the run's day
    (`periode="maand"`) or the half-year before it (`"halfjaar"`: on 1 July January to
    June, on 1 January July to December)."""
    from vroegsignaal.config import get_settings
    from vroegsignaal.dates import add_months

    day = peildatum(get_current_context())
    first = day.replace(day=1)
    if periode == "halfjaar":
        tot = first - dt.timedelta(days=1)
        van = add_months(tot.replace(day=1), -5)
    elif periode == "maand":
        tot = first - dt.timedelta(days=1)
        van = tot.replace(day=1)
    else:
        raise ValueError(f"periode {periode!r}: kies 'maand' of 'halfjaar'")
    return [{"gemeentecode": g, "van": van.isoformat(), "tot": tot.isoformat()}
            for g in get_settings().ddas_gemeenten]


@task(execution_timeout=dt.timedelta(minutes=30))
def export(delivery: dict[str, str]) -> dict[str, Any]:
    """Write FILE and FILE.rapport.json under `Settings.ddas_export_dir/<gemeentecode>/`.
    An invalid delivery leaves only the report (counts and schema locations, no values)
    and fails the task; either way it is logged for the manager's delivery status."""
    from pathlib import Path

    from vroegsignaal.config import get_settings
    from vroegsignaal.ddas.delivery import DeliverySpec
    from vroegsignaal.ddas.status import export_file
    from vroegsignaal.storage.db import session_scope

    settings = get_settings()
    spec = DeliverySpec(delivery["gemeentecode"], dt.date.fromisoformat(delivery["van"]),
                        dt.date.fromisoformat(delivery["tot"]))
    folder = Path(settings.ddas_export_dir) / spec.gemeentecode
    path = folder / f"ddas-vs-{spec.gemeentecode}-{spec.van}-{spec.tot}.json"
    folder.mkdir(parents=True, exist_ok=True)
    with session_scope(settings.database_url) as session:
        report = export_file(session, spec, path)
    return {"bestand": str(path), "vroegsignalen": report.vroegsignalen,
            "vroegsignaalzaken": report.vroegsignaalzaken}


@dag(
    dag_id="export_ddas_deliveries",
    schedule="0 4 1 * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=dt.timedelta(hours=2),
    default_args=DEFAULT_ARGS,
    on_failure_callback=ON_DAG_FAILURE,
    is_paused_upon_creation=False,
    tags=["vroegsignaal", "ddas", "cbs", "monthly"],
)
def export_ddas_deliveries(periode: str = "maand", peildatum: str = "") -> None:
    """
    ### DDAS delivery files

    Runs at 04:00 UTC on the first of the month ("today" is the run parameter `peildatum`,
    YYYY-MM-DD, when given, else the day the run was due). For every municipality in
    `VROEGSIGNAAL_DDAS_GEMEENTEN`: the DDAS Vroegsignalering v1.2 delivery of the last
    month (trigger with `periode=halfjaar` for the half-year), streamed from the database
    and validated record by record against the exchange model. The file appears only when
    it is valid; its validation report is written next to it either way. CBS normally
    pulls the same data through the API (/ddas/v1/gegevens); the files are for an upload
    or an audit.
    """
    export.expand(delivery=plan(periode))


export_ddas_deliveries()
