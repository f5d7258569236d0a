# SPDX-License-Identifier: EUPL-1.2
"""Running consumers as a service: signal handling, metrics endpoint, worker processes.

SIGTERM or SIGINT set the stop flag: the current batch finishes (database commit, dead
letters and feedback acknowledged, offsets committed) within `stop_grace_s` (else it is
given back and replayed on restart) and the process exits with 0.
With `workers > 1` the parent starts that many consumer processes in the same group
(spawned, so nothing is shared), forwards SIGTERM to them and exits with the worst exit
code; a worker whose parent disappears stops by itself after its batch.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import signal
import threading
import time
from typing import Any

from streaming.settings import StreamingSettings

log = logging.getLogger(__name__)


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(signum: int, _frame: Any) -> None:
        log.info("kafka consumer received %s; finishing the current batch",
                 signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def run_consumer(
    settings: StreamingSettings, *, database_url: str | None = None, watch_parent: bool = False
) -> int:
    """One consumer in this process until SIGTERM/SIGINT; returns the exit code."""
    from streaming.consumer import IntakeConsumer  # heavy: kept out of the supervisor
    from streaming.health import Health, serve
    from streaming.metrics import ConsumerMetrics

    stop = threading.Event()
    _stop_on_signals(stop)
    metrics = ConsumerMetrics()
    health = Health(metrics, live_after_s=settings.max_poll_interval_ms / 1000)
    if settings.metrics_port:
        serve(health, settings.metrics_port)
        log.info("kafka consumer metrics and health on port=%d (/metrics, /ready, /live)",
                 settings.metrics_port)
    consumer = IntakeConsumer(
        settings, database_url=database_url, metrics=metrics, health=health, stop=stop,
        watch_parent=watch_parent,
    )
    consumer.run()
    return 0


def _worker(index: int, settings: dict[str, Any], database_url: str | None, level: str) -> None:
    logging.basicConfig(
        level=level, format=f"%(asctime)s %(levelname)s worker={index} %(name)s %(message)s"
    )
    logging.getLogger("kafka").setLevel(logging.WARNING)
    s = StreamingSettings(**settings)
    updates: dict[str, Any] = {"workers": 1}
    if s.metrics_port:
        updates["metrics_port"] = s.metrics_port + index
    if s.instance_id:
        updates["instance_id"] = f"{s.instance_id}-{index}"
    code = run_consumer(s.model_copy(update=updates), database_url=database_url,
                        watch_parent=True)
    raise SystemExit(code)


def run_workers(
    settings: StreamingSettings, *, database_url: str | None = None, level: str = "INFO"
) -> int:
    """`settings.workers` consumer processes; metrics on metrics_port + worker index."""
    ctx = mp.get_context("spawn")
    data = settings.model_dump()
    procs = [
        ctx.Process(target=_worker, args=(i, data, database_url, level),
                    name=f"vroegsignaal-consume-{i}")
        for i in range(settings.workers)
    ]
    stopping = threading.Event()

    def handler(signum: int, _frame: Any) -> None:
        stopping.set()
        for p in procs:
            if p.is_alive() and p.pid is not None:
                p.terminate()  # SIGTERM: each finishes its batch

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    for p in procs:
        p.start()
    log.info("kafka consumer workers started pids=%s", ",".join(str(p.pid) for p in procs))
    code = 0
    while any(p.is_alive() for p in procs):
        for p in procs:
            p.join(timeout=0.2)
            if p.exitcode not in (None, 0) and not stopping.is_set():
                log.error("kafka consumer worker exited pid=%s code=%s; stopping the others",
                          p.pid, p.exitcode)
                handler(signal.SIGTERM, None)
        time.sleep(0.1)
    for p in procs:
        code = max(code, abs(p.exitcode or 0))
    return code
