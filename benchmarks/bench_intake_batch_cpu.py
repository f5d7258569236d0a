# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: CPU seconds per 5,000-signal batch through `run_intake` on PostgreSQL.

The figure that other load on a shared machine affects least: one process takes the first
`--batches` batches of the generated 200,000-signal file (bench_intake_postgres.py's)
into a fresh database and measures, per batch, the CPU time of the intake process and
of its PostgreSQL backend (read from /proc, so only with the server on this machine).
The first two batches warm up and are not counted. Writes
benchmarks/results/intake_batch_cpu.json.

    .venv/bin/python benchmarks/bench_intake_batch_cpu.py [--batches 12] [--profile FILE]

`--profile FILE` writes a cProfile (CPU time) of the counted batches for pstats.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.postgres import create_database, drop_database, server_url  # noqa: E402
from benchmarks.record import machine, write_result  # noqa: E402

WARM_UP = 2


def _backend_cpu(pid: int) -> float | None:
    """CPU seconds of a local PostgreSQL backend so far (None when not on this machine)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--rule", action="store_true", help="score with the rule, no model")
    parser.add_argument("--profile", type=Path, help="write a CPU-time cProfile here")
    args = parser.parse_args()
    os.environ.setdefault("VROEGSIGNAAL_ENV", "development")
    from benchmarks.bench_intake_postgres import _signal_file
    from benchmarks.promoted_model import scorer_setup

    scoring = scorer_setup(args.rule)
    from sqlalchemy import text

    from vroegsignaal.contract.io import iter_batches, read_records
    from vroegsignaal.intake.pipeline import run_intake
    from vroegsignaal.runtime import collect_between_batches, tune_gc_for_batches
    from vroegsignaal.storage.db import session_scope
    from vroegsignaal.storage.seed import prepare_database

    path = _signal_file(200_000, 7)
    server = server_url()
    name, url = create_database(server, "bench_cpu")
    prepare_database(url)
    tune_gc_for_batches()
    profile = cProfile.Profile(time.process_time) if args.profile else None
    client: list[float] = []
    backend: list[float | None] = []
    load_at_start = os.getloadavg()
    try:
        with session_scope(url) as session:
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            batches = iter_batches(read_records(path), args.batch_size)
            for n, batch in zip(range(args.batches + WARM_UP), batches, strict=False):
                counted = n >= WARM_UP
                pg0, cpu0 = _backend_cpu(pid), time.process_time()
                collect_between_batches()  # as the doors do
                if profile is not None and counted:
                    profile.enable()
                run_intake(batch, session=session, source="benchmark",
                           ontvangen_op="signaaldatum")
                if profile is not None and counted:
                    profile.disable()
                pg1 = _backend_cpu(pid)
                if counted:
                    client.append(time.process_time() - cpu0)
                    backend.append(None if pg0 is None or pg1 is None else pg1 - pg0)
    finally:
        drop_database(server, name)
    if profile is not None:
        profile.dump_stats(args.profile)
    pg = None if None in backend or not backend else sum(b or 0 for b in backend) / len(backend)
    result = {
        "benchmark": "intake_batch_cpu",
        "scoring": scoring,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "batch_size": args.batch_size,
        "batches_counted": len(client),
        "client_cpu_seconds_per_batch": round(sum(client) / len(client), 3),
        "postgres_cpu_seconds_per_batch": None if pg is None else round(pg, 3),
        "client_cpu_seconds_each": [round(c, 3) for c in client],
        "machine": machine(load_at_start),
        "note": "Batches 3 and on of the 200,000-signal file, one process, a fresh database; "
        "PostgreSQL's CPU is its backend's for this session (local server only).",
    }
    write_result("intake_batch_cpu.json", result)


if __name__ == "__main__":
    main()
