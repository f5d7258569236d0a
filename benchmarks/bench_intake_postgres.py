# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: 1,000,000 generated signals through the intake pipeline into PostgreSQL.

Writes benchmarks/results/intake_postgres.json with signals/second and peak memory.
Target (issue 2): >= 10,000 signals/second, < 500 MB peak, on a 2-core machine.

    .venv/bin/python benchmarks/bench_intake_postgres.py [--signals 1000000] [--workers 2]
        [--keep-database NAME]

`--keep-database NAME` takes the signals into a new database of that name and leaves it
(to study the intake's statements at that size); else the database is dropped after.

PostgreSQL: $VROEGSIGNAAL_BENCH_DATABASE_URL (a server URL; a fresh database is created on
it), else the throwaway cluster of scripts/services/postgres.sh.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.memory import PeakMemory  # noqa: E402
from benchmarks.postgres import create_database, drop_database, server_url  # noqa: E402
from benchmarks.record import machine, write_result  # noqa: E402

CACHE = ROOT / "var" / "bench"


def _signal_file(n: int, seed: int) -> Path:
    """Generate (once, cached, in a child process) a file of n signals for the country."""
    path = CACHE / f"signals-{n}-seed{seed}.jsonl"
    if not path.exists():
        # In a child, so the generator's memory does not count towards the intake's peak.
        subprocess.run(
            [sys.executable, __file__, "--generate-only", "--signals", str(n), "--seed", str(seed)],
            check=True,
        )
    return path


def _generate(n: int, seed: int) -> Path:
    from synthetic import all_gemeentecodes, generate_signals
    from vroegsignaal.contract.io import write_jsonl

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"signals-{n}-seed{seed}.jsonl"
    # The national rate is ~70,000 signals a month; take as many months as needed.
    months = max(1, -(-n // 65_000))
    records = generate_signals(
        gemeenten=all_gemeentecodes(), start=dt.date(2025, 1, 1), months=months, seed=seed
    )

    def first_n():  # type: ignore[no-untyped-def]
        for i, rec in enumerate(records):
            if i >= n:
                return
            yield rec

    tmp = path.with_suffix(".tmp")
    write_jsonl(tmp, first_n())
    tmp.rename(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--signals", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rule", action="store_true",
                        help="score with the transparent rule instead of a promoted model")
    parser.add_argument("--keep-database", metavar="NAME",
                        help="fill a new database of this name and leave it in place")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        _generate(args.signals, args.seed)
        return

    os.environ.setdefault("VROEGSIGNAAL_ENV", "development")
    from benchmarks.promoted_model import scorer_setup

    scoring = scorer_setup(args.rule)
    from batch.files import ingest_file_parallel
    from vroegsignaal.storage.seed import prepare_database

    t0 = time.perf_counter()
    path = _signal_file(args.signals, args.seed)
    generate_s = time.perf_counter() - t0
    server = server_url()
    name, url = create_database(server, "bench", name=args.keep_database)
    try:
        prepare_database(url)
        load_at_start = os.getloadavg()
        start = time.perf_counter()
        with PeakMemory() as memory:
            totals = ingest_file_parallel(
                path,
                database_url=url,
                source="benchmark",
                workers=args.workers,
                batch_size=args.batch_size,
                ontvangen_op="signaaldatum",
            )
        elapsed = time.perf_counter() - start
    finally:
        if not args.keep_database:
            drop_database(server, name)
    result = {
        "benchmark": "intake_postgres",
        "scoring": scoring,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "signals": totals.ontvangen,
        "workers": args.workers,
        "batch_size": args.batch_size,
        "seconds": round(elapsed, 2),
        "signals_per_second": round(totals.ontvangen / elapsed),
        # The whole client process tree (parent, multiprocessing manager, workers),
        # sampled every 0.1 s; PostgreSQL's own memory is not included.
        "peak_rss_mb_client_total": memory.peak_total_mb,
        "peak_rss_mb_largest_process": memory.peak_process_mb,
        "generate_seconds_if_not_cached": round(generate_s, 2),
        "outcomes": dict(totals.per_reden),
        "new_cases": totals.nieuwe_zaken,
        "targets": {"signals_per_second": 10_000, "peak_rss_mb_client_total": 500},
        "machine": machine(load_at_start),
        "note": "PostgreSQL is the test cluster of scripts/services/postgres.sh "
        "(fsync and full_page_writes off); file read from local disk.",
    }
    write_result("intake_postgres.json", result)


if __name__ == "__main__":
    main()
