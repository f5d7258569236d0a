# SPDX-License-Identifier: EUPL-1.2
"""One delivered batch file: validate it whole, then ingest its valid rows or quarantine it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from _dag_defaults import DEFAULT_ARGS, START_DATE
from airflow.sdk import dag, get_current_context, task


@task(execution_timeout=dt.timedelta(minutes=10))
def claim_file(bestand: str) -> dict[str, str]:
    """Move `<schuldeiser>/<file>` from the inbox into this run's processing folder."""
    from batch.delivery import claim_delivery
    from batch.folders import BatchFolders, inbox_file

    run = get_current_context()["run_id"]
    schuldeiser, _ = inbox_file(BatchFolders.from_settings(), bestand)
    return {"pad": claim_delivery(bestand, run=run), "schuldeiser": schuldeiser, "run": run}


@task(execution_timeout=dt.timedelta(hours=2))
def validate_file(claimed: dict[str, str]) -> dict[str, Any]:
    """Great Expectations over the whole file; the batch-file rule decides; report beside it."""
    from batch.delivery import validate_delivery

    return validate_delivery(claimed["pad"], schuldeiser=claimed["schuldeiser"], run=claimed["run"])


@task.branch
def route(validation: dict[str, Any]) -> str:
    """Follow the rule's decision (batch/rule.py); decides nothing itself."""
    return "ingest_valid_rows" if validation["besluit"] == "innemen" else "quarantine_file"


@task(execution_timeout=dt.timedelta(hours=3))
def ingest_valid_rows(claimed: dict[str, str], ontvangen_op: str = "") -> dict[str, Any]:
    """Every valid row through the intake pipeline; the invalid lines are refused."""
    from batch.delivery import ingest_delivery, receipt_date

    day = receipt_date(claimed["pad"], ontvangen_op or None)
    return ingest_delivery(claimed["pad"], ontvangen_op=day)


@task(execution_timeout=dt.timedelta(minutes=10))
def archive_file(claimed: dict[str, str]) -> str:
    from batch.delivery import archive_delivery

    return archive_delivery(claimed["pad"])


@task(execution_timeout=dt.timedelta(minutes=10))
def quarantine_file(claimed: dict[str, str]) -> str:
    """The file and its validation report go to quarantine; nothing was ingested."""
    from batch.delivery import quarantine_delivery

    return quarantine_delivery(claimed["pad"])


@dag(
    dag_id="signal_batch_intake",
    schedule=None,
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=dt.timedelta(hours=6),
    default_args=DEFAULT_ARGS,
    tags=["vroegsignaal", "intake", "batch", "great-expectations"],
)
def signal_batch_intake(bestand: str = "", ontvangen_op: str = "") -> None:
    """
    ### Batch intake of one file

    Triggered by `signal_batch_inbox`, one run per file (or by hand with
    `bestand=<schuldeiser>/<file>`, relative to the inbox; `ontvangen_op` is the
    receipt date, default the file's arrival day).

    1. **claim_file**: the file moves to `processing/<schuldeiser>/<run>/`.
    2. **validate_file**: the Great Expectations suite
       `expectations/batch_intake_signalen.json` checks every row; the batch-file rule
       decides; `rapport.json` and `rapport.md` (line numbers and checks, no values)
       are written beside the file.
    3. **ingest_valid_rows** + **archive_file** when the rule accepts the file: every
       valid row goes through the intake pipeline, the invalid lines are refused
       (ONGELDIG_BERICHT), the folder moves to `processed/`.
       Or **quarantine_file**: the whole file and its report move to `quarantine/`,
       nothing is ingested.

    The rule (docs/batch-intake.md, "Rules for batch files"): a failed fatal check, or
    more invalid rows than `VROEGSIGNAAL_BATCH_MAX_INVALID_FRACTION` (1%), quarantines the
    whole file; otherwise its valid rows are all ingested. A file is never half-ingested.
    """
    claimed = claim_file(bestand)
    validation = validate_file(claimed)
    ingested = ingest_valid_rows(claimed, ontvangen_op)
    route(validation) >> [ingested, quarantine_file(claimed)]
    ingested >> archive_file(claimed)


signal_batch_intake()
