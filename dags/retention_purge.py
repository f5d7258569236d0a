# SPDX-License-Identifier: EUPL-1.2
"""Nightly: close the zaken that reached their maximum age, then delete personal data past its
retention date and log the deletion (dry run possible)."""

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
from airflow.sdk import TriggerRule, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException


def _require_dry_run(session: Any) -> None:
    from vroegsignaal.retention.purge import NoDryRunYet, require_dry_run

    with fail_without_retry(NoDryRunYet):
        require_dry_run(session)


@task(execution_timeout=dt.timedelta(hours=2))
def close_expired_zaken(dry_run: bool = False) -> dict[str, Any]:
    """Open zaken past their maximum age: closed by the system with the eindresultaat that
    fits; a dry run counts them. Also counts what is "bijna verlopen"."""
    from vroegsignaal.config import get_settings
    from vroegsignaal.retention.auto_closing import close_expired
    from vroegsignaal.storage.db import session_scope

    day = peildatum(get_current_context())
    with session_scope(get_settings().database_url) as session:
        if not dry_run:
            _require_dry_run(session)
        return close_expired(session, peildatum=day, dry_run=bool(dry_run)).as_dict()


@task(execution_timeout=dt.timedelta(minutes=30))
def send_creditor_feedback(closing: dict[str, Any], dry_run: bool = False) -> dict[str, Any]:
    """What the closings told each creditor (the `terugkoppeling` outbox) onto the Kafka
    feedback topic; a dry run sends nothing."""
    if dry_run:
        return {"verstuurd": 0, "dry_run": True}
    from streaming.case_feedback import send_outbox
    from streaming.settings import StreamingSettings
    from vroegsignaal.config import get_settings

    sent = send_outbox(StreamingSettings(), get_settings().database_url,
                       client="bewaartermijn")
    return {"verstuurd": sent, "dry_run": False, "gesloten": closing["gesloten"]}


# Runs when the feedback could not be sent too (a broker outage does not hold up deletion;
# the outbox keeps what is unsent for the next run, until its own term).
@task(execution_timeout=dt.timedelta(hours=2), trigger_rule=TriggerRule.ALL_DONE)
def purge_database(dry_run: bool = False) -> dict[str, Any]:
    """Signals, zaken, queue items, refusals, outbox rows, batches, deliveries and audit
    rows past their term; refuses to delete before a dry run was recorded. Fails after a
    real run that kept anything past its term without a ground."""
    from vroegsignaal.config import get_settings
    from vroegsignaal.retention.purge import purge
    from vroegsignaal.storage.db import session_scope

    context = get_current_context()
    with session_scope(get_settings().database_url) as session:
        if not dry_run:
            _require_dry_run(session)
        summary = purge(
            session,
            peildatum=peildatum(context),
            run_id=context["run_id"],
            dry_run=bool(dry_run),
        )
    if summary["zonder_grond"] and not dry_run:
        raise AirflowFailException(
            f"kept past their term without a ground: {summary['zonder_grond']} "
            "(open zaken the automatic closing did not close: see close_expired_zaken)"
        )
    return summary


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
    ### Retention: automatic closing and purge

    Runs at 01:30 UTC; "today" is the run parameter `peildatum` (YYYY-MM-DD) when given,
    else the day the run was due (Europe/Amsterdam).

    **Starts paused.** Trigger it with `dry_run=true` first and look at the counts: a dry
    run plans and counts closings and deletions, changes and logs nothing, and is
    recorded. Then unpause it. A real run refuses to close or delete anything (and alerts)
    as long as no dry run was recorded in this database.

    - **close_expired_zaken** (vroegsignaal/retention/auto_closing.py, ADR 0018): open
      zaken without a signal or contact attempt for the municipality's maximum age (default
      6 months) are closed by the system, "Automatisch afgesloten", with the eindresultaat
      that fits ("Niet opgepakt: andere reden" when nobody tried, "Definitief geen contact
      kunnen krijgen" when nobody was reached, "Geen reactie na eerder contact"); each is
      audited, and dated by its result from today. Also counts the zaken "bijna verlopen".
    - **send_creditor_feedback**: the coarse status of those signals to the feedback topic
      (what is left in the `terugkoppeling` outbox).
    - **purge_database** (vroegsignaal/retention/purge.py; also when the feedback could not
      be sent): signals that led to no help, closed zaken with all they hold, refusal
      rows, outbox rows, intake batches and audit rows past `bewaren_tot`. A zaak stays
      past its date only under a recorded legal ground; the result counts what each ground
      kept. Anything kept without one (an open zaak past its maximum age) fails the task,
      after the deletions.
    - **purge_batch_files**: delivered files in `processed/` (7 days) and `quarantine/`
      (30 days); the delivery register's rows, which hold the file names, go with them.

    Every deletion is written to `verwijder_log`: table, ground, count and row ids,
    never personal data, in the same transaction as the deletion.
    """
    sent = send_creditor_feedback(close_expired_zaken(dry_run), dry_run)
    sent >> purge_database(dry_run) >> purge_batch_files(dry_run)


retention_purge()
