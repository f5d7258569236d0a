# SPDX-License-Identifier: EUPL-1.2
"""The DAGs under a real Airflow scheduler (LocalExecutor, DAG processor, API server; issue
15), not only dag.test(): files dropped in the inbox land with the default worker count,
two deliveries of one schuldeiser are ingested in arrival order, no delivered file name
reaches Airflow's database or logs, and the purge deletes nothing before a dry run and
alerts through the webhook when it refuses.

One Airflow serves the whole module (tests/dags/scheduler.py, started once per session);
the deliveries are made once (`deliveries`) and the tests look at what happened.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.orm import Session

from tests.dags.conftest import count_rows
from tests.dags.scheduler import AirflowUnderTest
from tests.factories import signaal
from vroegsignaal.contract.io import write_csv, write_jsonl
from vroegsignaal.storage.tables import BatchLevering, Signaal

pytestmark = pytest.mark.integration

SINGLE = "WBV-PLANNER"  # one delivery
ORDERED = "EN-PLANNER"  # two deliveries
# Names a schuldeiser might make from a person: they must stay out of Airflow.
LANDED = "Jansen-de-Vries-maart.csv"
OLDER = "zz-Pietersen-eerst.jsonl"  # delivered first, sorts last
NEWER = "aa-Bakker-later.csv"
STEMS = ("Jansen-de-Vries", "Pietersen-eerst", "Bakker-later")


def _signals(creditor: str, prefix: str, n: int, **fields: Any) -> list[dict[str, Any]]:
    return [
        signaal(
            schuldeiser=creditor,
            signaalpartner="Energie" if creditor == ORDERED else "Huur",
            signaalId=f"{prefix}-{i}",
            klantreferentie=f"K-{prefix}-{i}",
            client__huisnummer=str(i + 1),
            **fields,
        )
        for i in range(n)
    ]


def _drop(inbox: Path, creditor: str, name: str, records: list[dict[str, Any]], age: int) -> None:
    """As a transfer service delivers: write under a temporary name, rename when complete."""
    folder = inbox / creditor
    folder.mkdir(exist_ok=True)
    part = folder / f".{name}.part"
    (write_jsonl if name.endswith(".jsonl") else write_csv)(part, records)
    part.rename(folder / name)
    stamp = time.time() - age  # upload completed `age` seconds ago (older than the 60 s)
    os.utime(folder / name, (stamp, stamp))


def _deliveries(url: str) -> dict[str, BatchLevering]:
    engine = create_engine(url)
    with Session(engine) as session:
        rows = {r.bestandsnaam: r for r in session.scalars(select(BatchLevering))}
    engine.dispose()
    return rows


@pytest.fixture(scope="module")
def deliveries(airflow_scheduler: AirflowUnderTest) -> dict[str, Any]:
    """Three files of two schuldeisers dropped in the inbox and one inbox run triggered;
    meanwhile the purge is unpaused before any dry run. Waits until everything finished."""
    airflow = airflow_scheduler
    paused = {d["dag_id"]: d["is_paused"] for d in airflow.get("/dags", limit=100)["dags"]}
    _drop(airflow.inbox, SINGLE, LANDED, _signals(SINGLE, "S", 40), age=180)
    first = _signals(ORDERED, "O", 3, bedrag=500)
    _drop(airflow.inbox, ORDERED, OLDER, first, age=600)
    # The same signaalId again, with another amount: only arrival order decides what is kept.
    again = _signals(ORDERED, "O", 1, bedrag=900) + _signals(ORDERED, "N", 2)
    _drop(airflow.inbox, ORDERED, NEWER, again, age=300)

    airflow.unpause("retention_purge")  # its last missed slot starts at once
    inbox_run = airflow.trigger("signal_batch_inbox")
    inbox = airflow.wait_for_run("signal_batch_inbox", inbox_run, timeout=300)

    def all_finished() -> dict[str, BatchLevering] | None:
        rows = _deliveries(airflow.database_url)
        done = len(rows) == 3 and all(r.status not in ("wachtend", "bezig") for r in rows.values())
        return rows if done else None

    rows = airflow.wait("three deliveries finished", all_finished, timeout=900)
    runs = {
        name: airflow.wait_for_run("signal_batch_intake", f"levering__{row.id}")
        for name, row in rows.items()
    }
    purge_runs = airflow.wait(
        "the purge's scheduled run", lambda: airflow.runs("retention_purge"), timeout=300
    )
    purge = airflow.wait_for_run("retention_purge", purge_runs[0]["dag_run_id"])
    return {
        "paused": paused,
        "inbox": inbox,
        "rows": rows,
        "runs": runs,
        "tasks": {
            n: airflow.tasks("signal_batch_intake", r["dag_run_id"]) for n, r in runs.items()
        },
        "purge": purge,
        "purge_tasks": airflow.tasks("retention_purge", purge["dag_run_id"]),
    }


def test_dags_start_unpaused_except_the_purge(deliveries: dict[str, Any]) -> None:
    assert deliveries["paused"] == {
        "signal_batch_inbox": False,
        "signal_batch_intake": False,
        "nightly_rescoring_and_sla": False,
        "risk_model_training": False,
        "refresh_kpi_rollups": False,
        "export_ddas_deliveries": False,
        "retention_purge": True,
    }


def test_a_dropped_file_lands_with_the_default_workercount_rows(
    airflow_scheduler: AirflowUnderTest, deliveries: dict[str, Any]
) -> None:
    assert deliveries["inbox"]["state"] == "success"
    row = deliveries["rows"][LANDED]
    run = deliveries["runs"][LANDED]
    assert run["state"] == "success", deliveries["tasks"][LANDED]
    assert run["conf"] == {"levering": row.id} and run["dag_run_id"] == f"levering__{row.id}"
    tasks = deliveries["tasks"][LANDED]
    assert tasks["archive_file"] == "success" and tasks["quarantine_file"] == "skipped"
    assert row.status == "verwerkt" and row.bewaren_tot is not None
    url = airflow_scheduler.database_url
    assert count_rows(url, Signaal, Signaal.schuldeiser == SINGLE) == 40
    assert (airflow_scheduler.work / "processed" / SINGLE / row.id / LANDED).is_file()
    # Two worker processes ingested: their lines are in the task log, nothing went wrong.
    logs = airflow_scheduler.home / "logs" / "dag_id=signal_batch_intake"
    for task_id in ("validate_file", "ingest_valid_rows"):
        folder = logs / f"run_id={run['dag_run_id']}" / f"task_id={task_id}"
        log = "".join(p.read_text() for p in folder.rglob("*.log"))
        assert '"level":"error"' not in log and "Traceback" not in log, log[-3000:]
    assert len(set(re.findall(r"\[worker (\d+)\]", log))) == 2, "two ingesting workers"


def test_two_deliveries_of_one_schuldeiser_are_ingested_in_arrival_order(
    airflow_scheduler: AirflowUnderTest, deliveries: dict[str, Any]
) -> None:
    rows, runs = deliveries["rows"], deliveries["runs"]
    assert runs[OLDER]["state"] == runs[NEWER]["state"] == "success"
    older_end = dt.datetime.fromisoformat(runs[OLDER]["end_date"])
    newer_start = dt.datetime.fromisoformat(runs[NEWER]["start_date"])
    assert older_end <= newer_start, "the later delivery started after the earlier one ended"
    assert deliveries["tasks"][NEWER]["start_next_delivery"] == "skipped", "nothing after it"
    engine = create_engine(airflow_scheduler.database_url)
    with Session(engine) as s:
        mine = (Signaal.schuldeiser == ORDERED, Signaal.signaal_id == "O-0")
        kept = s.scalar(select(Signaal.bedrag).where(*mine))
    engine.dispose()
    assert kept == 500, "the signal of the delivery that arrived first is the stored one"
    assert rows[OLDER].gewijzigd_ns < rows[NEWER].gewijzigd_ns


def test_no_delivered_file_name_in_airflows_database_or_logs(
    airflow_scheduler: AirflowUnderTest, deliveries: dict[str, Any]
) -> None:
    airflow = airflow_scheduler
    metadata = _database_text(airflow.metadata_url)
    assert "levering__" in metadata  # the scan sees the runs
    logs = airflow.all_log_text()
    assert "levering__" in logs
    for stem in STEMS:
        assert stem not in metadata, f"{stem} in Airflow's metadata database"
        assert stem not in logs, f"{stem} in Airflow's logs"
    # Where the name is kept: our own database, under retention (bewaren_tot).
    ours = _database_text(airflow.database_url)
    assert all(stem in ours for stem in STEMS)


def _database_text(url: str) -> str:
    """Every row of every table, as text."""
    engine = create_engine(url)
    parts = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows = conn.execute(text(f'SELECT t::text FROM "{table}" t')).scalars()
            parts.extend(rows)
    engine.dispose()
    return "\n".join(parts)


def test_the_purge_deletes_nothing_before_a_dry_run_and_alerts_once(
    airflow_scheduler: AirflowUnderTest, deliveries: dict[str, Any]
) -> None:
    airflow = airflow_scheduler
    assert deliveries["purge"]["state"] == "failed"
    assert deliveries["purge_tasks"]["purge_database"] == "failed"
    assert deliveries["purge_tasks"]["purge_batch_files"] == "upstream_failed"
    alerts = [a for a in airflow.alerts if a["dag_id"] == "retention_purge"]
    assert len(alerts) == 1, airflow.alerts
    assert alerts[0]["task_id"] == "purge_database"
    assert alerts[0]["reden"].startswith("GEEN_PROEFRUN: no dry run")
    dry = airflow.wait_for_run(
        "retention_purge", airflow.trigger("retention_purge", {"dry_run": True})
    )
    assert dry["state"] == "success"
    real = airflow.wait_for_run("retention_purge", airflow.trigger("retention_purge"))
    assert real["state"] == "success", airflow.tasks("retention_purge", real["dag_run_id"])
    assert [a for a in airflow.alerts if a["dag_id"] == "retention_purge"] == alerts


def test_training_without_outcome_data_fails_at_once_with_a_clear_alert(
    airflow_scheduler: AirflowUnderTest, deliveries: dict[str, Any]
) -> None:
    """Active from the start, the monthly training's last slot ran on this fresh install."""
    airflow = airflow_scheduler
    (run,) = airflow.runs("risk_model_training")
    run = airflow.wait_for_run("risk_model_training", run["dag_run_id"])
    found = airflow.get(
        f"/dags/risk_model_training/dagRuns/{run['dag_run_id']}/taskInstances/extract_training_data"
    )
    assert (run["state"], found["state"], found["try_number"]) == ("failed", "failed", 1)
    (alert,) = [a for a in airflow.alerts if a["dag_id"] == "risk_model_training"]
    assert alert["reden"].startswith("TRAININGSDATA_GEWEIGERD: geen uitkomstgegevens")


def _workers_of(home: Path) -> dict[int, int]:
    """Worker processes (batch/parallel.py) of this Airflow's tasks: pid -> parent pid."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            environ = (proc / "environ").read_bytes().split(b"\0")
            stat = (proc / "stat").read_text()
        except OSError:
            continue  # gone, or not ours
        if b"batch.parallel" in cmdline and f"AIRFLOW_HOME={home}".encode() in environ:
            found[int(proc.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_sigterm_to_a_running_task_ends_it_and_its_workers(
    airflow_scheduler: AirflowUnderTest, deliveries: dict[str, Any]
) -> None:
    """As when a Kubernetes pod or the executor stops a task: SIGTERM to the task's process
    only. The workers go with it, once, and nothing is started again in their place.
    Runs last: the stopped delivery holds its schuldeiser's line (it stays open)."""
    airflow = airflow_scheduler
    _drop(airflow.inbox, "WBV-STOP", "Stop-test.csv", _signals("WBV-STOP", "T", 20), age=120)
    airflow.trigger("signal_batch_inbox")
    workers = airflow.wait("validation workers", lambda: _workers_of(airflow.home), 300)
    (task,) = set(workers.values())
    os.kill(task, signal.SIGTERM)
    airflow.wait(
        "the task and its workers to end", lambda: not any(map(_alive, [task, *workers])), 60
    )
    time.sleep(5)
    assert _workers_of(airflow.home) == {}, "no worker was started again"
    (row,) = [r for r in _deliveries(airflow.database_url).values() if r.schuldeiser == "WBV-STOP"]
    validate = f"/dags/signal_batch_intake/dagRuns/levering__{row.id}/taskInstances/validate_file"
    ended = ("up_for_retry", "failed")  # SIGTERM is a failure; Airflow may retry it
    airflow.wait("the task's end", lambda: airflow.get(validate)["state"] in ended, 60)
    assert row.status == "bezig", "an unfinished delivery keeps its place in line"
    airflow.send("PATCH", validate, {"new_state": "failed"})  # no retry while other tests run
