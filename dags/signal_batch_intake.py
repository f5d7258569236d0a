# SPDX-License-Identifier: EUPL-1.2
"""One delivered batch file: validate it whole, then ingest its valid rows or quarantine it;
then start the schuldeiser's next delivery."""

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
from airflow.sdk.exceptions import AirflowSkipException


@task(execution_timeout=dt.timedelta(minutes=10))
def claim_file(levering: str) -> dict[str, str]:
    """Start the delivery (only when it is next in line for its schuldeiser) and move its file
    from the inbox into `processing/<schuldeiser>/<levering>/`."""
    from batch.delivery import DeliveryGone, claim_delivery
    from batch.register import AlreadyFinished, NotNextInLine, UnknownDelivery
    from vroegsignaal.config import ConfigurationError

    refusals = (ConfigurationError, NotNextInLine, UnknownDelivery, AlreadyFinished)
    try:
        with fail_without_retry(*refusals):
            return claim_delivery(levering)
    except DeliveryGone as exc:
        raise AirflowSkipException(f"{exc.code}: {exc}") from exc


@task(execution_timeout=dt.timedelta(hours=2))
def validate_file(claimed: dict[str, str]) -> dict[str, Any]:
    """Great Expectations over the whole file; the batch-file rule decides; report beside it."""
    from batch.delivery import validate_delivery

    return validate_delivery(claimed["levering"])


@task.branch
def route(validation: dict[str, Any]) -> str:
    """Follow the rule's decision (batch/rule.py); decides nothing itself."""
    return "ingest_valid_rows" if validation["besluit"] == "innemen" else "quarantine_file"


@task(execution_timeout=dt.timedelta(hours=3))
def ingest_valid_rows(claimed: dict[str, str], ontvangen_op: str = "") -> dict[str, Any]:
    """Every valid row through the intake pipeline; the invalid lines are refused."""
    from batch.delivery import ingest_delivery

    day = dt.date.fromisoformat(ontvangen_op) if ontvangen_op else None
    return ingest_delivery(claimed["levering"], ontvangen_op=day)


@task(execution_timeout=dt.timedelta(minutes=10))
def archive_file(claimed: dict[str, str]) -> str:
    """The run's folder (file and report) moves to processed/; the delivery is finished."""
    from batch.delivery import archive_delivery

    return archive_delivery(claimed["levering"])


@task(execution_timeout=dt.timedelta(minutes=10))
def quarantine_file(claimed: dict[str, str]) -> str:
    """The whole file and its validation report go to quarantine; nothing was ingested."""
    from batch.delivery import quarantine_delivery

    return quarantine_delivery(claimed["levering"])


@task(execution_timeout=dt.timedelta(minutes=5), trigger_rule="none_failed")
def next_delivery(levering: str) -> list[dict[str, Any]]:
    """The schuldeiser's next open delivery, if any, as trigger arguments. Runs when this
    delivery is finished (or its file was gone), not when it failed: a failed delivery
    holds the later ones back until it is cleared and finished."""
    from batch.delivery import next_delivery as following

    after = following(levering)
    return [{"trigger_run_id": intake_run_id(after), "conf": {"levering": after}}] if after else []


@dag(
    dag_id="signal_batch_intake",
    schedule=None,
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=dt.timedelta(hours=6),
    default_args=DEFAULT_ARGS,
    on_failure_callback=ON_DAG_FAILURE,
    is_paused_upon_creation=False,
    tags=["vroegsignaal", "intake", "batch", "great-expectations"],
)
def signal_batch_intake(levering: str = "", ontvangen_op: str = "") -> None:
    """
    ### Batch intake of one delivery

    Started by `signal_batch_inbox` (or by the previous delivery of the same schuldeiser)
    as run `levering__<id>` with `levering=<id>`: the opaque id of a delivered file in the
    delivery register (batch/register.py). `ontvangen_op` (YYYY-MM-DD)
    overrides the receipt date, by default the day the file arrived.

    1. **claim_file**: only the schuldeiser's oldest unfinished delivery may start; the
       file moves to `processing/<schuldeiser>/<id>/`.
    2. **validate_file**: the Great Expectations suite
       `expectations/batch_intake_signalen.json` checks every row; the batch-file rule
       decides; `rapport.json` and `rapport.md` (line numbers and checks, no values)
       are written beside the file.
    3. **ingest_valid_rows** + **archive_file** when the rule accepts the file: every
       valid row goes through the intake pipeline, the invalid lines are refused
       (ONGELDIG_BERICHT, with their schuldeiser and signaalId), the folder moves to
       `processed/`. Or **quarantine_file**: the whole file and its report move to
       `quarantine/`, nothing is ingested.
    4. **next_delivery** / **start_next_delivery**: the schuldeiser's next delivery, in
       arrival order.

    The rule (docs/batch-intake.md, "Rules for batch files"): a failed fatal check, or
    more invalid rows than `VROEGSIGNAAL_BATCH_MAX_INVALID_FRACTION` (1%), quarantines the
    whole file; otherwise its valid rows are all ingested. A file is never half-ingested.
    """
    claimed = claim_file(levering)
    validation = validate_file(claimed)
    ingested = ingest_valid_rows(claimed, ontvangen_op)
    archived = archive_file(claimed)
    quarantined = quarantine_file(claimed)
    route(validation) >> [ingested, quarantined]
    ingested >> archived
    following = next_delivery(levering)
    [archived, quarantined] >> following
    TriggerDagRunOperator.partial(
        task_id="start_next_delivery",
        trigger_dag_id="signal_batch_intake",
        logical_date=None,
        skip_when_already_exists=True,
        wait_for_completion=False,
        execution_timeout=dt.timedelta(minutes=5),
    ).expand_kwargs(following)


signal_batch_intake()
