# SPDX-License-Identifier: EUPL-1.2
"""Readiness and liveness of one consumer process, served with its metrics.

`GET /ready` answers 200 while the consumer takes signals in, and 503 with the reasons
(codes only) while it cannot: not started yet, the database away, the broker not
acknowledging dead letters and feedback, a poll error on a partition or on the whole
consumer, a compression codec missing. `GET /live` answers 503 when the main loop has not
come round for longer than the group's max.poll.interval.ms (the bound after which Kafka
itself drops the member). `GET /metrics` is Prometheus' exposition. One port per process
(`--metrics-port`; worker i: port + i).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import orjson
from prometheus_client import make_wsgi_app

from streaming.metrics import ConsumerMetrics

STARTING = "opstarten"
DATABASE = "database-onbereikbaar"
PUBLISHING = "publiceren-mislukt"
POLL = "poll-fout"
STALLED = "partitie-vastgelopen"
CODEC = "codec-ontbreekt"


class Health:
    """Thread-safe state the consumer sets and the endpoints read."""

    def __init__(self, metrics: ConsumerMetrics, *, live_after_s: float) -> None:
        self.metrics = metrics
        self.live_after_s = live_after_s
        self._lock = threading.Lock()
        self._reasons: set[str] = {STARTING}
        self._tick = time.monotonic()
        metrics.ready.set(0)

    def set(self, reason: str, active: bool) -> None:
        with self._lock:
            if active:
                self._reasons.add(reason)
            else:
                self._reasons.discard(reason)
            self.metrics.ready.set(0 if self._reasons else 1)

    def tick(self) -> None:
        """The main loop came round."""
        self._tick = time.monotonic()

    def reasons(self) -> list[str]:
        with self._lock:
            return sorted(self._reasons)

    def ready(self) -> bool:
        return not self.reasons()

    def live(self) -> bool:
        return time.monotonic() - self._tick <= self.live_after_s


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def _app(health: Health, metrics_app: Callable[..., Iterable[bytes]]) -> Callable[..., Any]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path in ("/ready", "/live"):
            ok = health.ready() if path == "/ready" else health.live()
            body = orjson.dumps({"status": "ok" if ok else "niet-gereed",
                                 "redenen": health.reasons()})
            start_response("200 OK" if ok else "503 Service Unavailable",
                           [("Content-Type", "application/json")])
            return [body]
        return metrics_app(environ, start_response)

    return app


def serve(health: Health, port: int, addr: str = "0.0.0.0") -> WSGIServer:
    """/metrics, /ready and /live on `port`, from a daemon thread; returns the server."""
    server = make_server(addr, port, _app(health, make_wsgi_app(health.metrics.registry)),
                         server_class=_Server, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, name="vroegsignaal-metrics",
                     daemon=True).start()
    return server
