# SPDX-License-Identifier: EUPL-1.2
"""The steps of one delivered file, in the order dags/signal_batch_intake.py runs them.

    claim -> validate (whole file, GX suite) -> ingest valid rows | quarantine whole file

Each step takes and returns small values (paths, counts) and can be repeated: Airflow
retries a failed task, and a rerun must not change the outcome. Ingesting is a replay
when repeated (idempotent on schuldeiser + signaalId), so a crash halfway through a
file is finished by the retry; the file only moves to processed/ after every batch
committed. A quarantined file has had nothing ingested: validation comes first.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

from batch import folders as fs
from batch.frame import DEFAULT_CHUNK_ROWS
from batch.report import build_report, write_report
from batch.rule import Besluit, decide
from vroegsignaal.config import Settings, get_settings
from vroegsignaal.errors import VroegsignaalError

log = logging.getLogger(__name__)

SUITE = "batch_intake_signalen"
SOURCE = "batch"
INVALID_LINES_FILE = "ongeldige_regels.json"
REFUSAL_PREFIX = "BATCHVALIDATIE:"


class QuarantinedFile(VroegsignaalError):
    code = "BESTAND_IN_QUARANTAINE"
    title = "Bestand staat in quarantaine en wordt niet ingelezen"


def claim_delivery(relative: str, *, run: str, settings: Settings | None = None) -> str:
    """Take `schuldeiser/file` out of the inbox for this run; the claimed path."""
    folders = fs.BatchFolders.from_settings(settings)
    return str(fs.claim(folders, relative, run))


def validate_delivery(
    claimed: str,
    *,
    schuldeiser: str,
    run: str,
    settings: Settings | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> dict[str, Any]:
    """Validate the whole file, decide by the batch-file rule, write the report beside it."""
    from batch.validation import validate_file

    settings = settings or get_settings()
    path = Path(claimed)
    validation = validate_file(
        path,
        suite=SUITE,
        parameters={"schuldeisers": [schuldeiser]},
        chunk_rows=chunk_rows,
        workers=settings.batch_workers,
    )
    verdict = decide(validation, max_invalid_fraction=settings.batch_max_invalid_fraction)
    report = build_report(validation, verdict, bestand=path.name, schuldeiser=schuldeiser, run=run)
    report_path = write_report(report, path.parent)
    invalid_path = path.parent / INVALID_LINES_FILE
    if verdict.besluit is Besluit.INNEMEN:
        invalid_path.write_text(json.dumps(_refuse_before_intake(validation)) + "\n",
                                encoding="utf-8")
    summary = {
        "besluit": verdict.besluit.value,
        "grond": verdict.grond.value,
        "bestand_geweigerd": validation.file_refused,
        "regels_in_bestand": validation.regels,
        "regels": verdict.rows,
        "ongeldige_regels": verdict.invalid_rows,
        "fatale_controles": list(verdict.fatal_codes),
        "niet_gehaald": {f.code: f.failed for f in validation.failed},
        "rapport": str(report_path),
    }
    log.info(
        "batch validation run=%s schuldeiser=%s rows=%d invalid=%d decision=%s ground=%s "
        "failed_checks=%s",
        run,
        schuldeiser,
        verdict.rows,
        verdict.invalid_rows,
        verdict.besluit.value,
        verdict.grond.value,
        summary["niet_gehaald"],
    )
    return summary


# Checks intake makes itself, with the same codes (the reader's and the contract's own):
# their lines go in as they are and intake refuses them as at every other door.
INTAKE_OWN_CHECKS = frozenset({"REGEL_LEESBAAR", "CONTRACT"})


def _refuse_before_intake(validation: Any) -> dict[str, str]:
    """Lines that fail an error check intake does not make itself: refused by the door."""
    return {
        str(line): REFUSAL_PREFIX + "+".join(own)
        for line, codes in sorted(validation.invalid_lines().items())
        if (own := [c for c in codes if c not in INTAKE_OWN_CHECKS])
    }


def _decision(claimed: Path) -> dict[str, Any]:
    report = claimed.parent / "rapport.json"
    if not report.is_file():
        raise QuarantinedFile(f"{claimed.name}: not validated (no report)")
    return dict(json.loads(report.read_text(encoding="utf-8")))


def ingest_delivery(
    claimed: str,
    *,
    ontvangen_op: dt.date,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Ingest the valid rows of a file the rule accepted; invalid lines are refused."""
    from batch.files import ingest_file, ingest_file_parallel
    from vroegsignaal.storage.db import session_scope

    settings = settings or get_settings()
    path = Path(claimed)
    if _decision(path)["besluit"] != Besluit.INNEMEN:
        raise QuarantinedFile(f"{path.name}: the batch-file rule quarantined it")
    invalid_path = path.parent / INVALID_LINES_FILE
    refuse = {
        int(line): code
        for line, code in json.loads(invalid_path.read_text(encoding="utf-8")).items()
    }
    if settings.batch_workers > 1 and settings.is_postgres:
        totals = ingest_file_parallel(
            path,
            database_url=settings.database_url,
            source=SOURCE,
            workers=settings.batch_workers,
            batch_size=settings.batch_size,
            ontvangen_op=ontvangen_op,
            refuse=refuse,
        )
    else:
        with session_scope(settings.database_url) as session:
            totals = ingest_file(
                path,
                session=session,
                source=SOURCE,
                batch_size=settings.batch_size,
                ontvangen_op=ontvangen_op,
                refuse=refuse,
            )
    summary = {
        "ontvangen": totals.ontvangen,
        "opgepakt": totals.opgepakt,
        "nieuwe_zaken": totals.nieuwe_zaken,
        "batches": totals.batches,
        "per_reden": dict(totals.per_reden),
        "verwijderde_velden": dict(totals.verwijderde_velden),
        "geweigerd_door_bestandscontrole": len(refuse),
    }
    log.info(
        "batch intake file=%s received=%d picked_up=%d new_cases=%d reasons=%s "
        "refused_by_file_check=%d",
        path.name,
        totals.ontvangen,
        totals.opgepakt,
        totals.nieuwe_zaken,
        summary["per_reden"],
        len(refuse),
    )
    return summary


def archive_delivery(claimed: str, settings: Settings | None = None) -> str:
    """After ingesting: the run's folder moves to processed/."""
    return str(fs.finish(fs.BatchFolders.from_settings(settings), Path(claimed), "processed"))


def quarantine_delivery(claimed: str, settings: Settings | None = None) -> str:
    """The whole file and its report move to quarantine/; nothing was ingested."""
    path = Path(claimed)
    if _decision(path)["besluit"] != Besluit.QUARANTAINE:
        raise VroegsignaalError(f"{path.name}: the batch-file rule did not quarantine it")
    moved = fs.finish(fs.BatchFolders.from_settings(settings), path, "quarantine")
    log.warning("batch file quarantined: %s (report %s)", moved.name, moved.parent / "rapport.md")
    return str(moved)


def receipt_date(claimed: str, declared: str | None = None) -> dt.date:
    """The receipt date of the signals: as the scanner recorded it, else the file's mtime."""
    if declared:
        return dt.date.fromisoformat(declared)
    stat = Path(claimed).stat()
    return fs.Delivery("", Path(claimed), stat.st_size, stat.st_mtime_ns).ontvangen_op
