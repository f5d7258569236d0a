# SPDX-License-Identifier: EUPL-1.2
"""On the SQLite default, concurrent writers wait for the one writer lock instead of
failing (storage/db.py busy timeout, run_intake's retry): 100 concurrent requests of 50
signals each all succeed, against the app served by uvicorn (issue 9, kind 7)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import orjson
import pytest
import sqlalchemy as sa

from tests.accounts import register_creditor
from tests.factories import signaal
from tests.integration.streaming.streaming_helpers import REPO_ROOT, free_port
from vroegsignaal.storage.seed import prepare_database

pytestmark = pytest.mark.integration
KEY = "sleutel-gelijktijdig"
REQUESTS, SIGNALS = 100, 50


def _post_all(base: str) -> list[httpx.Response]:
    """All requests at once: one thread each, released together."""
    bodies = [
        orjson.dumps([
            signaal(signaalId=f"G-{r}-{i}", klantreferentie=f"K-{r}-{i}",
                    client__huisnummer=str(1 + (r * SIGNALS + i) % 5000))
            for i in range(SIGNALS)
        ])
        for r in range(REQUESTS)
    ]
    start = threading.Barrier(REQUESTS)

    def post(body: bytes) -> httpx.Response:
        with httpx.Client(base_url=base, timeout=600) as client:
            start.wait()
            return client.post("/api/v1/signalen", content=body,
                               headers={"X-Api-Key": KEY, "Content-Type": "application/json"})

    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        return list(pool.map(post, bodies))


def test_100_concurrent_requests_of_50_signals_all_succeed(tmp_path: Path) -> None:
    db = tmp_path / "gelijktijdig.sqlite3"
    url = f"sqlite:///{db}"
    prepare_database(url)
    register_creditor(url, "WBV-TEST", key=KEY)
    port = free_port()
    env = {**os.environ, "VROEGSIGNAAL_DATABASE_URL": url}
    log = (tmp_path / "uvicorn.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port),
         "--log-level", "warning"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.2)
        answers = _post_all(base)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    statuses = [a.status_code for a in answers]
    assert statuses == [202] * REQUESTS, (
        sorted(set(statuses)), [a.text[:200] for a in answers if a.status_code != 202][:3])
    assert all(a.headers["content-type"] == "application/json" for a in answers)
    engine = sa.create_engine(url)
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM signaal")).scalar_one() == (
            REQUESTS * SIGNALS)
    engine.dispose()
    assert b"database is locked" not in (tmp_path / "uvicorn.log").read_bytes()
