# SPDX-License-Identifier: EUPL-1.2
"""A real Airflow for tests: API server, scheduler (LocalExecutor) and DAG processor, started
once per test session as separate processes on loopback, with the project's dags/.

Airflow's metadata database is a database of its own on the test PostgreSQL; so is the
vroegsignaal database the tasks write to. The processes get a clean environment of their
own (not the in-process Airflow configuration of tests/dags/conftest.py used by dag.test()),
the default worker count for the batch door, and a webhook on loopback as their alert
channel. Tests talk to Airflow through its REST API, as an operator's tooling would.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
AIRFLOW = Path(sys.executable).with_name("airflow")
# One DAG per file, dag_id = file stem (tests/dags/test_dag_integrity.py checks it).
DAG_IDS = {p.stem for p in (REPO / "dags").glob("*.py") if not p.name.startswith("_")}
START_TIMEOUT = 240.0
STOP_GRACE = 10.0  # then SIGKILL: the session is over, nothing to keep


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class AirflowUnderTest:
    home: Path
    api_url: str
    metadata_url: str
    database_url: str
    inbox: Path
    work: Path
    models: Path
    env: dict[str, str]
    alerts: list[dict[str, Any]]
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _token: str | None = None

    # -- processes -----------------------------------------------------------------------

    def run(self, *args: str, timeout: float = 300) -> None:
        out = subprocess.run(
            [str(AIRFLOW), *args],
            env=self.env,
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if out.returncode != 0:
            raise RuntimeError(f"airflow {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")

    def start(self, name: str, *args: str) -> None:
        log = (self.home / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(
            [str(AIRFLOW), *args],
            env=self.env,
            cwd=self.home,  # not the repository: nothing may depend on where it started
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with its children
        )

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        for proc in self.procs.values():  # what the components left behind (workers)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

    def logs(self, tail: int = 60) -> str:
        out = []
        for path in sorted(self.home.glob("*.log")):
            lines = path.read_text(errors="replace").splitlines()[-tail:]
            out.append(f"--- {path.name}\n" + "\n".join(lines))
        return "\n".join(out)

    def all_log_text(self) -> str:
        """Every log Airflow wrote: its components' output and every task log."""
        parts = [p.read_text(errors="replace") for p in self.home.glob("*.log")]
        parts += [
            p.read_text(errors="replace") for p in (self.home / "logs").rglob("*") if p.is_file()
        ]
        return "\n".join(parts)

    # -- REST API ------------------------------------------------------------------------

    def _client(self) -> httpx.Client:
        if self._token is None:
            response = httpx.get(f"{self.api_url}/auth/token", timeout=30)
            response.raise_for_status()
            self._token = response.json()["access_token"]
        return httpx.Client(
            base_url=f"{self.api_url}/api/v2",
            headers={"Authorization": f"Bearer {self._token}"},
            timeout=60,
        )

    def get(self, path: str, **params: Any) -> Any:
        with self._client() as client:
            response = client.get(path, params=params)
            response.raise_for_status()
            return response.json()

    def send(self, method: str, path: str, body: dict[str, Any]) -> Any:
        with self._client() as client:
            response = client.request(method, path, json=body)
            if response.status_code >= 400:
                raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
            return response.json()

    def trigger(self, dag_id: str, conf: dict[str, Any] | None = None) -> str:
        body = {"logical_date": None, "conf": conf or {}}
        run = self.send("POST", f"/dags/{dag_id}/dagRuns", body)
        return str(run["dag_run_id"])

    def unpause(self, dag_id: str) -> None:
        self.send("PATCH", f"/dags/{dag_id}", {"is_paused": False})

    def runs(self, dag_id: str) -> list[dict[str, Any]]:
        return list(self.get(f"/dags/{dag_id}/dagRuns", limit=100)["dag_runs"])

    def run_state(self, dag_id: str, run_id: str) -> dict[str, Any]:
        return dict(self.get(f"/dags/{dag_id}/dagRuns/{run_id}"))

    def tasks(self, dag_id: str, run_id: str) -> dict[str, str | None]:
        found = self.get(f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances", limit=100)
        return {ti["task_id"]: ti["state"] for ti in found["task_instances"]}

    def wait(self, what: str, check: Callable[[], Any], timeout: float = 600) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"airflow {name} stopped\n{self.logs()}")
            result = check()
            if result:
                return result
            time.sleep(2)
        raise TimeoutError(f"waited {timeout:.0f} s for {what}\n{self.logs()}")

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float = 600) -> dict[str, Any]:
        def finished() -> dict[str, Any] | None:
            try:
                run = self.run_state(dag_id, run_id)
            except httpx.HTTPStatusError:
                return None  # not created yet
            return run if run["state"] in ("success", "failed") else None

        return dict(self.wait(f"{dag_id} run {run_id}", finished, timeout))


def _environment(values: dict[str, str]) -> dict[str, str]:
    """The parent's environment without any Airflow or vroegsignaal setting, plus `values`."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AIRFLOW", "VROEGSIGNAAL_", "PYTEST", "_AIRFLOW"))
    }
    return {**keep, **values}


def start_airflow(
    *,
    root: Path,
    metadata_url: str,
    database_url: str,
    webhook_url: str,
    vroegsignaal_settings: dict[str, str],
) -> AirflowUnderTest:
    home = root / "airflow"
    inbox, work, models = root / "inbox", root / "batch", root / "models"
    for folder in (home, inbox, work, models):
        folder.mkdir(parents=True)
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}"
    env = _environment(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url,
            # psycopg 3 speaks async too; Airflow would otherwise look for asyncpg.
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": metadata_url,
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAG_IGNORE_FILE_SYNTAX": "glob",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{api_url}/execution/",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
            "GX_ANALYTICS_ENABLED": "false",
            "VROEGSIGNAAL_ENV": "test",
            **vroegsignaal_settings,
            "VROEGSIGNAAL_DATABASE_URL": database_url,
            "VROEGSIGNAAL_BATCH_INBOX": str(inbox),
            "VROEGSIGNAAL_BATCH_WORK_DIR": str(work),
            "VROEGSIGNAAL_MODEL_DIR": str(models),
            "VROEGSIGNAAL_ALERT_WEBHOOK_URL": webhook_url,
        }
    )
    airflow = AirflowUnderTest(
        home, api_url, metadata_url, database_url, inbox, work, models, env, alerts=[]
    )
    airflow.run("db", "migrate")
    # The API server first: tasks report to it, and a task that cannot reach it fails.
    airflow.start("api-server", "api-server", "--host", "127.0.0.1", "--port", str(port))
    try:
        airflow.wait("the API server", lambda: _answers(airflow), START_TIMEOUT)
        airflow.start("scheduler", "scheduler", "--skip-serve-logs")
        airflow.start("dag-processor", "dag-processor")
        airflow.wait("Airflow to start", lambda: _ready(airflow), START_TIMEOUT)
    except BaseException:
        airflow.stop()
        raise
    return airflow


def _answers(airflow: AirflowUnderTest) -> bool:
    try:
        return httpx.get(f"{airflow.api_url}/api/v2/monitor/health", timeout=10).is_success
    except httpx.HTTPError:
        return False


def _ready(airflow: AirflowUnderTest) -> bool:
    try:
        health = httpx.get(f"{airflow.api_url}/api/v2/monitor/health", timeout=10).json()
        if any(health[c]["status"] != "healthy" for c in ("scheduler", "dag_processor")):
            return False
        dags = airflow.get("/dags", limit=100)["dags"]
    except (httpx.HTTPError, KeyError, ValueError):
        return False
    return {d["dag_id"] for d in dags} == DAG_IDS
