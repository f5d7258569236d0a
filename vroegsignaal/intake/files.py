# SPDX-License-Identifier: EUPL-1.2
"""File intake (JSONL or CSV) in batches through the one pipeline; used by the CLI and DAGs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from vroegsignaal.contract.io import iter_batches, read_records
from vroegsignaal.errors import UnknownFileFormat
from vroegsignaal.intake.pipeline import Ontvangst, run_intake
from vroegsignaal.intake.result import IntakeResult, IntakeTotals

SUFFIXES = (".jsonl", ".csv")


def ingest_file(
    path: Path,
    *,
    session: Session,
    source: str,
    batch_size: int = 5000,
    ontvangen_op: Ontvangst = None,
    on_batch: Callable[[IntakeResult], None] | None = None,
) -> IntakeTotals:
    """Ingest every record of `path`; each batch commits on its own, so a rerun is a replay."""
    if path.suffix.lower() not in SUFFIXES:
        raise UnknownFileFormat(f"{path.name}: use one of {', '.join(SUFFIXES)}")
    totals = IntakeTotals()
    for batch in iter_batches(read_records(path), batch_size):
        result = run_intake(batch, session=session, source=source, ontvangen_op=ontvangen_op)
        totals.add(result)
        if on_batch is not None:
            on_batch(result)
    return totals
