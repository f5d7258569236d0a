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
    """The run's "today": its logical date (else when it was due), as a Dutch calendar date."""
    from zoneinfo import ZoneInfo

    moment = context.get("logical_date") or context["dag_run"].run_after
    return moment.astimezone(ZoneInfo("Europe/Amsterdam")).date()
