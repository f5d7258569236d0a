# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: the web app's HTML pages under load, with 1,000,000 zaken in PostgreSQL
(issue 11).

The fill, the logged-in workers and the served app are bench_casework.py's: ten
municipalities, five workers each (50), a quarter of the zaken open, each worker with a
real session of vroegsignaal/accounts (the cookie; the CSRF token in the claim form).
Locust (benchmarks/locust_web.py) then asks for what a browser asks: the werkvoorraad page
(default order "urgentie", next pages by the page's own link, filters), the zaak page
(audited) and the claim form post. Target: werkvoorraad page p95 < 100 ms at 50 users;
the zaak page and the claim are held to the API's 150 ms. Records the machine's load.

    .venv/bin/python benchmarks/bench_web.py [--zaken 1000000] [--users 50] [--seconds 60]
        [--keep-database NAME | --reuse-database NAME] [--profiles label:min,max;...]

Writes benchmarks/results/web.json.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.bench_casework import arguments, report, run  # noqa: E402

TARGETS_MS = {"werkvoorraad": 100, "zaak": 150, "claim": 150}


def page_times(url: str, plan: dict[str, object], n: int = 20) -> dict[str, float]:
    """Median milliseconds of one werkvoorraad page and one zaak page rendered in this
    process (FastAPI's TestClient, the same app and session cookie), before the load:
    what a page costs without queueing behind others."""
    import os

    from fastapi.testclient import TestClient

    os.environ["VROEGSIGNAAL_DATABASE_URL"] = url
    os.environ["VROEGSIGNAAL_ENV"] = "development"
    from api.main import create_app

    workers = plan["workers"]
    assert isinstance(workers, list)
    out: dict[str, list[float]] = {"werkvoorraad": [], "zaak": []}
    with TestClient(create_app(), base_url="https://testserver") as client:
        for i in range(n):
            w = workers[i % len(workers)]
            headers = {"Cookie": w["cookie"]}
            t = time.perf_counter()
            assert client.get("/werkvoorraad", headers=headers).status_code == 200
            out["werkvoorraad"].append(time.perf_counter() - t)
            zaak_id = w["toegewezen"][i % len(w["toegewezen"])]
            t = time.perf_counter()
            assert client.get(f"/zaken/{zaak_id}", headers=headers).status_code == 200
            out["zaak"].append(time.perf_counter() - t)
    return {k: round(1000 * statistics.median(v), 1) for k, v in out.items()}


def main() -> None:
    args = arguments(__doc__.splitlines()[0]).parse_args()
    result = run(args, ROOT / "benchmarks" / "locust_web.py", page_times)
    out = report("web", args, result, TARGETS_MS, (
        "Web app (Jinja2 pages of api/web) under uvicorn on loopback, each worker with a "
        "real session (cookie; CSRF token in the claim form), looked up on every request; "
        "locust on the same machine asks for the HTML only (no static assets: they are "
        "cached by the browser); PostgreSQL the test cluster of scripts/services/postgres.sh. "
        "'doorlopend': every worker acts again 0.05-0.2 s after an answer (a closed loop, "
        "far above real use); 'met-denktijd': 1-3 s. core_median_ms: one page rendered "
        "in-process before the load. The machine (2 cores) is shared with other work: see "
        "runs.*.machine."))
    print(json.dumps(out["runs"], indent=2))


if __name__ == "__main__":
    main()
