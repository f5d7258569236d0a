# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: a DDAS v1.2 delivery of 500,000 signals (one big city, a year) written to a
file, streamed and validated record by record, with its zaken and contactpogingen.

Writes benchmarks/results/ddas.json. Target (issue 12): under 60 s, peak memory of the
writing process under 500 MB.

    .venv/bin/python benchmarks/bench_ddas.py [--signals 500000]
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.memory import PeakMemory  # noqa: E402
from benchmarks.postgres import create_database, drop_database, server_url  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
CITY = "GM0363"


def _machine() -> dict[str, object]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "loadavg": os.getloadavg()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signals", type=int, default=500_000)
    args = parser.parse_args()
    os.environ.setdefault("VROEGSIGNAAL_ENV", "test")
    os.environ.setdefault("VROEGSIGNAAL_ENCRYPTION_KEY",
                          "b1:" + base64.b64encode(b"B" * 32).decode())
    os.environ.setdefault("VROEGSIGNAAL_HMAC_KEY", base64.b64encode(b"C" * 32).decode())
    from benchmarks.kpi_data import build
    from vroegsignaal.ddas.delivery import DeliverySpec, write_delivery_file
    from vroegsignaal.storage.db import session_factory
    from vroegsignaal.storage.seed import prepare_database

    server = server_url()
    name, url = create_database(server, "bench_ddas")
    out = Path(tempfile.mkdtemp(prefix="bench-ddas-")) / "levering.json"
    try:
        prepare_database(url)
        counts = build(url, [CITY], signals=args.signals)
        before = _machine()
        with session_factory(url)() as session, PeakMemory() as memory:
            started = time.perf_counter()
            report = write_delivery_file(
                session, DeliverySpec(CITY, dt.date(2026, 1, 1), dt.date(2026, 12, 31)), out)
            seconds = time.perf_counter() - started
        result = {
            "benchmark": "ddas", "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "data": counts, "vroegsignalen": report.vroegsignalen,
            "vroegsignaalzaken": report.vroegsignaalzaken,
            "file_mb": round(out.stat().st_size / 2**20, 1), "seconds": round(seconds, 1),
            "signals_per_second": round(report.vroegsignalen / seconds),
            "peak_memory_mb": memory.peak_total_mb,
            "targets": {"seconds": 60, "peak_memory_mb": 500},
            "machine_before": before, "machine_after": _machine(),
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "ddas.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")
        print(json.dumps(result, indent=2))
    finally:
        out.unlink(missing_ok=True)
        drop_database(server, name)


if __name__ == "__main__":
    main()
