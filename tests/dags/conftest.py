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


def count_rows(url: str, model: type, *where: Any) -> int:
    """Rows of `model` in the vroegsignaal database at `url` that match `where`."""
    from sqlalchemy import create_engine, func, select
    from sqlalchemy.orm import Session

    engine = create_engine(url)
    with Session(engine) as s:
        n = s.scalar(select(func.count()).select_from(model).where(*where)) or 0
    engine.dispose()
    return n


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
    """The tasks' configuration: the test PostgreSQL and batch folders under tmp_path, with
    the default number of worker processes."""
    from vroegsignaal.config import get_settings

    inbox, work, models = tmp_path / "inbox", tmp_path / "batch", tmp_path / "models"
    for folder in (inbox, work, models):
        folder.mkdir()
    values = {
        "VROEGSIGNAAL_DATABASE_URL": pg_url,
        "VROEGSIGNAAL_BATCH_INBOX": str(inbox),
        "VROEGSIGNAAL_BATCH_WORK_DIR": str(work),
        "VROEGSIGNAAL_BATCH_MIN_FILE_AGE_SECONDS": "0",
        # An empty model registry: the transparent rule scores, whatever var/models holds.
        "VROEGSIGNAAL_MODEL_DIR": str(models),
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


@pytest.fixture(scope="session")
def airflow_scheduler(
    new_postgres_database: Any, tmp_path_factory: pytest.TempPathFactory,
    kafka_bootstrap: str, new_kafka_topic: Any,
) -> Iterator[Any]:
    """A real Airflow (API server, scheduler with LocalExecutor, DAG processor) on loopback,
    once per session: tests/dags/scheduler.py. Its metadata database and the vroegsignaal
    database are databases of their own on the test PostgreSQL; the retention DAG's
    creditor feedback goes to a topic of its own on the test Kafka broker."""
    from tests.alert_sinks import webhook_sink
    from tests.dags.scheduler import start_airflow
    from tests.domain_fixtures import TEST_ENCRYPTION_KEY, TEST_HMAC_KEY
    from vroegsignaal.storage.seed import prepare_database

    metadata_url = new_postgres_database()
    database_url = new_postgres_database()
    prepare_database(database_url)
    with webhook_sink() as (webhook_url, received):
        airflow = start_airflow(
            root=tmp_path_factory.mktemp("scheduler"),
            metadata_url=metadata_url,
            database_url=database_url,
            webhook_url=webhook_url,
            vroegsignaal_settings={
                "VROEGSIGNAAL_ENCRYPTION_KEY": TEST_ENCRYPTION_KEY,
                "VROEGSIGNAAL_HMAC_KEY": TEST_HMAC_KEY,
                "VROEGSIGNAAL_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
                "VROEGSIGNAAL_KAFKA_FEEDBACK_TOPIC": new_kafka_topic(),
            },
        )
        airflow.alerts = received
        try:
            yield airflow
        finally:
            airflow.stop()
