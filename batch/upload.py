# SPDX-License-Identifier: EUPL-1.2
"""The creditor upload page's door: a file a person uploads goes the batch door's way.

A small creditor without Kafka or REST logs in to the web app (ADR 0014) and uploads a
CSV or Excel file in the contract's column names. The upload becomes a run of the batch
door at once, in the request: the file (an Excel workbook first turned into the
contract's CSV, batch/excel.py) is put in the run's processing folder and goes through
the same steps as a file from the inbox (batch/delivery.py): the whole file is validated
by the same GX suite and decided by the same batch-file rule; the valid rows of an
accepted file are ingested (source "batch") and the run moves to processed/, a refused
file moves to quarantine/ with nothing ingested. The report is the batch door's
(rapport.json: lines and checks, never values), shown on screen.

The creditor is the one the login belongs to, never a field of the file: the batch
suite's `schuldeisers` parameter is that creditor, so a row naming another creditor is
invalid. Runs are named `upload__<schuldeiser>__<time>-<random>`; a creditor reads only
its own runs' reports. Validation runs in the request's process (one worker): the files
of small creditors are small, and the page waits for the answer.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from batch import folders as fs
from batch.delivery import check_file, ingest_checked_file
from batch.excel import xlsx_to_csv
from batch.rule import Besluit
from vroegsignaal.accounts.principal import CreditorPrincipal
from vroegsignaal.audit.log import record
from vroegsignaal.config import Settings, get_settings
from vroegsignaal.dates import AMSTERDAM
from vroegsignaal.errors import CodedRefusal, NotFound

log = logging.getLogger(__name__)

SUFFIXES = (".csv", ".xlsx")
RUN_PREFIX = "upload__"
_RUN = re.compile(r"^upload__[A-Za-z0-9_.-]{1,64}__\d{8}T\d{6}-[0-9a-f]{8}$")
PURPOSE = "vroegsignalering.aanlevering"


class UploadRefused(CodedRefusal):
    """The upload is not a file the door takes (`code`: which rule)."""

    code = "UPLOAD_GEWEIGERD"
    title = "Dit bestand kan niet worden aangeleverd"


@dataclass(frozen=True, slots=True)
class Upload:
    """One upload run: its name, when, the decision ("innemen"/"quarantaine"), the report."""

    run: str
    ontvangen_op: dt.datetime
    besluit: str
    rapport: dict[str, Any]
    ingelezen: dict[str, Any] | None = None


def _stem(filename: str) -> str:
    stem = fs.safe_name(Path(filename).stem)[:80].strip(".-") or "aanlevering"
    return stem


def receive(
    data: bytes, filename: str, *, creditor: CreditorPrincipal, now: dt.datetime,
    settings: Settings | None = None,
) -> Upload:
    """Validate the uploaded file and ingest its valid rows when the rule accepts it.

    Raises UploadRefused (type "BESTANDSTYPE", size "TE_GROOT", empty "LEEG"),
    WorkbookUnreadable (a broken .xlsx).
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
    run = f"{RUN_PREFIX}{fs.safe_name(code)}__{now:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"
    folder = fs.run_dir(folders, "processing", code, run)
    folder.mkdir(parents=True)
    target = folder / f"{_stem(filename)}.csv"
    if suffix == ".xlsx":
        xlsx_to_csv(data, target)
    else:
        target.write_bytes(data)
    summary = check_file(target, schuldeiser=code, run=run, report_dir=folder,
                         settings=one_process)
    ingested = None
    if summary["besluit"] == Besluit.INNEMEN.value:
        ingested = ingest_checked_file(target, report_dir=folder, run=run,
                                       ontvangen_op=now.astimezone(AMSTERDAM).date(),
                                       settings=one_process)
        final = fs.finish(folders, target, "processed")
    else:
        final = fs.finish(folders, target, "quarantine")
    if ingested is not None:
        (final.parent / "ingelezen.json").write_text(json.dumps(ingested) + "\n",
                                                     encoding="utf-8")
    log.info("upload run=%s schuldeiser=%s decision=%s rows=%s", run, code,
             summary["besluit"], summary["regels"])
    return read(creditor, run, settings=settings)


def audit_upload(session: Any, creditor: CreditorPrincipal, upload: Upload) -> None:
    """Log the upload in the audit trail (counts and the decision; committed)."""
    record(session, creditor, actie="aanlevering.uploaden", doel=PURPOSE, resultaat="ok",
           details={"run": upload.run, "besluit": upload.besluit,
                    "regels": upload.rapport.get("regels"),
                    "ongeldige_regels": upload.rapport.get("ongeldige_regels"),
                    "gebruiker_id": creditor.gebruiker_id})
    session.commit()


def _run_folder(folders: fs.BatchFolders, code: str, run: str) -> Path | None:
    for stage in ("processed", "quarantine"):
        folder = fs.run_dir(folders, stage, code, run)
        if (folder / "rapport.json").is_file():
            return folder
    return None


def read(creditor: CreditorPrincipal, run: str, *, settings: Settings | None = None) -> Upload:
    """One of the creditor's own upload runs; NotFound for another's or an unknown one."""
    if not _RUN.fullmatch(run) or not run.startswith(
        f"{RUN_PREFIX}{fs.safe_name(creditor.schuldeiser)}__"
    ):
        raise NotFound("aanlevering niet gevonden")
    folders = fs.BatchFolders.from_settings(settings)
    folder = _run_folder(folders, creditor.schuldeiser, run)
    if folder is None:
        raise NotFound("aanlevering niet gevonden")
    report = json.loads((folder / "rapport.json").read_text(encoding="utf-8"))
    ingested_file = folder / "ingelezen.json"
    ingested = (json.loads(ingested_file.read_text(encoding="utf-8"))
                if ingested_file.is_file() else None)
    stamp = run.rsplit("__", 1)[1].split("-")[0]
    received = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S").replace(tzinfo=dt.UTC)
    return Upload(run, received, report["besluit"], report, ingested)


def recent(
    creditor: CreditorPrincipal, *, limit: int = 10, settings: Settings | None = None
) -> list[Upload]:
    """The creditor's latest upload runs, newest first."""
    folders = fs.BatchFolders.from_settings(settings)
    prefix = f"{RUN_PREFIX}{fs.safe_name(creditor.schuldeiser)}__"
    runs: set[str] = set()
    for stage in ("processed", "quarantine"):
        base = folders.work / stage / creditor.schuldeiser
        if base.is_dir():
            runs.update(p.name for p in base.iterdir() if p.name.startswith(prefix))
    newest = sorted(runs, key=lambda r: r.rsplit("__", 1)[1], reverse=True)[:limit]
    return [read(creditor, r, settings=settings) for r in newest if _RUN.fullmatch(r)]
