# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: the KPI refresh for a region of 10 municipalities with a year of data
(~500,000 signals), and the dashboard's data for that region afterwards.

Writes benchmarks/results/kpi.json. Targets (issue 12): rollup under 60 s; the overview
query (region and each municipality's view model) well under 2 s.

    .venv/bin/python benchmarks/bench_kpi.py [--signals 500000]

PostgreSQL: $VROEGSIGNAAL_BENCH_DATABASE_URL (a server URL), else the throwaway cluster.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.postgres import create_database, drop_database, server_url  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
# Ten large municipalities, one benchmark region.
REGION = ("GM0363", "GM0599", "GM0518", "GM0344", "GM0772", "GM0014", "GM0855", "GM0034",
          "GM0758", "GM0268")


def _machine() -> dict[str, object]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "loadavg": os.getloadavg()}


def bench_environment(prefix: str) -> None:
    """The settings of a benchmark run: test keys and RG-BENCH (REGION) as the only region
    (a regions file in a new temporary folder named with `prefix`)."""
    regions = Path(tempfile.mkdtemp(prefix=prefix)) / "regions.yaml"
    regions.write_text("regios:\n  - code: RG-BENCH\n    naam: Benchmark\n    gemeenten: ["
                       + ", ".join(REGION) + "]\n", encoding="utf-8")
    os.environ.setdefault("VROEGSIGNAAL_ENV", "test")
    os.environ.setdefault("VROEGSIGNAAL_ENCRYPTION_KEY",
                          "b1:" + base64.b64encode(b"B" * 32).decode())
    os.environ.setdefault("VROEGSIGNAAL_HMAC_KEY", base64.b64encode(b"C" * 32).decode())
    os.environ["VROEGSIGNAAL_KPI_REGIONS_FILE"] = str(regions)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signals", type=int, default=500_000)
    args = parser.parse_args()
    bench_environment("bench-kpi-")
    from sqlalchemy import text

    from benchmarks.kpi_data import build
    from vroegsignaal.accounts.principal import Principal, UserRole
    from vroegsignaal.kpi.publish import publish_unit
    from vroegsignaal.kpi.regions import load_regions
    from vroegsignaal.kpi.rollup import refresh_rollup
    from vroegsignaal.kpi.views import municipality_overview, region_overview
    from vroegsignaal.storage.db import session_factory
    from vroegsignaal.storage.seed import prepare_database

    server = server_url()
    name, url = create_database(server, "bench_kpi")
    try:
        prepare_database(url)
        started = time.perf_counter()
        counts = build(url, REGION, signals=args.signals)
        load_seconds = time.perf_counter() - started
        before = _machine()
        with session_factory(url)() as session:
            t0 = time.perf_counter()
            refresh_rollup(session, gemeenten=REGION, van=dt.date(2026, 1, 1),
                           tot=dt.date(2027, 1, 1), peildatum=dt.date(2027, 1, 15))
            t1 = time.perf_counter()
            rows = session.scalar(text("SELECT count(*) FROM kpi_rollup"))
            unit = load_regions().get("RG-BENCH")
            cells, withheld = publish_unit(session, unit, 2026,
                                           now=dt.datetime.now(dt.UTC))
            session.commit()
            t2 = time.perf_counter()
            manager = Principal(1, "bench", frozenset({UserRole.MANAGER}), frozenset(REGION),
                                frozenset())
            region_times, gm_times = [], []
            for _ in range(5):
                s = time.perf_counter()
                region_overview(session, manager, "RG-BENCH", 2026)
                region_times.append(time.perf_counter() - s)
                s = time.perf_counter()
                municipality_overview(session, manager, "GM0344", 2026)
                gm_times.append(time.perf_counter() - s)
        after = _machine()
        result = {
            "benchmark": "kpi", "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "data": counts, "load_seconds": round(load_seconds, 1),
            "rollup_seconds": round(t1 - t0, 2), "rollup_rows": rows,
            "publish_seconds": round(t2 - t1, 2), "published_cells": cells,
            "withheld_cells": withheld, "refresh_seconds": round(t2 - t0, 2),
            "overview_region_seconds_median": round(statistics.median(region_times), 3),
            "overview_municipality_seconds_median": round(statistics.median(gm_times), 3),
            "targets": {"refresh_seconds": 60, "overview_seconds": 2},
            "machine_before": before, "machine_after": after,
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "kpi.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(result, indent=2))
    finally:
        drop_database(server, name)


if __name__ == "__main__":
    main()
