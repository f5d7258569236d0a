# SPDX-License-Identifier: EUPL-1.2
"""File intake (JSONL or CSV) in batches through the one pipeline; used by the CLI and DAGs.

With `workers > 1` each worker process (batch/parallel.py) reads the file and takes
the records of its own address partition: one household always lands in one worker, so
matching cannot race, and no records cross process boundaries. The reader decides a
line's partition as soon as it has the address (contract/io.py `keep`) and builds only
the worker's own records; lines it cannot read are partition 0's, which also reports the
file's line counts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from sqlalchemy.orm import Session

from batch.partition import in_partition
from vroegsignaal.contract.io import FileRefused, SignalFile, iter_batches, read_records
from vroegsignaal.contract.raw import RawInput
from vroegsignaal.errors import UnknownFileFormat
from vroegsignaal.intake.pipeline import Ontvangst, run_intake
from vroegsignaal.intake.result import IntakeResult, IntakeTotals
from vroegsignaal.runtime import collect_between_batches, tune_gc_for_batches

SUFFIXES = (".jsonl", ".csv")


def _check_suffix(path: Path) -> None:
    if path.suffix.lower() not in SUFFIXES:
        raise UnknownFileFormat(f"{path.name}: use one of {', '.join(SUFFIXES)}")


def file_identity(path: Path) -> str:
    """The file's content digest: a re-delivered identical file has the same lines."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _inputs(
    records: Iterable[RawInput],
    origin: str,
    refuse: Mapping[int, str] | None,
    afzender: str | None,
) -> Iterator[RawInput]:
    """The records as pipeline inputs, sent by `afzender`. A line the door already found
    invalid (`refuse`) goes in with the door's code and only its ids, so the pipeline
    refuses it (ONGELDIG_BERICHT) without judging it again and keeps schuldeiser and
    signaalId as the other doors do; the sender names the lines that have no ids."""
    for r in records:
        code = refuse.get(r.positie) if refuse else None
        if code is None and (r.fout is None or afzender is None):
            yield RawInput(r.positie, r.data, r.fout, f"{origin}:{r.positie}", afzender)
            continue
        code = code or r.fout  # a line the reader could not read: refused with its code
        ids = {"schuldeiser": afzender, "signaalId": None}
        if r.data is not None:
            ids = {
                "schuldeiser": r.data.get("schuldeiser") or afzender,
                "signaalId": r.data.get("signaalId"),
            }
        yield RawInput(r.positie, ids, code, f"{origin}:{r.positie}", afzender)


def partition_inputs(
    path: Path,
    *,
    origin: str,
    partition: tuple[int, int] = (0, 1),
    refuse: Mapping[int, str] | None = None,
    afzender: str | None = None,
) -> tuple[SignalFile, Iterator[RawInput]]:
    """The file and the pipeline inputs of its address partition `(index, count)` (see
    `ingest_file`); the file's `counts` are complete once the inputs are exhausted."""
    index, count = partition
    file = read_records(path, keep=in_partition(index, count) if count > 1 else None)
    return file, _inputs(file, origin, refuse, afzender)


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
    afzender: str | None = None,
) -> IntakeTotals:
    """Ingest the records of `path` (of one address partition); each batch commits on its own,
    so a rerun after a crash is a replay. `refuse` maps line numbers to an error code: those
    lines are refused as they are (the batch door's file validation, dags/), with the ids
    they carry. `afzender` is the schuldeiser the file came from (its delivery folder, the
    upload's login): a row for another creditor is refused (ANDERE_SCHULDEISER,
    vroegsignaal/intake/sender.py); None applies no such rule. `identity` is the file's
    digest (`file_identity`) when the caller already has it.
    """
    _check_suffix(path)
    tune_gc_for_batches()
    origin = f"bestand:{identity or file_identity(path)}"
    file, inputs = partition_inputs(
        path, origin=origin, partition=partition, refuse=refuse, afzender=afzender
    )
    totals = IntakeTotals()
    try:
        for batch in iter_batches(inputs, batch_size):
            collect_between_batches()
            result = run_intake(batch, session=session, source=source, ontvangen_op=ontvangen_op)
            totals.add(result)
            if on_batch is not None:
                on_batch(result)
    except FileRefused as refused:  # before any batch: nothing of the file was read
        totals.bestand_geweigerd = refused.code
    if partition[0] == 0:  # every partition reads the whole file; one says what it holds
        totals.regels.update(file.counts.as_dict())
    return totals


def ingest_partition(
    path: Path,
    *,
    database_url: str,
    source: str,
    batch_size: int,
    ontvangen_op: Ontvangst,
    partition: tuple[int, int],
    refuse: Mapping[int, str] | None,
    identity: str,
    afzender: str | None,
    progress: Callable[[int], None] | None = None,
) -> IntakeTotals:
    """One worker's share of `ingest_file_parallel`: its address partition, its own session."""
    from vroegsignaal.storage.db import session_scope

    with session_scope(database_url) as session:
        return ingest_file(
            path,
            session=session,
            source=source,
            batch_size=batch_size,
            ontvangen_op=ontvangen_op,
            partition=partition,
            on_batch=None if progress is None else lambda r: progress(len(r.outcomes)),
            refuse=refuse,
            identity=identity,
            afzender=afzender,
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
    refuse: Mapping[int, str] | None = None,
    afzender: str | None = None,
) -> IntakeTotals:
    """Ingest with `workers` processes, one address partition each; totals are summed.

    Raises `batch.parallel.WorkerFailed` once when a worker fails (the others are
    stopped; batches already committed stay, and a rerun replays them as DUPLICAAT).
    """
    from batch.parallel import run_workers

    _check_suffix(path)
    common = {
        "path": path,
        "database_url": database_url,
        "source": source,
        "batch_size": batch_size,
        "ontvangen_op": ontvangen_op,
        "refuse": refuse,
        "identity": file_identity(path),
        "afzender": afzender,
    }
    calls = [{**common, "partition": (i, workers)} for i in range(workers)]
    target = "batch.files:ingest_partition"
    parts = run_workers(target, calls, on_progress=on_progress)
    totals = IntakeTotals()
    for part in parts:
        totals.merge(part)
    return totals
