# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: the intake's statements one by one on a large database.

Runs late batches through `run_intake` on a copy of a filled database and reports, per
batch, the CPU seconds of the intake process and of its PostgreSQL backend, and per
statement (in the order the pipeline runs them) its mean wall time; `--explain` prints
(on stderr) EXPLAIN (ANALYZE, BUFFERS) of every statement of the last warm-up batch, each
run in a savepoint that is rolled back before the statement itself runs. Writes
benchmarks/results/intake_statements.json.

    # once: 940,000 signals into a kept database, the last 60,000 lines as the next batches
    head -n 940000 var/bench/signals-1000000-seed7.jsonl > var/bench/signals-940000-seed7.jsonl
    tail -n 60000 var/bench/signals-1000000-seed7.jsonl > var/bench/tail-60000.jsonl
    .venv/bin/python benchmarks/bench_intake_postgres.py --signals 940000 \\
        --keep-database vs_intake_940k
    # then, as often as needed (the filled database stays as it is):
    .venv/bin/python benchmarks/bench_intake_statements.py --template vs_intake_940k \\
        --file var/bench/tail-60000.jsonl [--skip 3] [--batches 8] [--explain]

The first `--skip` batches warm up and are not counted. PostgreSQL's CPU is read from
/proc (local server only); statements it runs in parallel workers are not in it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.bench_intake_batch_cpu import _backend_cpu  # noqa: E402
from benchmarks.postgres import database_url, drop_database, server_url  # noqa: E402
from benchmarks.record import machine, write_result  # noqa: E402

_EXPLAINED = re.compile(r"\s*(SELECT|UPDATE|INSERT|DELETE|WITH)\b", re.I)


class _Statements:
    """Times every statement of the intake's connection (and COPY, through `_copy`)."""

    def __init__(self, explain: bool) -> None:
        self.explain = explain
        self.counting = False
        self.explaining = False
        self.log: list[tuple[str, float]] = []

    def before(self, conn: Any, cursor: Any, statement: str, parameters: Any,
               context: Any, executemany: bool) -> None:
        if self.explaining and not executemany and _EXPLAINED.match(statement) \
                and "nextval" not in statement:
            cursor.execute("SAVEPOINT bench_explain")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            plan = "\n".join(r[0] for r in cursor.fetchall())
            cursor.execute("ROLLBACK TO SAVEPOINT bench_explain")
            print(f"{'=' * 80}\n{statement.strip()[:400]}\n{plan}", file=sys.stderr)
        context._bench_start = time.perf_counter()

    def after(self, conn: Any, cursor: Any, statement: str, parameters: Any,
              context: Any, executemany: bool) -> None:
        start = getattr(context, "_bench_start", None)
        if self.counting and start is not None:
            self.log.append((" ".join(statement.split())[:90], time.perf_counter() - start))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--template", required=True,
                        help="a filled database (bench_intake_postgres.py --keep-database)")
    parser.add_argument("--file", type=Path, required=True, help="the next signals (JSONL)")
    parser.add_argument("--skip", type=int, default=3)
    parser.add_argument("--batches", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--rule", action="store_true", help="score with the rule, no model")
    args = parser.parse_args()
    if args.skip < 1 or args.batches < 1:
        parser.error("--skip and --batches must be at least 1")
    os.environ.setdefault("VROEGSIGNAAL_ENV", "development")
    from benchmarks.promoted_model import scorer_setup

    scoring = scorer_setup(args.rule)
    from sqlalchemy import create_engine, event, text

    from vroegsignaal.contract.io import iter_batches, read_records
    from vroegsignaal.intake.pipeline import run_intake
    from vroegsignaal.runtime import collect_between_batches, tune_gc_for_batches
    from vroegsignaal.storage import intake_repository
    from vroegsignaal.storage.db import session_scope

    server = server_url()
    name = f"{args.template}_run"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{args.template}"'))
    admin.dispose()
    url = database_url(server, name)
    stats = _Statements(args.explain)
    copy = intake_repository._copy

    def timed_copy(session: Any, table: Any, rows: list[dict[str, Any]]) -> None:
        start = time.perf_counter()
        copy(session, table, rows)
        if stats.counting:
            stats.log.append((f"COPY {table.name}", time.perf_counter() - start))

    intake_repository._copy = timed_copy  # type: ignore[assignment]
    tune_gc_for_batches()
    client: list[float] = []
    backend: list[float] = []
    per_statement: dict[tuple[str, int], list[float]] = defaultdict(list)
    load_at_start = os.getloadavg()
    try:
        with session_scope(url) as session:
            engine = session.get_bind()
            event.listen(engine, "before_cursor_execute", stats.before)
            event.listen(engine, "after_cursor_execute", stats.after)
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            batches = iter_batches(read_records(args.file), args.batch_size)
            for n, batch in zip(range(args.skip + args.batches), batches, strict=False):
                stats.counting = n >= args.skip
                # The last warm-up batch, so no counted one runs a statement twice.
                stats.explaining = args.explain and n == args.skip - 1
                pg0, cpu0 = _backend_cpu(pid), time.process_time()
                collect_between_batches()  # as the doors do
                run_intake(batch, session=session, source="benchmark",
                           ontvangen_op="signaaldatum")
                pg1 = _backend_cpu(pid)
                if not stats.counting:
                    continue
                client.append(time.process_time() - cpu0)
                backend.append((pg1 or 0.0) - (pg0 or 0.0))
                seen: Counter[str] = Counter()
                for statement, seconds in stats.log:
                    seen[statement] += 1
                    per_statement[(statement, seen[statement])].append(seconds)
                stats.log.clear()
    finally:
        drop_database(server, name)
    result = {
        "benchmark": "intake_statements",
        "scoring": scoring,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "template": args.template,
        "batch_size": args.batch_size,
        "batches_counted": len(client),
        "client_cpu_seconds_per_batch": round(sum(client) / len(client), 3),
        "postgres_cpu_seconds_per_batch": round(sum(backend) / len(backend), 3),
        "statements_ms": [
            {"statement": s, "occurrence": i, "mean_ms": round(1000 * sum(v) / len(v), 1),
             "max_ms": round(1000 * max(v), 1), "batches": len(v)}
            for (s, i), v in per_statement.items()
        ],
        "machine": machine(load_at_start),
        "note": "Wall time per statement as the client sees it (a COPY with its rows "
        "written); PostgreSQL CPU of the intake's backend only.",
    }
    write_result("intake_statements.json", result)


if __name__ == "__main__":
    main()
