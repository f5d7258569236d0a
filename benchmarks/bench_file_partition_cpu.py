# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: CPU seconds a file worker spends reading its address partition of a file.

With `workers > 1` every worker of `batch.files.ingest_file_parallel` reads the whole file
and keeps its own address partition (batch/partition.py). This measures that reading path
alone, without a database: per partition, the CPU time (`time.process_time`) of iterating
`batch.files.partition_inputs`, i.e. the pipeline inputs one worker hands to `run_intake`;
and, for reference, one process reading the whole file. The files are those of
bench_intake_postgres.py (1M signals, JSONL) and bench_batch_intake.py (1M rows, CSV),
generated once into var/bench when missing. Writes benchmarks/results/file_partition_cpu.json.

    .venv/bin/python benchmarks/bench_file_partition_cpu.py [--signals 1000000] [--workers 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.record import machine, write_result  # noqa: E402


def _read(path: Path, partition: tuple[int, int]) -> dict[str, Any]:
    from batch.files import partition_inputs

    start = time.process_time()
    file, inputs = partition_inputs(path, origin="bestand:bench", partition=partition)
    count = sum(1 for _ in inputs)
    return {
        "partition": f"{partition[0]}/{partition[1]}",
        "inputs": count,
        "cpu_s": round(time.process_time() - start, 2),
        "records_in_file": file.counts.records,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--signals", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("VROEGSIGNAAL_ENV", "development")
    from benchmarks import bench_batch_intake, bench_intake_postgres
    from vroegsignaal.runtime import tune_gc_for_batches

    tune_gc_for_batches()  # as ingest_file does
    load = os.getloadavg()
    files = {
        "jsonl": bench_intake_postgres._signal_file(args.signals, args.seed),
        "csv": bench_batch_intake._signal_file(args.signals, args.seed),
    }
    result: dict[str, Any] = {
        "benchmark": "file_partition_cpu",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "signals": args.signals,
        "workers": args.workers,
    }
    for kind, path in files.items():
        parts = [_read(path, (i, args.workers)) for i in range(args.workers)]
        assert sum(p["inputs"] for p in parts) == parts[0]["records_in_file"], "lost or doubled"
        result[kind] = {
            "file": path.name,
            "per_worker": parts,
            "whole_file_one_process": _read(path, (0, 1)),
        }
    result["machine"] = machine(load)
    write_result("file_partition_cpu.json", result)


if __name__ == "__main__":
    main()
