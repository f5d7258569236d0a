# SPDX-License-Identifier: EUPL-1.2
"""Nightly: delete personal data past its retention date and log the deletion (dry run possible)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from _dag_defaults import (
    DEFAULT_ARGS,
    ON_DAG_FAILURE,
    START_DATE,
    fail_without_retry,
    peildatum,
)
from airflow.sdk import dag, get_current_context, task


def _require_dry_run(session: Any) -> None:
    from vroegsignaal.retention.purge import NoDryRunYet, require_dry_run

    with fail_without_retry(NoDryRunYet):
        require_dry_run(session)


@task(execution_timeout=dt.timedelta(hours=2))
def purge_database(dry_run: bool = False) -> dict[str, Any]:
    """Signals, cases, queue items, refusals, batches, deliveries and audit rows past their
    term; refuses to delete before a dry run was recorded."""
    from vroegsignaal.config import get_settings
    from vroegsignaal.retention.purge import purge
    from vroegsignaal.storage.db import session_scope

    context = get_current_context()
    with session_scope(get_settings().database_url) as session:
        if not dry_run:
            _require_dry_run(session)
        return purge(
            session,
            peildatum=peildatum(context),
            run_id=context["run_id"],
            dry_run=bool(dry_run),
        )


@task(execution_timeout=dt.timedelta(minutes=30))
def purge_batch_files(dry_run: bool = False) -> dict[str, int]:
    """Delivered files (personal data in clear) in processed/ and quarantine/ past their term."""
    from batch.folders import BatchFolders
    from batch.retention import purge_batch_files as purge_files
    from vroegsignaal.config import ConfigurationError, get_settings
    from vroegsignaal.retention.policy import RetentionPolicy
    from vroegsignaal.storage.db import session_scope

    context = get_current_context()
    settings = get_settings()
    with fail_without_retry(ConfigurationError):
        folders = BatchFolders.checked(settings)
    with session_scope(settings.database_url) as session:
        if not dry_run:
            _require_dry_run(session)
        return purge_files(
            session,
            folders=folders,
            policy=RetentionPolicy.load(settings),
            peildatum=peildatum(context),
            run_id=context["run_id"],
            dry_run=bool(dry_run),
        )


@dag(
    dag_id="retention_purge",
    schedule="30 1 * * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=dt.timedelta(hours=3),
    default_args=DEFAULT_ARGS,
    on_failure_callback=ON_DAG_FAILURE,
    is_paused_upon_creation=True,  # unpaused by an operator after the first dry run
    tags=["vroegsignaal", "privacy", "retention", "nightly"],
)
def retention_purge(dry_run: bool = False, peildatum: str = "") -> None:
    """
    ### Retention purge

    Runs at 01:30 UTC; "today" is the run parameter `peildatum` (YYYY-MM-DD) when given,
    else the day the run was due (Europe/Amsterdam).

    **Starts paused.** Trigger it with `dry_run=true` first and look at the counts: a dry
    run plans and counts, deletes and logs nothing, and is recorded. Then unpause it. A
    real run refuses to delete anything (and alerts) as long as no dry run was recorded in
    this database.

    - **purge_database** (vroegsignaal/retention/purge.py): signals that led to no help
      after their retention date (default 6 months, `gemeente_instelling`; a term per
      signal status in `bewaartermijnen.yaml`), closed cases without follow-up help with
      their signals and queue item, refusal rows, intake batches and audit rows past
      `bewaren_tot`. Open cases and cases that became a debt-help file stay.
    - **purge_batch_files**: delivered files in `processed/` (7 days) and `quarantine/`
      (30 days); the delivery register's rows, which hold the file names, go with them.

    Every deletion is written to `verwijder_log`: table, ground, count and row ids,
    never personal data, in the same transaction as the deletion.
    """
    purge_database(dry_run) >> purge_batch_files(dry_run)


retention_purge()
