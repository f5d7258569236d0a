# SPDX-License-Identifier: EUPL-1.2
"""Looks in the batch inbox, registers new deliveries and starts the next intake run of each
schuldeiser."""

from __future__ import annotations

import datetime as dt
from typing import Any

from _dag_defaults import (
    DEFAULT_ARGS,
    ON_DAG_FAILURE,
    START_DATE,
    fail_without_retry,
    intake_run_id,
)
from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sdk import dag, task


@task(execution_timeout=dt.timedelta(minutes=5))
def find_deliveries() -> list[dict[str, Any]]:
    """Register complete files in <inbox>/<schuldeiser>/; per schuldeiser its first open
    delivery in arrival order, as trigger arguments (delivery ids only)."""
    from batch.delivery import register_inbox
    from vroegsignaal.config import ConfigurationError

    with fail_without_retry(ConfigurationError):
        next_up = register_inbox()
    return [{"trigger_run_id": intake_run_id(i), "conf": {"levering": i}} for i in next_up]


@dag(
    dag_id="signal_batch_inbox",
    schedule="*/5 * * * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=dt.timedelta(minutes=15),
    default_args=DEFAULT_ARGS,
    on_failure_callback=ON_DAG_FAILURE,
    is_paused_upon_creation=False,
    tags=["vroegsignaal", "intake", "batch"],
)
def signal_batch_inbox() -> None:
    """
    ### Batch inbox

    Every five minutes: lists the files schuldeisers delivered in
    `VROEGSIGNAAL_BATCH_INBOX/<schuldeiser code>/` (CSV or JSONL; hidden and `.part`
    files and files changed in the last `VROEGSIGNAAL_BATCH_MIN_FILE_AGE_SECONDS` are
    left alone), registers each new file as a delivery with an opaque id
    (batch/register.py) and starts, **per schuldeiser, its oldest unfinished
    delivery** as a `signal_batch_intake` run `levering__<id>`. Later deliveries of that
    schuldeiser follow one by one, in arrival order, each started by the run before it.

    Run ids and configuration carry the delivery id, never the file name. A run that
    exists already is not started again. A missing or unwritable inbox or work folder fails
    the run at once, with an alert. See docs/batch-intake.md.
    """
    TriggerDagRunOperator.partial(
        task_id="start_intake",
        trigger_dag_id="signal_batch_intake",
        logical_date=None,  # no logical date: two triggers in one instant cannot collide
        skip_when_already_exists=True,
        wait_for_completion=False,
        execution_timeout=dt.timedelta(minutes=5),
    ).expand_kwargs(find_deliveries())


signal_batch_inbox()
