# SPDX-License-Identifier: EUPL-1.2
"""What every benchmark result records about the machine, and where results are written."""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def machine(load_at_start: tuple[float, float, float]) -> dict[str, Any]:
    """CPUs, the load averages at the start (given) and now, the Python and platform."""
    return {
        "cpus": os.cpu_count(),
        "load_average_at_start": load_at_start,
        "load_average_at_end": os.getloadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def write_result(name: str, result: dict[str, Any]) -> None:
    """Write `result` to benchmarks/results/`name` and print it (JSON) on stdout."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    json.dump(result, sys.stdout, indent=2)
    print()
