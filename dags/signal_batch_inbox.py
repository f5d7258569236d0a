# SPDX-License-Identifier: EUPL-1.2
"""Looks in the batch inbox and starts one signal_batch_intake run per delivered file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from _dag_defaults import DEFAULT_ARGS, START_DATE
from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sdk import dag, task


@task(execution_timeout=dt.timedelta(minutes=5))
def find_deliveries() -> list[dict[str, Any]]:
    """Complete files in <inbox>/<schuldeiser>/, oldest first, as trigger arguments."""
    from batch.folders import BatchFolders, find_deliveries
    from vroegsignaal.config import get_settings

    settings = get_settings()
    found = find_deliveries(
        BatchFolders.from_settings(settings),
        min_age_seconds=settings.batch_min_file_age_seconds,
    )
    return [
        {
            "trigger_run_id": d.run_id,
            "conf": {"bestand": d.relative, "ontvangen_op": d.ontvangen_op.isoformat()},
        }
        for d in found
    ]


@dag(
    dag_id="signal_batch_inbox",
    schedule="*/5 * * * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=dt.timedelta(minutes=15),
    default_args=DEFAULT_ARGS,
    tags=["vroegsignaal", "intake", "batch"],
)
def signal_batch_inbox() -> None:
    """
    ### Batch inbox

    Every five minutes: lists the files schuldeisers delivered in
    `VROEGSIGNAAL_BATCH_INBOX/<schuldeiser code>/` (CSV or JSONL; hidden and `.part`
    files and files changed in the last `VROEGSIGNAAL_BATCH_MIN_FILE_AGE_SECONDS` are
    left alone) and triggers **one `signal_batch_intake` run per file**.

    The run id is derived from the file (name, size, modification time), so a file that
    is still waiting is never triggered twice, and the same name delivered again later
    is a new run. Nothing is read or moved here; the intake run claims the file.

    See docs/batch-intake.md.
    """
    TriggerDagRunOperator.partial(
        task_id="start_intake",
        trigger_dag_id="signal_batch_intake",
        skip_when_already_exists=True,
        wait_for_completion=False,
        execution_timeout=dt.timedelta(minutes=5),
    ).expand_kwargs(find_deliveries())


signal_batch_inbox()
