# SPDX-License-Identifier: EUPL-1.2
"""Functions that tests/unit/test_parallel.py runs in worker processes."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from vroegsignaal.errors import VroegsignaalError


def _mark(folder: str, what: str) -> None:
    (Path(folder) / f"{what}-{os.getpid()}").touch()


def square(x: int, folder: str, progress: Callable[[int], None] | None = None) -> int:
    _mark(folder, "start")
    if progress is not None:
        progress(x)
    return x * x


def fail_on(x: int, bad: int, folder: str, total: int) -> int:
    _mark(folder, "start")
    if x == bad:
        while len(list(Path(folder).glob("start-*"))) < total:  # all started: none to spare
            time.sleep(0.05)
        raise VroegsignaalError(f"signaal {x} kon niet worden verwerkt")
    time.sleep(30)  # the others are still busy when the failure is reported
    return x


def die(folder: str) -> None:
    _mark(folder, "start")
    os._exit(3)


def sleep(folder: str, seconds: float = 60.0) -> None:
    _mark(folder, "start")
    time.sleep(seconds)


def touch(folder: str) -> int:
    _mark(folder, "start")
    return os.getpid()


def library_error(folder: str, value: str) -> None:
    _mark(folder, "start")
    raise ValueError(f"invalid input value: {value!r}")  # a library's message may hold data
