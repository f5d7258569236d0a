# SPDX-License-Identifier: EUPL-1.2
"""The app served for real: `api.main:create_app` under uvicorn in its own process.

The listening socket is made here on a free loopback port and handed to uvicorn (`--fd`),
so there is no race for the port. Settings come from the environment as in production.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60.0


def free_loopback_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


@contextmanager
def serve_app(
    env: dict[str, str], log_path: Path, *, sock: socket.socket | None = None
) -> Iterator[str]:
    """Serve the app with `env` added to this process's environment; yields its base URL
    (http://127.0.0.1:PORT). Fails the test when it does not answer /health/ready in time.
    Pass `sock` to know the port before the app starts (e.g. for VROEGSIGNAAL_PUBLIC_URL).
    """
    sock = sock or free_loopback_socket()
    port = sock.getsockname()[1]
    full_env = {**os.environ, "VROEGSIGNAAL_ENV": "test", "PYTHONPATH": str(ROOT), **env}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "api.main:create_app",
                "--fd",
                str(sock.fileno()),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            cwd=ROOT,
            env=full_env,
            pass_fds=(sock.fileno(),),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    sock.close()  # the child holds its own copy
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        ready = False
        while time.monotonic() < deadline and process.poll() is None:
            try:
                ready = httpx.get(f"{base_url}/api/v1/health/ready", timeout=5).status_code == 200
            except httpx.HTTPError:
                ready = False
            if ready:
                break
            time.sleep(0.2)
        if not ready:
            pytest.fail(
                f"uvicorn did not serve the app on {base_url}:\n"
                f"{log_path.read_text(errors='replace')}",
                pytrace=False,
            )
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
