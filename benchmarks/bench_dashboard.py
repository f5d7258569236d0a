# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: the manager's dashboard over HTTP after the KPI refresh, for a region of 10
municipalities with a year of data (~500,000 signals, benchmarks/kpi_data.py).

A real manager account logs in (POST /api/v1/sessies, the session cookie) on the app of
api/main.py in a TestClient; then N requests each of the dashboard page of one of the
region's municipalities (GM0344: figures, the four SVG charts with their tables and the
region comparison) and of the region comparison's download. Median and p95 per page.
Target (issue 12): the dashboard renders in under 2 s after the rollup.

Writes benchmarks/results/dashboard.json.

    .venv/bin/python benchmarks/bench_dashboard.py [--signals 500000] [--requests 20]

PostgreSQL: $VROEGSIGNAAL_BENCH_DATABASE_URL (a server URL), else the throwaway cluster.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.bench_kpi import REGION, _machine, bench_environment  # noqa: E402
from benchmarks.postgres import create_database, drop_database, server_url  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
PASSWORD = "bench-manager-wachtwoord"
PAGES = {"dashboard_gemeente": "/dashboard?gemeente=GM0344&jaar=2026",
         "regio_vergelijking_csv": "/dashboard/tabel/vergelijking.csv?gemeente=GM0344&jaar=2026"}


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signals", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    bench_environment("bench-dashboard-")
    os.environ["VROEGSIGNAAL_TOTP_REQUIRED"] = "false"
    from fastapi.testclient import TestClient

    from benchmarks.kpi_data import build
    from vroegsignaal.accounts import users
    from vroegsignaal.accounts.principal import SystemPrincipal, UserRole
    from vroegsignaal.config import get_settings
    from vroegsignaal.kpi.publish import publish_unit
    from vroegsignaal.kpi.regions import load_regions
    from vroegsignaal.kpi.rollup import refresh_rollup
    from vroegsignaal.storage.db import session_factory
    from vroegsignaal.storage.seed import prepare_database

    server = server_url()
    name, url = create_database(server, "bench_dashboard")
    os.environ["VROEGSIGNAAL_DATABASE_URL"] = url
    get_settings.cache_clear()
    try:
        prepare_database(url)
        counts = build(url, REGION, signals=args.signals)
        with session_factory(url)() as session:
            t0 = time.perf_counter()
            refresh_rollup(session, gemeenten=REGION, van=dt.date(2026, 1, 1),
                           tot=dt.date(2027, 1, 1), peildatum=dt.date(2027, 1, 15))
            publish_unit(session, load_regions().get("RG-BENCH"), 2026,
                         now=dt.datetime.now(dt.UTC))
            session.commit()
            refresh_seconds = time.perf_counter() - t0
            operator = SystemPrincipal(naam="bench-beheer")
            view = users.create_user(session, operator, gebruikersnaam="bench-manager",
                                     weergavenaam="Bench manager", gemeentecode="GM0344",
                                     password=PASSWORD, now=dt.datetime.now(dt.UTC))
            users.grant_role(session, operator, view.id, UserRole.MANAGER)
            session.commit()

        from api.main import create_app
        client = TestClient(create_app(), base_url="https://testserver")
        answer = client.post("/api/v1/sessies", json={"gebruikersnaam": "bench-manager",
                                                      "wachtwoord": PASSWORD})
        assert answer.status_code == 201 and answer.json()["stap"] == "volledig", answer.text
        before = _machine()
        timings: dict[str, list[float]] = {key: [] for key in PAGES}
        for _ in range(args.requests):
            for key, path in PAGES.items():
                s = time.perf_counter()
                response = client.get(path)
                timings[key].append(time.perf_counter() - s)
                assert response.status_code == 200, (path, response.status_code)
        page = client.get(PAGES["dashboard_gemeente"]).text
        assert "Vergelijking binnen Benchmark" in page and page.count("vs-grafiek") >= 4
        after = _machine()
        result: dict[str, object] = {
            "benchmark": "dashboard",
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "data": counts, "region_municipalities": len(REGION),
            "refresh_seconds": round(refresh_seconds, 2),
            "how": "TestClient over api.main.create_app(), a logged-in manager of GM0344 "
                   "(session cookie); requests after the rollup and publication",
            "requests_per_page": args.requests,
            "pages": {key: {"path": PAGES[key],
                            "median_seconds": round(statistics.median(t), 3),
                            "p95_seconds": round(_p95(t), 3),
                            "max_seconds": round(max(t), 3)}
                      for key, t in timings.items()},
            "page_bytes": len(page.encode()),
            "targets": {"render_seconds": 2},
            "machine_before": before, "machine_after": after,
        }
        if args.signals < 500_000:
            result["note"] = (f"reduced run: {args.signals} signals instead of 500,000 "
                              "(time on the shared machine)")
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "dashboard.json").write_text(json.dumps(result, indent=2) + "\n",
                                                encoding="utf-8")
        print(json.dumps(result, indent=2))
    finally:
        get_settings.cache_clear()
        drop_database(server, name)


if __name__ == "__main__":
    main()
