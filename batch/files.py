# SPDX-License-Identifier: EUPL-1.2
"""File intake (JSONL or CSV) in batches through the one pipeline; used by the CLI and DAGs.

With `workers > 1` each worker process reads the file and takes the records of its own
address partition: one household always lands in one worker, so matching cannot race,
and no records cross process boundaries.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import queue
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from batch.partition import address_partition
from vroegsignaal.contract.io import FileRefused, iter_batches, read_records
from vroegsignaal.contract.raw import RawInput
from vroegsignaal.errors import UnknownFileFormat
from vroegsignaal.intake.pipeline import Ontvangst, run_intake
from vroegsignaal.intake.result import IntakeResult, IntakeTotals
from vroegsignaal.runtime import tune_gc_for_batches

SUFFIXES = (".jsonl", ".csv")


def _check_suffix(path: Path) -> None:
    if path.suffix.lower() not in SUFFIXES:
        raise UnknownFileFormat(f"{path.name}: use one of {', '.join(SUFFIXES)}")


def file_identity(path: Path) -> str:
    """The file's content digest: a re-delivered identical file has the same lines."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _refused(records: Iterable[RawInput], refuse: Mapping[int, str]) -> Iterator[RawInput]:
    # A line the door already found invalid goes in unread, so the pipeline refuses it
    # (ONGELDIG_BERICHT) with the door's code instead of judging it again.
    for record in records:
        code = refuse.get(record.positie)
        yield record if code is None else RawInput(record.positie, None, code)


def ingest_file(
    path: Path,
    *,
    session: Session,
    source: str,
    batch_size: int = 5000,
    ontvangen_op: Ontvangst = None,
    on_batch: Callable[[IntakeResult], None] | None = None,
    partition: tuple[int, int] = (0, 1),
    refuse: Mapping[int, str] | None = None,
    identity: str | None = None,
) -> IntakeTotals:
    """Ingest the records of `path` (of one address partition); each batch commits on its own,
    so a rerun after a crash is a replay. `refuse` maps line numbers to an error code: those
    lines are refused without being read (the batch door's file validation, dags/).
    `identity` is the file's digest (`file_identity`) when the caller already has it."""
    _check_suffix(path)
    tune_gc_for_batches()
    index, count = partition
    origin = f"bestand:{identity or file_identity(path)}"
    file = read_records(path)
    records: Iterable[RawInput] = file
    if refuse:
        records = _refused(records, refuse)
    if count > 1:
        records = (r for r in records if address_partition(r.data, count) == index)
    inputs = (RawInput(r.positie, r.data, r.fout, f"{origin}:{r.positie}") for r in records)
    totals = IntakeTotals()
    try:
        for batch in iter_batches(inputs, batch_size):
            result = run_intake(batch, session=session, source=source, ontvangen_op=ontvangen_op)
            totals.add(result)
            if on_batch is not None:
                on_batch(result)
    except FileRefused as refused:  # before any batch: nothing of the file was read
        totals.bestand_geweigerd = refused.code
    if index == 0:  # every partition reads the whole file; one says what it holds
        totals.regels.update(file.counts.as_dict())
    return totals


def _worker(
    path: Path,
    database_url: str,
    source: str,
    batch_size: int,
    ontvangen_op: Ontvangst,
    index: int,
    count: int,
    messages: Any,
    refuse: Mapping[int, str] | None,
    identity: str,
) -> None:
    from vroegsignaal.storage.db import session_scope

    try:
        with session_scope(database_url) as session:
            totals = ingest_file(
                path,
                session=session,
                source=source,
                batch_size=batch_size,
                ontvangen_op=ontvangen_op,
                partition=(index, count),
                on_batch=lambda r: messages.put(("voortgang", len(r.outcomes))),
                refuse=refuse,
                identity=identity,
            )
        messages.put(("klaar", totals))
    except BaseException as exc:  # reported to the parent, which raises
        messages.put(("fout", f"{type(exc).__name__}: {exc}"))
        raise


def ingest_file_parallel(
    path: Path,
    *,
    database_url: str,
    source: str,
    workers: int = 2,
    batch_size: int = 5000,
    ontvangen_op: Ontvangst = None,
    on_progress: Callable[[int], None] | None = None,
    refuse: Mapping[int, str] | None = None,
) -> IntakeTotals:
    """Ingest with `workers` processes, one address partition each; totals are summed."""
    _check_suffix(path)
    identity = file_identity(path)
    ctx = mp.get_context("spawn")  # no inherited engines, connections or locks
    messages = ctx.Queue()
    procs = [
        ctx.Process(
            target=_worker,
            args=(
                path, database_url, source, batch_size, ontvangen_op, i, workers, messages, refuse,
                identity,
            ),
            name=f"intake-{i}",
        )
        for i in range(workers)
    ]
    for proc in procs:
        proc.start()
    totals, done, errors = IntakeTotals(), 0, []
    while done < workers:
        try:
            kind, payload = messages.get(timeout=1.0)
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in procs):
                errors.append("a worker died")
                break
            continue
        if kind == "voortgang" and on_progress is not None:
            on_progress(payload)
        elif kind == "klaar":
            totals.merge(payload)
            done += 1
        elif kind == "fout":
            errors.append(payload)
            done += 1
    for proc in procs:
        proc.join()
    if errors:
        raise RuntimeError(f"parallel intake of {path.name} failed: {'; '.join(errors)}")
    return totals
