# SPDX-License-Identifier: EUPL-1.2
"""Nightly: rescore open queue items whose inputs changed; mark items past their due date."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from _dag_defaults import DEFAULT_ARGS, ON_DAG_FAILURE, START_DATE, peildatum
from airflow.sdk import dag, get_current_context, task

log = logging.getLogger(__name__)


@task(execution_timeout=dt.timedelta(hours=1))
def rescore_open_cases() -> dict[str, Any]:
    """Open items whose score inputs (signals, case type, history, model) changed."""
    from vroegsignaal.config import get_settings
    from vroegsignaal.queue.rescoring import rescore_open_items
    from vroegsignaal.scoring import default_scorer
    from vroegsignaal.storage.db import session_scope

    day = peildatum(get_current_context())
    with session_scope(get_settings().database_url) as session:
        result = rescore_open_items(session, scorer=default_scorer(), peildatum=day)
    return result.as_dict()


@task(execution_timeout=dt.timedelta(minutes=30))
def mark_overdue_items() -> dict[str, Any]:
    """Open items whose uiterste_datum lies before the run's date become overdue."""
    from vroegsignaal.config import get_settings
    from vroegsignaal.queue.sla import mark_overdue
    from vroegsignaal.storage.db import session_scope

    day = peildatum(get_current_context())
    with session_scope(get_settings().database_url) as session:
        result = mark_overdue(session, peildatum=day)
    return result.as_dict()


@task
def report(rescoring: dict[str, Any], sla: dict[str, Any]) -> dict[str, Any]:
    log.info(
        "nightly peildatum=%s open_items=%d rescored=%d priority_changed=%d "
        "overdue_today=%d overdue_crisis=%d overdue_open_total=%d",
        sla["peildatum"],
        rescoring["open_items"],
        rescoring["herberekend"],
        rescoring["prioriteit_gewijzigd"],
        sla["te_laat_op_peildatum"],
        sla["waarvan_crisis"],
        sla["totaal_te_laat_open"],
    )
    return {"herscoring": rescoring, "sla": sla}


@dag(
    dag_id="nightly_rescoring_and_sla",
    schedule="0 1 * * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=dt.timedelta(hours=3),
    default_args=DEFAULT_ARGS,
    on_failure_callback=ON_DAG_FAILURE,
    is_paused_upon_creation=False,
    tags=["vroegsignaal", "werkvoorraad", "nightly"],
)
def nightly_rescoring_and_sla(peildatum: str = "") -> None:
    """
    ### Nightly rescoring and SLA

    Runs at 01:00 UTC; "today" is the run parameter `peildatum` (YYYY-MM-DD) when given,
    else the day the run was due (Europe/Amsterdam), so a rerun gives the same result.

    - **rescore_open_cases**: every open queue item whose score inputs changed since it
      was scored (a reclassified case, purged history, a newly promoted model) is scored
      again (vroegsignaal/queue/rescoring.py). The score only orders the queue.
    - **mark_overdue_items**: open items whose `uiterste_datum` (14 days; 3 working days
      for crisis signals) lies before today get `te_laat_sinds` (vroegsignaal/queue/sla.py).
    - **report**: the counts, in the task log and as the run's result.
    """
    report(rescore_open_cases(), mark_overdue_items())


nightly_rescoring_and_sla()
