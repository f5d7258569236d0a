# SPDX-License-Identifier: EUPL-1.2
"""The steps of one delivered file, in the order dags/signal_batch_intake.py runs them.

    register (inbox scan) -> claim -> validate (whole file, GX suite)
        -> ingest valid rows + archive | quarantine whole file -> next delivery

Every step takes the delivery's opaque id (`batch.register`) and returns
small values (ids, counts, codes): never a path or a file name, because what a step
returns ends up in Airflow's metadata database and logs. Each step can be repeated:
Airflow retries a failed task, and a rerun must not change the outcome. Ingesting is a
replay when repeated (idempotent on schuldeiser + signaalId), so a crash halfway through
a file is finished by the retry; the file only moves to processed/ after every batch
committed. A quarantined file has had nothing ingested: validation comes first.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from batch import folders as fs
from batch import register
from batch.frame import DEFAULT_CHUNK_ROWS
from batch.register import LeveringStatus
from batch.report import build_report, write_report
from batch.rule import Besluit, decide
from vroegsignaal.config import Settings, get_settings
from vroegsignaal.errors import VroegsignaalError
from vroegsignaal.intake.steps import Ontvangst
from vroegsignaal.storage.db import session_scope
from vroegsignaal.storage.tables import BatchLevering

log = logging.getLogger(__name__)

SUITE = "batch_intake_signalen"
SOURCE = "batch"
INVALID_LINES_FILE = "ongeldige_regels.json"
REFUSAL_PREFIX = "BATCHVALIDATIE:"
# The work-folder stage of a finished delivery; its row (which holds the file name) is kept
# as long as the stage keeps the file (`batchbestand_dagen` of the retention policy).
_STAGE = {
    LeveringStatus.VERWERKT: "processed",
    LeveringStatus.QUARANTAINE: "quarantine",
    LeveringStatus.VERDWENEN: "processed",
}


class QuarantinedFile(VroegsignaalError):
    code = "BESTAND_IN_QUARANTAINE"
    title = "Bestand staat in quarantaine en wordt niet ingelezen"


class DeliveryGone(VroegsignaalError):
    code = "LEVERING_VERDWENEN"
    title = "Het bestand stond niet meer in de inbox"


def _row(levering: str, settings: Settings) -> BatchLevering:
    with session_scope(settings.database_url) as session:
        row = register.get(session, levering)
        session.expunge(row)
    return row


def _claimed(row: BatchLevering, settings: Settings) -> Path:
    folders = fs.BatchFolders.from_settings(settings)
    return fs.run_dir(folders, "processing", row.schuldeiser, row.id) / row.bestandsnaam


def register_inbox(settings: Settings | None = None) -> list[str]:
    """Scan the inbox, register new deliveries; the ids that may start now, oldest first.

    Per schuldeiser that is its first open delivery in arrival order (it may be running
    already: starting it again is a no-op for the scheduler, the run id being the id).
    Refuses to start (ConfigurationError) when the inbox or work folder is missing.
    """
    settings = settings or get_settings()
    folders = fs.BatchFolders.checked(settings)
    found = fs.find_deliveries(folders, min_age_seconds=settings.batch_min_file_age_seconds)
    with session_scope(settings.database_url) as session:
        register.register(session, found)
        return [row.id for row in register.next_up(session)]


def claim_delivery(levering: str, *, settings: Settings | None = None) -> dict[str, str]:
    """Start the delivery (only when it is next in line for its schuldeiser) and move its
    file out of the inbox into `processing/<schuldeiser>/<levering>/`; repeatable.

    Raises `register.NotNextInLine` when an earlier delivery of the schuldeiser is open,
    `DeliveryGone` (and marks it verdwenen) when the file left the inbox unclaimed.
    """
    settings = settings or get_settings()
    folders = fs.BatchFolders.checked(settings)
    with session_scope(settings.database_url) as session:
        row = register.start(session, levering)
        source = folders.inbox / row.schuldeiser / row.bestandsnaam
        target = _claimed(row, settings)
        if not target.is_file() and not _same_file(source, row):
            register.finish(
                session,
                levering,
                LeveringStatus.VERDWENEN,
                keep_days=_keep(settings, LeveringStatus.VERDWENEN),
            )
            raise DeliveryGone(f"levering {levering}: the file left the inbox before its claim")
        fs.claim(folders, f"{row.schuldeiser}/{row.bestandsnaam}", row.id)
        return {"levering": row.id, "schuldeiser": row.schuldeiser}


def _same_file(path: Path, row: BatchLevering) -> bool:
    """The inbox still holds the file this delivery registered (not a newer upload)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return False
    return (stat.st_size, stat.st_mtime_ns) == (row.grootte, row.gewijzigd_ns)


def validate_delivery(
    levering: str,
    *,
    settings: Settings | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> dict[str, Any]:
    """Validate the whole file, decide by the batch-file rule, write the report beside it."""
    settings = settings or get_settings()
    row = _row(levering, settings)
    path = _claimed(row, settings)
    summary = check_file(
        path,
        schuldeiser=row.schuldeiser,
        run=row.id,
        report_dir=path.parent,
        bestand=row.bestandsnaam,
        settings=settings,
        chunk_rows=chunk_rows,
    )
    return {"levering": row.id, **summary}


def check_file(
    path: Path,
    *,
    schuldeiser: str,
    run: str,
    report_dir: Path,
    bestand: str | None = None,
    settings: Settings | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> dict[str, Any]:
    """The batch-file rule over a whole file of `schuldeiser`: validate every row (Great
    Expectations), decide (batch/rule.py), write rapport.json/.md and, when the file is
    ingested, the invalid lines to refuse, all in `report_dir`. A summary of counts and
    check codes (no path, no file name); `besluit` is "innemen" or "quarantaine".
    The DAG (`validate_delivery`) and `vroegsignaal ingest --schuldeiser` both run it;
    `run` names the run in the report and the log, `bestand` the file in the report."""
    from batch.validation import validate_file

    settings = settings or get_settings()
    validation = validate_file(
        path,
        suite=SUITE,
        parameters={"schuldeisers": [schuldeiser]},
        chunk_rows=chunk_rows,
        workers=settings.file_workers(writes=False),
    )
    verdict = decide(validation, max_invalid_fraction=settings.batch_max_invalid_fraction)
    report = build_report(
        validation, verdict, bestand=bestand or path.name, schuldeiser=schuldeiser, run=run
    )
    report_dir.mkdir(parents=True, exist_ok=True)
    write_report(report, report_dir)
    invalid_path = report_dir / INVALID_LINES_FILE
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
    }
    log.info(
        "batch validation run=%s schuldeiser=%s rows=%d invalid=%d decision=%s "
        "ground=%s failed_checks=%s",
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


def _decision(report_dir: Path, run: str) -> dict[str, Any]:
    report = report_dir / "rapport.json"
    if not report.is_file():
        raise QuarantinedFile(f"run {run}: not validated (no report)")
    return dict(json.loads(report.read_text(encoding="utf-8")))


def ingest_delivery(
    levering: str,
    *,
    ontvangen_op: dt.date | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Ingest the valid rows of a file the rule accepted; invalid lines are refused with
    the schuldeiser and signaalId they carry. `ontvangen_op` overrides the receipt date
    recorded when the file was found (its arrival day)."""
    settings = settings or get_settings()
    row = _row(levering, settings)
    path = _claimed(row, settings)
    day = ontvangen_op or row.ontvangen_op
    summary = ingest_checked_file(
        path, report_dir=path.parent, run=row.id, ontvangen_op=day, settings=settings
    )
    return {"levering": row.id, "ontvangen_op": day.isoformat(), **summary}


def ingest_checked_file(
    path: Path,
    *,
    report_dir: Path,
    run: str,
    ontvangen_op: Ontvangst,
    settings: Settings | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Ingest the valid rows of a file `check_file` accepted (its report in `report_dir`),
    as the schuldeiser the report names: a row for another creditor is refused
    (ANDERE_SCHULDEISER, vroegsignaal/intake/sender.py), an invalid line with the codes of
    the checks it failed and the ids it carries. A summary of counts per reason.
    Raises `QuarantinedFile` when the rule did not accept the file (or never ran)."""
    from batch.files import ingest_file, ingest_file_parallel

    settings = settings or get_settings()
    decision = _decision(report_dir, run)
    if decision["besluit"] != Besluit.INNEMEN:
        raise QuarantinedFile(f"run {run}: the batch-file rule quarantined it")
    afzender = str(decision["schuldeiser"])
    refuse = {
        int(line): code
        for line, code in json.loads(
            (report_dir / INVALID_LINES_FILE).read_text(encoding="utf-8")
        ).items()
    }
    args: dict[str, Any] = {
        "source": SOURCE,
        "batch_size": settings.batch_size,
        "ontvangen_op": ontvangen_op,
        "refuse": refuse,
        "afzender": afzender,
    }
    workers = settings.file_workers()
    if workers > 1:
        totals = ingest_file_parallel(
            path,
            database_url=settings.database_url,
            workers=workers,
            on_progress=on_progress,
            **args,
        )
    else:
        with session_scope(settings.database_url) as session:
            totals = ingest_file(
                path,
                session=session,
                on_batch=None if on_progress is None else lambda r: on_progress(len(r.outcomes)),
                **args,
            )
    summary = {
        "ontvangen": totals.ontvangen,
        "opgeslagen": totals.opgeslagen,
        "opgepakt": totals.opgepakt,
        "geweigerd": totals.geweigerd,
        "al_ontvangen": totals.al_ontvangen,
        "nieuwe_zaken": totals.nieuwe_zaken,
        "batches": totals.batches,
        # where every line went, as counts (the lines themselves stay in the report)
        "regels": dict(totals.regels),
        "per_reden": dict(totals.per_reden),
        "verwijderde_velden": dict(totals.verwijderde_velden),
        "geweigerd_door_bestandscontrole": len(refuse),
    }
    log.info(
        "batch intake run=%s schuldeiser=%s received=%d picked_up=%d new_cases=%d "
        "reasons=%s refused_by_file_check=%d",
        run,
        afzender,
        totals.ontvangen,
        totals.opgepakt,
        totals.nieuwe_zaken,
        summary["per_reden"],
        len(refuse),
    )
    return summary


def _keep(settings: Settings, status: LeveringStatus) -> int:
    from vroegsignaal.retention.policy import RetentionPolicy

    return RetentionPolicy.load(settings).batchbestand_dagen.get(_STAGE[status], 0)


def _finish(levering: str, status: LeveringStatus, settings: Settings) -> str:
    row = _row(levering, settings)
    path = _claimed(row, settings)
    stage = _STAGE[status]
    decision = _decision(path.parent, levering)["besluit"] if path.is_file() else None
    expected = Besluit.INNEMEN if status is LeveringStatus.VERWERKT else Besluit.QUARANTAINE
    if decision is not None and decision != expected:
        raise VroegsignaalError(f"levering {levering}: the batch-file rule decided {decision}")
    fs.finish(fs.BatchFolders.from_settings(settings), path, stage)
    with session_scope(settings.database_url) as session:
        register.finish(session, levering, status, keep_days=_keep(settings, status))
    return f"{stage}/{row.schuldeiser}/{row.id}"


def archive_delivery(levering: str, settings: Settings | None = None) -> str:
    """After ingesting: the run's folder moves to processed/; the folder, relative."""
    return _finish(levering, LeveringStatus.VERWERKT, settings or get_settings())


def quarantine_delivery(levering: str, settings: Settings | None = None) -> str:
    """The whole file and its report move to quarantine/; nothing was ingested."""
    where = _finish(levering, LeveringStatus.QUARANTAINE, settings or get_settings())
    log.warning("batch delivery quarantined levering=%s report=%s/rapport.md", levering, where)
    return where


def next_delivery(levering: str, settings: Settings | None = None) -> str | None:
    """The id of the next open delivery of the same schuldeiser, in arrival order."""
    settings = settings or get_settings()
    with session_scope(settings.database_url) as session:
        row = register.get(session, levering)
        following = register.next_of(session, row.schuldeiser)
        return following.id if following is not None else None
