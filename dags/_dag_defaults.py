# SPDX-License-Identifier: EUPL-1.2
"""Defaults every vroegsignaal DAG shares; light to import (no vroegsignaal, no database).

Listed in .airflowignore: the DAG processor does not parse it as a DAG file, the DAG
files import it (Airflow puts the DAG folder on sys.path).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from _alerting import notify_dag_failure, notify_task_failure
from airflow.sdk.exceptions import AirflowFailException

START_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

# Retries with exponential backoff. Airflow 3 waits, after try n, a delay between d and 2d
# with d = retry_delay * 2^(n-1) (a hash of the task instance picks the point in between;
# taskinstance.next_retry_datetime), capped at max_retry_delay: so 2-4, 4-8 and 8-16
# minutes here. Every task is idempotent, so a retry repeats the step without changing its
# outcome. The failure callback alerts once, when the last try failed (vroegsignaal/alerts.py).
DEFAULT_ARGS: dict[str, Any] = {
    "owner": "vroegsignaal",
    "retries": 3,
    "retry_delay": dt.timedelta(minutes=2),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": dt.timedelta(minutes=30),
    "execution_timeout": dt.timedelta(hours=1),
    "on_failure_callback": notify_task_failure,
}
ON_DAG_FAILURE = notify_dag_failure  # a run timed out: no task failed to say so


def intake_run_id(levering: str) -> str:
    """The signal_batch_intake run of a delivery: its opaque id, never the file name."""
    return f"levering__{levering}"


def peildatum(context: Any) -> dt.date:
    """The run's "today": the run parameter `peildatum` (YYYY-MM-DD) when given, else the day
    the run was due (its logical date, else when it was triggered), in the Netherlands.

    The parameter is how a run for another day is made (a rerun, a backfill, a test): a
    run with a logical date in the future is never started by the scheduler.
    """
    from zoneinfo import ZoneInfo

    given = (context.get("params") or {}).get("peildatum")
    if given:
        try:
            return dt.date.fromisoformat(str(given))
        except ValueError as exc:
            raise AirflowFailException(f"peildatum {given!r}: expected YYYY-MM-DD") from exc
    moment = context.get("logical_date") or context["dag_run"].run_after
    return moment.astimezone(ZoneInfo("Europe/Amsterdam")).date()


@contextmanager
def fail_without_retry(*errors: type[BaseException]) -> Iterator[None]:
    """Errors a retry cannot fix (configuration, a refused file, missing data) fail the task
    at once, with the error's code and message (domain messages name ids, never people)."""
    try:
        yield
    except errors as exc:
        code = getattr(exc, "code", type(exc).__name__)
        raise AirflowFailException(f"{code}: {exc}") from exc
