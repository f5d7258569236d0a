# SPDX-License-Identifier: EUPL-1.2
"""Airflow for the DAG tests: a throwaway metadata database, the repository's dags/ folder.

Airflow reads its configuration when it is first imported, so the environment is set
here, at import time of this conftest, before any test module imports Airflow. The
metadata database is a SQLite file in a temporary AIRFLOW_HOME, created once per session
(the programmatic `airflow db reset`). The vroegsignaal database is the real PostgreSQL
of the `pg_url` fixture.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"
_HOME = Path(tempfile.mkdtemp(prefix="vs-airflow-"))

if "airflow" in sys.modules:  # pragma: no cover - a misordered import elsewhere
    raise RuntimeError("Airflow was imported before tests/dags/conftest.py configured it")
os.environ.update(
    {
        "AIRFLOW_HOME": str(_HOME),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_HOME}/airflow.db",
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAG_IGNORE_FILE_SYNTAX": "glob",
        "GX_ANALYTICS_ENABLED": "false",
    }
)
if str(DAGS) not in sys.path:
    sys.path.insert(0, str(DAGS))


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """The metadata database, created once from Airflow's models."""
    from airflow.utils import db

    db.resetdb()
    return _HOME


@pytest.fixture(scope="session")
def dagbag(airflow_db: Path) -> Any:
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


@dataclass
class DagResult:
    state: str
    tasks: dict[str, str]  # task_id -> state
    xcom: dict[str, Any]  # task_id -> return value
    run_id: str


def run_dag(
    dagbag: Any,
    dag_id: str,
    *,
    conf: dict[str, Any] | None = None,
    logical_date: dt.datetime | None = None,
) -> DagResult:
    """One real `dag.test()` run; the states and return values of its tasks."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    dag = dagbag.dags[dag_id]
    dagrun = dag.test(run_conf=conf, logical_date=logical_date)
    with create_session() as session:
        tis = dagrun.get_task_instances(session=session)
        tasks = {ti.task_id: str(ti.state) for ti in tis}
        rows = session.scalars(
            XComModel.get_many(run_id=dagrun.run_id, dag_ids=dag_id, key="return_value")
        ).all()
        xcom = {row.task_id: XComModel.deserialize_value(row) for row in rows}
    return DagResult(str(dagrun.state), tasks, xcom, dagrun.run_id)


@pytest.fixture
def vroegsignaal_env(pg_url: str, tmp_path: Path) -> Iterator[dict[str, Path | str]]:
    """The tasks' configuration: the test PostgreSQL and batch folders under tmp_path."""
    from vroegsignaal.config import get_settings

    inbox, work = tmp_path / "inbox", tmp_path / "batch"
    inbox.mkdir()
    values = {
        "VROEGSIGNAAL_DATABASE_URL": pg_url,
        "VROEGSIGNAAL_BATCH_INBOX": str(inbox),
        "VROEGSIGNAAL_BATCH_WORK_DIR": str(work),
        "VROEGSIGNAAL_BATCH_WORKERS": "1",
        "VROEGSIGNAAL_BATCH_MIN_FILE_AGE_SECONDS": "0",
        # An empty model registry: the transparent rule scores, whatever var/models holds.
        "VROEGSIGNAAL_MODEL_DIR": str(tmp_path / "models"),
    }
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    get_settings.cache_clear()
    yield {"database_url": pg_url, "inbox": inbox, "work": work}
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    get_settings.cache_clear()
