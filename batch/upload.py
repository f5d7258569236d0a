# SPDX-License-Identifier: EUPL-1.2
"""The creditor upload page's door: a file a person uploads goes the batch door's way.

A small creditor without Kafka or REST logs in to the web app (ADR 0014) and uploads a
CSV or Excel file in the contract's column names. The upload becomes a delivery of the
batch door at once, in the request: it is entered in the delivery register (opaque id,
arrival order per schuldeiser: batch/register.py), the file (an Excel workbook first
turned into the contract's CSV, batch/excel.py) is put in the delivery's processing
folder and goes through the same steps as a file from the inbox (batch/delivery.py):
the whole file is validated by the same GX suite and decided by the same batch-file
rule; the valid rows of an accepted file are ingested (source "batch") and the folder
moves to processed/, a refused file moves to quarantine/ with nothing ingested. The
report is the batch door's (rapport.json: lines and checks, never values), shown on
screen.

The creditor is the one the login belongs to, never a field of the file: the batch
suite's `schuldeisers` parameter is that creditor, so a row naming another creditor is
invalid. Arrival order holds across the doors: while an earlier delivery of the same
creditor (an inbox file, another upload) is open, the upload is refused with
EERDERE_LEVERING_OPEN and nothing is registered. A creditor reads only its own
deliveries' reports (uploads and inbox files alike). Validation runs in the request's
process (one worker): the files of small creditors are small, and the page waits.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from batch import folders as fs
from batch import register
from batch.delivery import (
    archive_delivery,
    ingest_delivery,
    quarantine_delivery,
    validate_delivery,
)
from batch.excel import xlsx_to_csv
from batch.register import LeveringStatus
from batch.rule import Besluit
from vroegsignaal.accounts.principal import CreditorPrincipal
from vroegsignaal.audit.log import record
from vroegsignaal.config import Settings, get_settings
from vroegsignaal.dates import AMSTERDAM, utc
from vroegsignaal.errors import CodedRefusal, NotFound
from vroegsignaal.storage.db import session_scope
from vroegsignaal.storage.tables import BatchLevering

log = logging.getLogger(__name__)

SUFFIXES = (".csv", ".xlsx")
_LEVERING = re.compile(r"^L[0-9a-f]{16}$")  # batch.register.new_id
_STAGE = {
    LeveringStatus.VERWERKT.value: "processed",
    LeveringStatus.QUARANTAINE.value: "quarantine",
}
PURPOSE = "vroegsignalering.aanlevering"


class UploadRefused(CodedRefusal):
    """The upload is not a file the door takes now (`code`: which rule)."""

    code = "UPLOAD_GEWEIGERD"
    title = "Dit bestand kan niet worden aangeleverd"


@dataclass(frozen=True, slots=True)
class Upload:
    """One delivery: its register id, when it arrived, the decision ("innemen"/"quarantaine"),
    the report, and the intake counts of an accepted file."""

    run: str
    ontvangen_op: dt.datetime
    besluit: str
    rapport: dict[str, Any]
    ingelezen: dict[str, Any] | None = None


def _stem(filename: str) -> str:
    stem = fs.safe_name(Path(filename).stem)[:80].strip(".-") or "aanlevering"
    return stem


def _register(code: str, filename: str, size: int, now: dt.datetime, settings: Settings) -> str:
    """Enter the upload in the register and start it; refuses while an earlier delivery of
    the creditor is open (its arrival order), leaving nothing registered."""
    with session_scope(settings.database_url) as session:
        if register.next_of(session, code) is not None:
            raise UploadRefused(
                "een eerdere levering van uw organisatie wordt nog verwerkt; probeer het zo"
                " opnieuw", code="EERDERE_LEVERING_OPEN")
        row = BatchLevering(
            id=register.new_id(), schuldeiser=code, bestandsnaam=f"{_stem(filename)}.csv",
            grootte=size, gewijzigd_ns=time.time_ns(),
            ontvangen_op=now.astimezone(AMSTERDAM).date(),
            status=LeveringStatus.WACHTEND.value, aangemeld_op=now)
        session.add(row)
        session.commit()
        try:
            register.start(session, row.id)
        except register.NotNextInLine:  # another upload of the creditor won the race
            session.delete(row)
            session.commit()
            raise UploadRefused("een eerdere levering van uw organisatie wordt nog verwerkt",
                                code="EERDERE_LEVERING_OPEN") from None
        return row.id


def receive(
    data: bytes, filename: str, *, creditor: CreditorPrincipal, now: dt.datetime,
    settings: Settings | None = None,
) -> Upload:
    """Validate the uploaded file and ingest its valid rows when the rule accepts it.

    Raises UploadRefused (type "BESTANDSTYPE", size "TE_GROOT", empty "LEEG", an earlier
    delivery still open "EERDERE_LEVERING_OPEN"), WorkbookUnreadable (a broken .xlsx).
    """
    settings = settings or get_settings()
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise UploadRefused("alleen .csv of .xlsx", code="BESTANDSTYPE")
    if len(data) > settings.upload_max_bytes:
        raise UploadRefused(f"groter dan {settings.upload_max_bytes} bytes", code="TE_GROOT")
    if not data:
        raise UploadRefused("het bestand is leeg", code="LEEG")
    one_process = settings.model_copy(update={"batch_workers": 1})
    folders = fs.BatchFolders.from_settings(one_process)
    code = creditor.schuldeiser
    levering = _register(code, filename, len(data), now, one_process)
    folder = fs.run_dir(folders, "processing", code, levering)
    folder.mkdir(parents=True)
    target = folder / f"{_stem(filename)}.csv"
    if suffix == ".xlsx":
        xlsx_to_csv(data, target)
    else:
        target.write_bytes(data)
    summary = validate_delivery(levering, settings=one_process)
    ingested = None
    if summary["besluit"] == Besluit.INNEMEN.value:
        ingested = ingest_delivery(levering, settings=one_process)
        final = archive_delivery(levering, settings=one_process)
        (folders.work / final / "ingelezen.json").write_text(
            json.dumps(ingested) + "\n", encoding="utf-8")
    else:
        quarantine_delivery(levering, settings=one_process)
    log.info("upload levering=%s schuldeiser=%s decision=%s rows=%s", levering, code,
             summary["besluit"], summary["regels"])
    return read(creditor, levering, settings=settings)


def audit_upload(session: Any, creditor: CreditorPrincipal, upload: Upload) -> None:
    """Log the upload in the audit trail (counts and the decision; committed)."""
    record(session, creditor, actie="aanlevering.uploaden", doel=PURPOSE, resultaat="ok",
           details={"run": upload.run, "besluit": upload.besluit,
                    "regels": upload.rapport.get("regels"),
                    "ongeldige_regels": upload.rapport.get("ongeldige_regels"),
                    "gebruiker_id": creditor.gebruiker_id})
    session.commit()


def _upload(row: BatchLevering, folders: fs.BatchFolders) -> Upload | None:
    folder = fs.run_dir(folders, _STAGE.get(row.status, "processing"), row.schuldeiser, row.id)
    report_file = folder / "rapport.json"
    if row.status not in _STAGE or not report_file.is_file():
        return None
    report = json.loads(report_file.read_text(encoding="utf-8"))
    ingested_file = folder / "ingelezen.json"
    ingested = (json.loads(ingested_file.read_text(encoding="utf-8"))
                if ingested_file.is_file() else None)
    return Upload(row.id, utc(row.aangemeld_op), report["besluit"], report, ingested)


def read(creditor: CreditorPrincipal, run: str, *, settings: Settings | None = None) -> Upload:
    """One of the creditor's own finished deliveries (`run`: its register id); NotFound
    for another creditor's, an unknown or an unfinished one."""
    settings = settings or get_settings()
    if not _LEVERING.fullmatch(run):
        raise NotFound("aanlevering niet gevonden")
    with session_scope(settings.database_url) as session:
        # Asked by id and owner at once: another creditor's delivery is simply not found.
        row = session.scalars(
            select(BatchLevering).where(BatchLevering.id == run,
                                        BatchLevering.schuldeiser == creditor.schuldeiser)
        ).one_or_none()
        found = _upload(row, fs.BatchFolders.from_settings(settings)) if row else None
    if found is None:
        raise NotFound("aanlevering niet gevonden")
    return found


def recent(
    creditor: CreditorPrincipal, *, limit: int = 10, settings: Settings | None = None
) -> list[Upload]:
    """The creditor's latest finished deliveries (uploads and inbox files), newest first."""
    settings = settings or get_settings()
    folders = fs.BatchFolders.from_settings(settings)
    with session_scope(settings.database_url) as session:
        rows = session.scalars(
            select(BatchLevering)
            .where(BatchLevering.schuldeiser == creditor.schuldeiser,
                   BatchLevering.status.in_(list(_STAGE)))
            .order_by(BatchLevering.aangemeld_op.desc(), BatchLevering.id)
            .limit(limit)
        ).all()
        found = [_upload(row, folders) for row in rows]
    return [u for u in found if u is not None]
