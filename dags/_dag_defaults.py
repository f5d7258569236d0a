# SPDX-License-Identifier: EUPL-1.2
"""Defaults every vroegsignaal DAG shares; light to import (no vroegsignaal, no database).

Listed in .airflowignore: the DAG processor does not parse it as a DAG file, the DAG
files import it (Airflow puts the DAG folder on sys.path).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

START_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

# Retries with exponential backoff: 2, 4, 8 minutes (at most 30); every task is
# idempotent, so a retry repeats the step without changing its outcome.
DEFAULT_ARGS: dict[str, Any] = {
    "owner": "vroegsignaal",
    "retries": 3,
    "retry_delay": dt.timedelta(minutes=2),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": dt.timedelta(minutes=30),
    "execution_timeout": dt.timedelta(hours=1),
}


def peildatum(context: Any) -> dt.date:
    """The run's "today": the run parameter `peildatum` (YYYY-MM-DD) when given, else the day
    the run was due (its logical date, else when it was triggered), in the Netherlands.

    The parameter is how a run for another day is made (a rerun, a backfill, a test): a
    run with a logical date in the future is never started by the scheduler.
    """
    from zoneinfo import ZoneInfo

    from airflow.sdk.exceptions import AirflowFailException

    given = (context.get("params") or {}).get("peildatum")
    if given:
        try:
            return dt.date.fromisoformat(str(given))
        except ValueError as exc:
            raise AirflowFailException(f"peildatum {given!r}: expected YYYY-MM-DD") from exc
    moment = context.get("logical_date") or context["dag_run"].run_after
    return moment.astimezone(ZoneInfo("Europe/Amsterdam")).date()
