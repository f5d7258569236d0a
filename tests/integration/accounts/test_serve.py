# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal serve`: uvicorn workers that trust the proxy's X-Forwarded-Proto (so the
OIDC redirect URI is https behind a TLS-ending proxy), on PostgreSQL and the real Keycloak."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.accounts import oidc_env
from tests.live_server import ROOT, free_loopback_socket
from tests.oidc import KeycloakRealm
from vroegsignaal.storage.seed import prepare_database

pytestmark = pytest.mark.integration


def test_serve_runs_workers_behind_a_trusted_proxy(
    keycloak: KeycloakRealm, new_postgres_database: Callable[[], str], tmp_path: Path
) -> None:
    database_url = new_postgres_database()
    prepare_database(database_url)
    sock = free_loopback_socket()
    port = sock.getsockname()[1]
    sock.close()  # uvicorn binds it itself (several workers share the port)
    env = {
        **os.environ,
        "VROEGSIGNAAL_ENV": "test",
        "PYTHONPATH": str(ROOT),
        **oidc_env(keycloak, database_url),
    }
    log = (tmp_path / "serve.log").open("wb")
    command = [
        sys.executable,
        "-c",
        "from cli import main; main()",
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
    ]
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"{base}/api/v1/health/ready", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail((tmp_path / "serve.log").read_text(errors="replace"))

        behind_proxy = httpx.get(
            f"{base}/api/v1/sessies/oidc", headers={"X-Forwarded-Proto": "https"}, timeout=30
        )
        direct = httpx.get(f"{base}/api/v1/sessies/oidc", timeout=30)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()

    def redirect_uri(response: httpx.Response) -> str:
        assert response.status_code == 302, response.text
        return parse_qs(urlsplit(response.headers["location"]).query)["redirect_uri"][0]

    assert redirect_uri(behind_proxy) == f"https://127.0.0.1:{port}/api/v1/sessies/oidc/terugkeer"
    assert redirect_uri(direct) == f"http://127.0.0.1:{port}/api/v1/sessies/oidc/terugkeer"
    assert behind_proxy.headers["api-version"] == "1.0.0"
    assert "server" not in behind_proxy.headers
