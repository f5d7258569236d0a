# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: a 1,000,000-row batch file validated (Great Expectations) and ingested into
PostgreSQL by the signal_batch_intake task code, without a scheduler: registered as a
delivery, claimed, validated and ingested by the worker processes of
batch/parallel.py (`--workers`, default 2, as VROEGSIGNAAL_BATCH_WORKERS).

Writes benchmarks/results/batch_intake.json: seconds per step, rows per second and the
peak memory of the whole client process tree. Target (issue 5): under 3 minutes and
under 1 GB on the 2-core development machine.

    .venv/bin/python benchmarks/bench_batch_intake.py [--rows 1000000] [--workers 2]

The file: `generate_signals` for every municipality over 15 months (about 850,000
signals a year nationally), the first `--rows` signals, as flat CSV. A batch file comes
from one schuldeiser (its inbox folder), so every row carries the code BENCH-SE; the
generator's defects stay in (about 0.5% invalid rows, unknown columns): the file is
ingested under the batch-file rule with its invalid rows refused.

PostgreSQL: $VROEGSIGNAAL_BENCH_DATABASE_URL (a server URL; a fresh database is created),
else the throwaway cluster of scripts/services/postgres.sh.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.memory import PeakMemory  # noqa: E402
from benchmarks.postgres import create_database, drop_database, server_url  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
CACHE = ROOT / "var" / "bench"
CREDITOR = "BENCH-SE"
RECEIVED = dt.date(2026, 4, 1)  # after the last signaaldatum of the 15 months


def _file_path(rows: int, seed: int) -> Path:
    return CACHE / f"batch-{rows}-seed{seed}.csv"


def _generate(rows: int, seed: int) -> Path:
    from itertools import islice

    from synthetic import UNKNOWN_FIELDS, all_gemeentecodes, generate_signals
    from vroegsignaal.contract.io import write_csv

    CACHE.mkdir(parents=True, exist_ok=True)
    path = _file_path(rows, seed)
    records = generate_signals(
        gemeenten=all_gemeentecodes(), start=dt.date(2025, 1, 1), months=15, seed=seed
    )

    def one_creditor() -> Any:
        for rec in islice(records, rows):
            if "schuldeiser" in rec:
                rec["schuldeiser"] = CREDITOR
            yield rec

    tmp = path.with_suffix(".tmp")
    written = write_csv(tmp, one_creditor(), extra_columns=UNKNOWN_FIELDS)
    if written < rows:
        raise SystemExit(f"the generator gave only {written} signals; raise the months")
    tmp.rename(path)
    return path


def _signal_file(rows: int, seed: int) -> Path:
    path = _file_path(rows, seed)
    if not path.exists():
        # In a child process: the generator's memory is not the intake's.
        subprocess.run(
            [sys.executable, __file__, "--generate-only", "--rows", str(rows), "--seed", str(seed)],
            check=True,
        )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        _generate(args.rows, args.seed)
        return

    t0 = time.perf_counter()
    source = _signal_file(args.rows, args.seed)
    generate_s = time.perf_counter() - t0
    server = server_url()
    name, url = create_database(server, "bench_batch")
    work = CACHE / f"batch-run-{uuid.uuid4().hex[:8]}"
    os.environ.update(
        {
            "VROEGSIGNAAL_ENV": os.environ.get("VROEGSIGNAAL_ENV", "development"),
            "VROEGSIGNAAL_DATABASE_URL": url,
            "VROEGSIGNAAL_BATCH_INBOX": str(work / "inbox"),
            "VROEGSIGNAAL_BATCH_WORK_DIR": str(work),
            "VROEGSIGNAAL_BATCH_WORKERS": str(args.workers),
            "VROEGSIGNAAL_BATCH_MIN_FILE_AGE_SECONDS": "0",
            "AIRFLOW_HOME": str(CACHE / "airflow"),
            "GX_ANALYTICS_ENABLED": "false",
        }
    )
    try:
        result = _run(args, source, url, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not args.keep_database:
            drop_database(server, name)
    result["generate_seconds_if_not_cached"] = round(generate_s, 2)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "batch_intake.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    json.dump(result, sys.stdout, indent=2)
    print()


def _run(args: argparse.Namespace, source: Path, url: str, work: Path) -> dict[str, Any]:
    from batch.delivery import register_inbox
    from vroegsignaal.storage.seed import prepare_database

    prepare_database(url)
    inbox = work / "inbox" / CREDITOR
    inbox.mkdir(parents=True)
    os.link(source, inbox / source.name) if _same_device(source, inbox) else shutil.copy(
        source, inbox / source.name
    )
    sys.path.insert(0, str(ROOT / "dags"))
    import signal_batch_intake as dag_file  # the DAG's own task code

    (levering,) = register_inbox()
    claimed = dag_file.claim_file.function(levering)
    load_at_start = os.getloadavg()
    cpu_before = _cpu_seconds()
    with PeakMemory() as memory:
        start = time.perf_counter()
        validation = dag_file.validate_file.function(claimed)
        validated = time.perf_counter()
        totals = (
            dag_file.ingest_valid_rows.function(claimed, RECEIVED.isoformat())
            if validation["besluit"] == "innemen"
            else {}
        )
        ingested = time.perf_counter()
    cpu_used = _cpu_seconds() - cpu_before
    from vroegsignaal.queue.rescoring import scorer_identity
    from vroegsignaal.scoring import default_scorer

    rows = validation["regels"]
    total_s = ingested - start
    return {
        "benchmark": "batch_intake",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "rows": rows,
        "file_mb": round(source.stat().st_size / 2**20, 1),
        "workers": args.workers,
        "decision": validation["besluit"],
        "ground": validation["grond"],
        "invalid_rows": validation["ongeldige_regels"],
        "failed_checks": validation["niet_gehaald"],
        "seconds_validate": round(validated - start, 2),
        "seconds_ingest": round(ingested - validated, 2),
        "seconds_total": round(total_s, 2),
        "rows_per_second": round(rows / total_s),
        # The whole client process tree (task process, validation and intake workers),
        # sampled every 0.1 s; PostgreSQL's own memory is not included.
        # CPU of this process and its (reaped) worker processes: on a shared machine the
        # wall time depends on the load, this much less. PostgreSQL's CPU is not in it.
        "cpu_seconds_client_total": round(cpu_used, 1),
        "peak_rss_mb_client_total": memory.peak_total_mb,
        "peak_rss_mb_largest_process": memory.peak_process_mb,
        "outcomes": totals.get("per_reden", {}),
        "new_cases": totals.get("nieuwe_zaken"),
        "scorer": scorer_identity(default_scorer()),
        "targets": {"seconds_total": 180, "peak_rss_mb_client_total": 1024},
        "parallel_path": "batch.parallel worker processes (python -m), ADR 0007",
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_start": load_at_start,
            "load_average_at_end": os.getloadavg(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "note": "PostgreSQL is the test cluster of scripts/services/postgres.sh (fsync and "
        "full_page_writes off); the machine is shared, see load_average_at_end.",
    }


def _cpu_seconds() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _same_device(a: Path, b: Path) -> bool:
    return a.stat().st_dev == b.stat().st_dev


if __name__ == "__main__":
    main()
