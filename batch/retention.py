# SPDX-License-Identifier: EUPL-1.2
"""Delivered batch files hold personal data in clear: they are deleted after a few days too.

A run's folder (the file, its report) counts from the day it was finished (moved to
processed/ or quarantine/, which touches the folder). The deletion log gets the count
per stage; folder names are not logged, because a file name may name a person.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from batch.folders import BatchFolders
from vroegsignaal.dates import AMSTERDAM
from vroegsignaal.retention.policy import STAGES, RetentionPolicy
from vroegsignaal.storage.tables import VerwijderLog

log = logging.getLogger(__name__)


def _finished_on(run_dir: Path) -> dt.date:
    return dt.datetime.fromtimestamp(run_dir.stat().st_mtime, AMSTERDAM).date()


def due_run_dirs(
    folders: BatchFolders, policy: RetentionPolicy, *, peildatum: dt.date
) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for stage in STAGES:
        days = policy.batchbestand_dagen.get(stage)
        root = folders.work / stage
        if days is None or not root.is_dir():
            continue
        cutoff = peildatum - dt.timedelta(days=days)
        out[stage] = sorted(
            run
            for creditor in root.iterdir()
            if creditor.is_dir()
            for run in creditor.iterdir()
            if run.is_dir() and _finished_on(run) <= cutoff
        )
    return out


def purge_batch_files(
    session: Session,
    *,
    folders: BatchFolders,
    policy: RetentionPolicy,
    peildatum: dt.date,
    run_id: str,
    dry_run: bool = False,
) -> dict[str, int]:
    """Delete finished run folders past their term; counts per stage."""
    due = due_run_dirs(folders, policy, peildatum=peildatum)
    counts = {stage: len(dirs) for stage, dirs in due.items()}
    if dry_run:
        return counts
    for stage, dirs in due.items():
        for run in dirs:
            shutil.rmtree(run)
        if dirs:
            session.execute(
                insert(VerwijderLog.__table__),
                [
                    {
                        "run_id": run_id,
                        "peildatum": peildatum,
                        "verwijderd_op": dt.datetime.now(dt.UTC),
                        "tabel": f"batchbestand:{stage}",
                        "grond": f"batchbestand {policy.batchbestand_dagen[stage]} dagen na "
                        "afronding",
                        "aantal": len(dirs),
                        "ids": [],
                    }
                ],
            )
            session.commit()
    log.info("batch files purged run_id=%s peildatum=%s counts=%s", run_id, peildatum, counts)
    return counts
