# SPDX-License-Identifier: EUPL-1.2
"""Every DAG imports without errors, quickly, without database, network or heavy imports,
and carries the house defaults (STYLE.md section 3, rule 10)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.dags.conftest import DAGS

EXPECTED = {
    "signal_batch_inbox",
    "signal_batch_intake",
    "nightly_rescoring_and_sla",
    "retention_purge",
    "risk_model_training",
    "refresh_kpi_rollups",
    "export_ddas_deliveries",
}
DAG_FILES = sorted(p for p in DAGS.glob("*.py") if not p.name.startswith("_"))
MAX_IMPORT_SECONDS = 2.0  # per file, once Airflow itself is imported; typically ~0.05 s

# Runs in a fresh interpreter: imports Airflow's authoring API first, then watches every
# DAG file's import for connections, subprocesses and new heavy modules.
_PROBE = r"""
import importlib.util, json, sys, time
sys.path.insert(0, sys.argv[1])
import airflow.sdk
from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
events = []
WATCH = ("socket.connect", "socket.getaddrinfo", "sqlite3.connect", "subprocess.Popen",
         "os.system", "os.posix_spawn", "urllib.Request")
def hook(event, args):
    if event in WATCH:
        events.append(event)
sys.addaudithook(hook)
before = set(sys.modules)
times = {}
for path in sys.argv[2:]:
    start = time.perf_counter()
    spec = importlib.util.spec_from_file_location("probe_" + path.rsplit("/", 1)[-1][:-3], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    times[path] = time.perf_counter() - start
new = sorted({m.split(".")[0] for m in set(sys.modules) - before})
print(json.dumps({"events": events, "times": times, "new_modules": new}))
"""
HEAVY = {
    "pandas", "great_expectations", "sklearn", "numpy", "psycopg",
    "vroegsignaal", "models", "batch",
}


def test_dag_files_import_fast_without_database_network_or_heavy_modules(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path),
        # A database that cannot exist: any connection attempt would also fail loudly.
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{tmp_path}/absent/airflow.db",
        "VROEGSIGNAAL_DATABASE_URL": "postgresql+psycopg://nobody@192.0.2.1:1/none",
    }
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(DAGS), *map(str, DAG_FILES)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    assert probe["events"] == [], f"DAG files did I/O at import time: {probe['events']}"
    assert not HEAVY & set(probe["new_modules"]), probe["new_modules"]
    slow = {Path(p).name: t for p, t in probe["times"].items() if t > MAX_IMPORT_SECONDS}
    assert not slow, f"slow DAG imports: {slow}"


def test_dagbag_has_every_dag_and_no_import_errors(dagbag: Any) -> None:
    assert dagbag.import_errors == {}
    assert set(dagbag.dags) == EXPECTED
    for dag_id, dag in dagbag.dags.items():
        assert Path(dag.fileloc).stem == dag_id, "dag_id equals the file stem (rule 10)"


@pytest.mark.parametrize("dag_id", sorted(EXPECTED))
def test_dag_has_the_house_defaults(dagbag: Any, dag_id: str) -> None:
    dag = dagbag.dags[dag_id]
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.dagrun_timeout is not None
    assert dag.tags and "vroegsignaal" in dag.tags
    assert dag.doc_md and len(dag.doc_md.strip()) > 80
    assert dag.start_date is not None and dag.start_date.utcoffset() == dt.timedelta(0)
    assert dag.on_failure_callback is not None, "a run that times out alerts"
    assert dag.is_paused_upon_creation is (dag_id == "retention_purge"), (
        "only the purge waits for an operator (after its first dry run)"
    )
    for t in dag.tasks:
        assert t.retries >= 1, f"{t.task_id}: retries"
        assert t.retry_exponential_backoff, f"{t.task_id}: backoff"
        assert t.execution_timeout is not None, f"{t.task_id}: execution_timeout"
        assert t.on_failure_callback, f"{t.task_id}: alerts when its last try failed"


@pytest.mark.parametrize(
    "dag_id",
    [
        "export_ddas_deliveries",
        "nightly_rescoring_and_sla",
        "refresh_kpi_rollups",
        "retention_purge",
        "risk_model_training",
    ],
)
def test_today_is_a_run_parameter(dagbag: Any, dag_id: str) -> None:
    assert dagbag.dags[dag_id].params["peildatum"] == ""
