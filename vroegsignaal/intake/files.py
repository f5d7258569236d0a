# SPDX-License-Identifier: EUPL-1.2
"""File intake (JSONL or CSV) in batches through the one pipeline; used by the CLI and DAGs.

With `workers > 1` each worker process reads the file and takes the records of its own
address partition: one household always lands in one worker, so matching cannot race,
and no records cross process boundaries.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vroegsignaal.contract.io import iter_batches, read_records
from vroegsignaal.errors import UnknownFileFormat
from vroegsignaal.intake.partition import address_partition
from vroegsignaal.intake.pipeline import Ontvangst, run_intake
from vroegsignaal.intake.result import IntakeResult, IntakeTotals

SUFFIXES = (".jsonl", ".csv")


def _check_suffix(path: Path) -> None:
    if path.suffix.lower() not in SUFFIXES:
        raise UnknownFileFormat(f"{path.name}: use one of {', '.join(SUFFIXES)}")


def _run_batch(session: Session, batch: list[Any], source: str, ontvangen_op: Ontvangst) -> Any:
    try:
        return run_intake(batch, session=session, source=source, ontvangen_op=ontvangen_op)
    except IntegrityError:
        # Another writer stored one of these signals between our check and our insert;
        # once more, the idempotency check sees it and reports a duplicate.
        session.rollback()
        return run_intake(batch, session=session, source=source, ontvangen_op=ontvangen_op)


def ingest_file(
    path: Path,
    *,
    session: Session,
    source: str,
    batch_size: int = 5000,
    ontvangen_op: Ontvangst = None,
    on_batch: Callable[[IntakeResult], None] | None = None,
    partition: tuple[int, int] = (0, 1),
) -> IntakeTotals:
    """Ingest the records of `path` (of one address partition); each batch commits on its own,
    so a rerun after a crash is a replay."""
    _check_suffix(path)
    index, count = partition
    records = read_records(path)
    if count > 1:
        records = (r for r in records if address_partition(r.data, count) == index)
    totals = IntakeTotals()
    for batch in iter_batches(records, batch_size):
        result = _run_batch(session, batch, source, ontvangen_op)
        totals.add(result)
        if on_batch is not None:
            on_batch(result)
    return totals


def _worker(args: tuple[Any, ...]) -> IntakeTotals:
    path, database_url, source, batch_size, ontvangen_op, index, count, progress = args
    from vroegsignaal.storage.db import session_scope

    with session_scope(database_url) as session:
        return ingest_file(
            path,
            session=session,
            source=source,
            batch_size=batch_size,
            ontvangen_op=ontvangen_op,
            partition=(index, count),
            on_batch=lambda r: progress.put(len(r.outcomes)),
        )


def ingest_file_parallel(
    path: Path,
    *,
    database_url: str,
    source: str,
    workers: int = 2,
    batch_size: int = 5000,
    ontvangen_op: Ontvangst = None,
    on_progress: Callable[[int], None] | None = None,
) -> IntakeTotals:
    """Ingest with `workers` processes, one address partition each; totals are summed."""
    _check_suffix(path)
    ctx = mp.get_context("spawn")  # no inherited engines, connections or locks
    with ctx.Manager() as manager:
        progress = manager.Queue()
        args = [
            (path, database_url, source, batch_size, ontvangen_op, i, workers, progress)
            for i in range(workers)
        ]
        with ctx.Pool(workers) as pool:
            pending = pool.map_async(_worker, args)
            while not pending.ready():
                pending.wait(0.2)
                while not progress.empty():
                    n = progress.get()
                    if on_progress is not None:
                        on_progress(n)
            parts = pending.get()
            while not progress.empty():
                n = progress.get()
                if on_progress is not None:
                    on_progress(n)
    totals = IntakeTotals()
    for part in parts:
        totals.merge(part)
    return totals
