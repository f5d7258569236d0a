# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: what the strict contract (issue 9) costs the intake, A/B against a baseline.

Runs an intake benchmark (default bench_intake_postgres.py) alternately from this tree and
from a baseline revision (exported with `git archive`, run with this tree's environment),
`--rounds` times each, on the same generated file, and records the machine's load while
each run ran (1-minute load average before and after, and the share of CPU time other
processes took). Alternating on the same machine makes the comparison fair when other
work shares it; the absolute figures are only as good as the machine was idle.

    .venv/bin/python benchmarks/bench_contract_ab.py --baseline b1e7c51 --signals 300000

Writes benchmarks/results/contract_ab.json. `--candidate REV` runs that revision (exported
the same way) in place of this tree, to time one step of the history against another;
`--output NAME` names the result file then (the "strict" side is the candidate).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def _export(revision: str, into: Path) -> Path:
    into.mkdir()
    archive = into / "baseline.tar"
    with archive.open("wb") as fh:
        subprocess.run(["git", "archive", revision], cwd=ROOT, stdout=fh, check=True)
    tree = into / "baseline"
    tree.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def _cpu() -> tuple[float, float]:
    """(total, idle) CPU time of the machine so far, in clock ticks."""
    fields = [float(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(fields), fields[3] + fields[4]


def _run(tree: Path, script: str, args: list[str]) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    cpu0, idle0 = _cpu()
    own0 = os.times()
    started = time.perf_counter()
    # PYTHONPATH: the tree's modules before the editable install's (worker processes too).
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, str(tree / "benchmarks" / script), *args],
                          cwd=tree, capture_output=True, text=True, env=env)
    if done.returncode:
        raise SystemExit(f"{script} in {tree.name} failed:\n{done.stderr[-3000:]}")
    wall = time.perf_counter() - started
    own1 = os.times()
    cpu1, idle1 = _cpu()
    result = json.loads(done.stdout[done.stdout.rindex("{\n  \"benchmark\""):])
    busy = (cpu1 - cpu0) - (idle1 - idle0)
    ticks = os.sysconf("SC_CLK_TCK")
    ours = (own1.children_user + own1.children_system - own0.children_user
            - own0.children_system) * ticks
    per_second = result.get("signals_per_second") or result.get("rows_per_second")
    seconds = result.get("seconds") or result.get("seconds_total")
    return {
        "per_second": per_second,
        # Signals per CPU second of the benchmark's own processes: less sensitive to what
        # else runs on a shared machine than the wall-clock rate (PostgreSQL not counted).
        "per_cpu_second": round(per_second * seconds / (ours / ticks)) if ours else None,
        "cpu_seconds_own": round(ours / ticks, 1),
        "seconds": seconds,
        **{k: result[k] for k in ("seconds_validate", "seconds_ingest", "decision",
                                  "invalid_rows") if k in result},
        "wall_seconds": round(wall, 1),
        "load_1min_before": round(load_before, 2),
        "load_1min_after": round(os.getloadavg()[0], 2),
        # Of the machine's busy CPU time during the run, the share not taken by this
        # benchmark's own processes (PostgreSQL's work for it counts as others').
        "cpu_share_of_others": round(max(0.0, 1 - ours / busy), 2) if busy else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", required=True, help="git revision to compare with")
    parser.add_argument("--script", default="bench_intake_postgres.py")
    parser.add_argument("--signals", type=int, default=300_000,
                        help="signals (intake) or rows (batch) per run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--rule", action="store_true", help="score with the rule, no model")
    parser.add_argument("--candidate", help="git revision to run instead of this tree")
    parser.add_argument("--output", help="result file name (default contract_ab*.json)")
    args = parser.parse_args()
    size = "--rows" if "batch" in args.script else "--signals"
    extra = [size, str(args.signals), *(["--rule"] if args.rule else [])]
    with tempfile.TemporaryDirectory(prefix="vs-ab-") as tmp:
        baseline = _export(args.baseline, Path(tmp) / "a")
        candidate = _export(args.candidate, Path(tmp) / "b") if args.candidate else ROOT
        cache = ROOT / "var" / "bench"
        for tree in {baseline, candidate} - {ROOT}:
            if cache.is_dir():  # the same generated file for both
                shutil.copytree(cache, tree / "var" / "bench", dirs_exist_ok=True)
        runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "strict": []}
        for _ in range(args.rounds):
            runs["baseline"].append(_run(baseline, args.script, extra))
            runs["strict"].append(_run(candidate, args.script, extra))
    best = {k: max(r["per_second"] for r in v) for k, v in runs.items()}
    cpu = {k: max(r["per_cpu_second"] or 0 for r in v) for k, v in runs.items()}
    result = {
        "benchmark": "contract_ab",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "script": args.script,
        "signals": args.signals,
        "baseline_revision": args.baseline,
        "candidate_revision": args.candidate or "this tree",
        "runs": runs,
        "best_per_second": best,
        "strict_vs_baseline": round(best["strict"] / best["baseline"] - 1, 3),
        "best_per_cpu_second": cpu,
        "strict_vs_baseline_per_cpu_second": round(cpu["strict"] / cpu["baseline"] - 1, 3),
        "target": "strict validation costs at most 10% of the intake throughput",
        "machine": {"cpus": os.cpu_count()},
        "note": "Runs alternate baseline/strict on the same file and database server; the "
        "load columns say how busy the machine was with other work meanwhile.",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = args.output or ("contract_ab.json" if args.script == "bench_intake_postgres.py" else (
        f"contract_ab_{Path(args.script).stem.removeprefix('bench_')}.json"))
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
