# SPDX-License-Identifier: EUPL-1.2
"""Worker processes started from our own entry point: `python -m batch.parallel`.

File validation and file intake split a file over a few processes (ADR 0007). They run
under Airflow's task runner (LocalExecutor, Celery, Kubernetes) and under the command
line alike, so the children must not depend on how the caller was started:

- `multiprocessing` with "spawn" or "forkserver" re-imports the caller's main module in
  every child; under Airflow that is the `airflow` command, whose start-up fails inside a
  task (the supervisor withholds the metadata database), and a `Pool` replaces a child that
  died, for ever. "fork" copies the task runner's threads, sockets and database
  connections, and Celery's daemonic pool processes may not have multiprocessing children.
- Here every child is a fresh interpreter that imports this module and then the one
  function it runs (`"module:function"`), with the caller's `sys.path`. Nothing else.

Behaviour the callers rely on (tests/unit/test_parallel.py):

- **A failing worker is reported once.** Its error ends the whole call with `WorkerFailed`;
  the other workers are stopped; nothing is restarted. The error's class and traceback are
  passed on, its message only for domain errors (they name ids, never people): a library's
  message may echo a value from the file.
- **Stopping ends the children.** SIGTERM to the caller (Airflow stopping a task, a
  Kubernetes pod shutting down, `kill` on the command line) stops every child and raises
  `Terminated` (a `SystemExit`, status 143) after running the handler that was installed
  before (Airflow's `on_kill`). Any other exception in the caller (a task timeout, Ctrl-C)
  stops them too. A child also exits when its caller disappears without cleaning up
  (SIGKILL): it watches its stdin, which only the caller holds open.
- Children ignore SIGINT: the caller decides (a terminal's Ctrl-C reaches the whole
  process group).

Messages from a child travel as pickles over a pipe of their own. The child's stdout and
stderr are the caller's (the task log under Airflow); its log lines go to stdout, at the
levels the caller set for the `vroegsignaal` loggers.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

log = logging.getLogger("batch.parallel")  # also when run as __main__

STOP_GRACE_SECONDS = 10.0  # after SIGTERM, before SIGKILL
_POLL_SECONDS = 0.5


class WorkerFailed(RuntimeError):
    """A worker process failed or died; raised once, after the others were stopped."""


class Terminated(SystemExit):
    """The caller received SIGTERM; its workers were stopped."""


@dataclass(frozen=True, slots=True)
class _Payload:
    target: str  # "package.module:function"
    kwargs: Mapping[str, Any]
    progress: bool  # pass a `progress(n)` callable to the target
    sys_path: list[str]
    log_levels: dict[str, int]  # logger name ("" for the root) -> level, as the caller has them


def _log_levels() -> dict[str, int]:
    """The caller's levels for the root and the vroegsignaal and batch loggers it set
    explicitly (the command line quiets the pipeline's per-batch lines, for instance)."""
    levels = {"": logging.getLogger("vroegsignaal").getEffectiveLevel()}
    for name, logger in logging.root.manager.loggerDict.items():
        explicit = isinstance(logger, logging.Logger) and logger.level != logging.NOTSET
        if explicit and name.split(".")[0] in ("vroegsignaal", "batch"):
            levels[name] = logger.level
    return levels


def run_workers(
    target: str,
    calls: Sequence[Mapping[str, Any]],
    *,
    on_progress: Callable[[int], None] | None = None,
) -> list[Any]:
    """Run `target(**kwargs)` once per entry of `calls`, each in its own process.

    `target` is "module:function", importable from `sys.path`. With `on_progress` the target
    also gets `progress=`, a callable taking an int that the caller receives through
    `on_progress` (in its own thread). Returns the targets' return values in the order of
    `calls`. Raises `WorkerFailed` when a worker raised or died, `Terminated` on SIGTERM.
    """
    levels = _log_levels()
    payloads = [
        _Payload(target, kwargs, on_progress is not None, list(sys.path), levels)
        for kwargs in calls
    ]
    events: queue.Queue[tuple[int, str, Any]] = queue.Queue()
    procs: list[subprocess.Popen[bytes]] = []
    channels: list[IO[bytes]] = []
    try:
        with _stop_on_sigterm():
            for index, payload in enumerate(payloads):
                proc, channel = _start(index, payload, events)
                procs.append(proc)
                channels.append(channel)
            return _collect(procs, events, on_progress)
    finally:
        _stop(procs, channels)


def _start(
    index: int, payload: _Payload, events: queue.Queue[tuple[int, str, Any]]
) -> tuple[subprocess.Popen[bytes], IO[bytes]]:
    read_fd, write_fd = os.pipe()
    try:
        # -P: the working directory is not put on sys.path; the payload brings the caller's.
        proc = subprocess.Popen(
            [sys.executable, "-P", "-m", "batch.parallel", str(write_fd)],
            stdin=subprocess.PIPE,
            pass_fds=(write_fd,),
        )
    except BaseException:
        os.close(read_fd)
        raise
    finally:
        os.close(write_fd)  # the child holds it now: EOF here when the child is gone
    channel = os.fdopen(read_fd, "rb")
    assert proc.stdin is not None
    pickle.dump(payload, proc.stdin)
    proc.stdin.flush()  # stays open: the child exits when it closes
    threading.Thread(target=_read_messages, args=(index, channel, events), daemon=True).start()
    return proc, channel


def _read_messages(
    index: int, stream: IO[bytes], events: queue.Queue[tuple[int, str, Any]]
) -> None:
    try:
        while True:
            kind, value = pickle.load(stream)
            events.put((index, kind, value))
    except (EOFError, OSError, pickle.UnpicklingError):
        events.put((index, "einde", None))


def _collect(
    procs: list[subprocess.Popen[bytes]],
    events: queue.Queue[tuple[int, str, Any]],
    on_progress: Callable[[int], None] | None,
) -> list[Any]:
    results: dict[int, Any] = {}
    ended: set[int] = set()
    while len(results) < len(procs):
        try:
            index, kind, value = events.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            continue
        if kind == "voortgang" and on_progress is not None:
            on_progress(value)
        elif kind == "klaar":
            results[index] = value
        elif kind == "fout":
            raise WorkerFailed(f"worker {index + 1} of {len(procs)} failed: {value}")
        elif kind == "einde":
            ended.add(index)
            if index not in results:
                code = procs[index].wait()
                raise WorkerFailed(
                    f"worker {index + 1} of {len(procs)} ended (exit code {code}) without a result"
                )
    for proc in procs:
        proc.wait()
    return [results[i] for i in range(len(procs))]


def _stop(procs: list[subprocess.Popen[bytes]], channels: list[IO[bytes]]) -> None:
    """Terminate what still runs (SIGTERM, then SIGKILL after a grace period), reap all."""
    running = [p for p in procs if p.poll() is None]
    for proc in running:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
    for proc in running:
        try:
            proc.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if running:
        log.warning("stopped %d of %d worker processes", len(running), len(procs))
    for stream in [p.stdin for p in procs if p.stdin is not None] + channels:
        with contextlib.suppress(OSError):
            stream.close()


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into `Terminated` while workers run; the earlier handler runs first."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread can handle signals; the stdin watch still applies
        return
    previous = signal.getsignal(signal.SIGTERM)

    def on_term(signum: int, frame: Any) -> None:
        if callable(previous):
            previous(signum, frame)  # Airflow's handler calls the operator's on_kill
        raise Terminated(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# -- the child -------------------------------------------------------------------------


def _describe(exc: BaseException) -> str:
    from vroegsignaal.errors import VroegsignaalError

    if isinstance(exc, VroegsignaalError):
        return f"{type(exc).__name__}: {exc}"
    return type(exc).__name__


def _exit_when_caller_is_gone() -> None:
    # Only the caller holds the other end of stdin; EOF means it closed it or died. The raw
    # fd, not sys.stdin: a thread blocked inside a buffered reader keeps its lock, and the
    # interpreter then cannot shut down cleanly.
    while os.read(0, 1 << 16):
        pass
    os._exit(1)


def _child(channel_fd: int) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    channel = os.fdopen(channel_fd, "wb")
    payload: _Payload = pickle.load(sys.stdin.buffer)
    threading.Thread(target=_exit_when_caller_is_gone, daemon=True).start()
    sys.path[:] = payload.sys_path
    levels = dict(payload.log_levels)
    logging.basicConfig(
        level=levels.pop(""),
        format="%(asctime)s %(levelname)s %(name)s [worker %(process)d] %(message)s",
        stream=sys.stdout,  # the task log keeps stdout at its own level (stderr: "error")
    )
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    lock = threading.Lock()

    def send(kind: str, value: Any) -> None:
        with lock:
            pickle.dump((kind, value), channel)
            channel.flush()

    kwargs = dict(payload.kwargs)
    if payload.progress:
        kwargs["progress"] = lambda n: send("voortgang", n)
    try:
        module_name, _, name = payload.target.partition(":")
        result = getattr(importlib.import_module(module_name), name)(**kwargs)
    except BaseException as exc:
        error = _describe(exc)
        log.error("worker failed: %s\n%s", error, "".join(traceback.format_tb(exc.__traceback__)))
        send("fout", error)
        return 1
    send("klaar", result)
    return 0


if __name__ == "__main__":
    sys.exit(_child(int(sys.argv[1])))
