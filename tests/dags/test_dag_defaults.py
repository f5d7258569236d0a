# SPDX-License-Identifier: EUPL-1.2
"""The DAGs' shared helpers (dags/_dag_defaults.py): "today" of a run, errors that must not
be retried, the retry timing as Airflow 3 computes it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from tests.dags.conftest import DAGS  # noqa: F401  (configures Airflow first)


def _context(**values: Any) -> dict[str, Any]:
    return {"params": {"peildatum": ""}, "logical_date": None, **values}


def test_peildatum_from_the_run_parameter_else_the_due_day_in_the_netherlands() -> None:
    from _dag_defaults import peildatum

    late_evening = dt.datetime(2026, 3, 27, 23, 30, tzinfo=dt.UTC)  # 28 March in Amsterdam
    assert peildatum(_context(params={"peildatum": "2026-03-01"})) == dt.date(2026, 3, 1)
    assert peildatum(_context(logical_date=late_evening)) == dt.date(2026, 3, 28)
    triggered = _context(dag_run=SimpleNamespace(run_after=late_evening))
    assert peildatum(triggered) == dt.date(2026, 3, 28)


def test_a_wrong_peildatum_fails_without_retries() -> None:
    from _dag_defaults import peildatum
    from airflow.sdk.exceptions import AirflowFailException

    with pytest.raises(AirflowFailException, match="expected YYYY-MM-DD"):
        peildatum(_context(params={"peildatum": "1-3-2026"}))


def test_configuration_errors_fail_at_once_with_their_message() -> None:
    from _dag_defaults import fail_without_retry
    from airflow.sdk.exceptions import AirflowFailException

    from vroegsignaal.config import ConfigurationError

    with (
        pytest.raises(AirflowFailException, match="ConfigurationError: VROEGSIGNAAL_X"),
        fail_without_retry(ConfigurationError),
    ):
        raise ConfigurationError("VROEGSIGNAAL_X=/nergens does not exist")
    with pytest.raises(KeyError), fail_without_retry(ConfigurationError):
        raise KeyError("other errors keep their retries")


def test_retry_delays_are_what_the_docs_say(dagbag: Any) -> None:
    """docs/batch-intake.md: after try n Airflow 3 waits between d and 2d, d = 2^(n-1) x 2
    minutes: 2-4, 4-8, 8-16 minutes (taskinstance.next_retry_datetime)."""
    from airflow.models.taskinstance import TaskInstance

    task = dagbag.dags["nightly_rescoring_and_sla"].get_task("mark_overdue_items")
    end = dt.datetime(2026, 3, 27, 1, 0, tzinfo=dt.UTC)
    for try_number, (low, high) in enumerate([(2, 4), (4, 8), (8, 16)], start=1):
        for logical_minute in range(20):  # the hash picks a point in [d, 2d)
            ti = SimpleNamespace(
                task=task,
                try_number=try_number,
                dag_id="d",
                task_id="t",
                logical_date=end + dt.timedelta(minutes=logical_minute),
                end_date=end,
                retry_delay_override=None,
                log=None,
            )
            wait = TaskInstance.next_retry_datetime(ti) - end  # type: ignore[arg-type]
            assert dt.timedelta(minutes=low) <= wait < dt.timedelta(minutes=high)
