# SPDX-License-Identifier: EUPL-1.2
"""Peak resident memory of a process tree, sampled from /proc (Linux), for benchmarks."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return kids


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(root: int) -> tuple[int, dict[int, int]]:
    """Total RSS of `root` and all its descendants, and RSS per process."""
    per: dict[int, int] = {}
    stack = [root]
    while stack:
        pid = stack.pop()
        per[pid] = _rss_kb(pid)
        stack += _children(pid)
    return sum(per.values()), per


class PeakMemory:
    """Context manager sampling the tree's total and largest single-process RSS."""

    def __init__(self, interval: float = 0.1, root: int | None = None) -> None:
        self.interval = interval
        self.root = root or os.getpid()
        self.peak_total_kb = 0
        self.peak_process_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total, per = tree_rss_kb(self.root)
            self.peak_total_kb = max(self.peak_total_kb, total)
            self.peak_process_kb = max(self.peak_process_kb, max(per.values(), default=0))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_total_mb(self) -> float:
        return round(self.peak_total_kb / 1024, 1)

    @property
    def peak_process_mb(self) -> float:
        return round(self.peak_process_kb / 1024, 1)
