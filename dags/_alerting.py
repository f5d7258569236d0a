# SPDX-License-Identifier: EUPL-1.2
"""Failure callbacks of every vroegsignaal DAG: one alert per failure, through the channels
configured for vroegsignaal/alerts.py (log, webhook, e-mail, or your own).

Light to import; listed in .airflowignore. A task's callback runs in the task's process
after its last try failed; the DAG's callback runs in the DAG processor and only alerts
when no task did (a run that timed out).
"""

from __future__ import annotations

from typing import Any


def _send(**fields: Any) -> None:
    from vroegsignaal.alerts import Alert, send
    from vroegsignaal.config import get_settings

    try:
        settings = get_settings()
    except Exception:  # a broken configuration: the log line still goes out
        settings = None
    send(Alert(**fields), settings)


def notify_task_failure(context: Any) -> None:
    from vroegsignaal.alerts import describe

    ti = context["ti"]
    _send(
        dag_id=ti.dag_id,
        run_id=ti.run_id,
        task_id=ti.task_id,
        try_number=ti.try_number,
        reden=describe(context.get("exception")),
    )


def notify_dag_failure(context: Any) -> None:
    reason = context.get("reason") or "onbekend"
    if reason == "task_failure":
        return  # the failed task's own callback has alerted
    _send(
        dag_id=context["dag"].dag_id,
        run_id=context["run_id"],
        task_id=None,
        try_number=None,
        reden=str(reason),
    )
