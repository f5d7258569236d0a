# SPDX-License-Identifier: EUPL-1.2
"""The creditor's pages: upload a file (batch/upload.py, the batch door's validation and
intake), read its report, see the coarse status of its own signals and download them as
CSV. Only for a creditor's web account (ADR 0014); every page shows only that creditor's
own uploads and signals, and never a value from a file or anything about a resident."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from api.deps import SessionDep, SettingsDep
from api.web.deps import CreditorUser, CurrentViewer
from api.web.templating import page
from batch import upload
from vroegsignaal import feedback
from vroegsignaal.accounts.principal import CreditorPrincipal
from vroegsignaal.config import Settings
from vroegsignaal.dates import utc_now
from vroegsignaal.errors import VroegsignaalError
from vroegsignaal.storage.db import session_factory
from vroegsignaal.storage.tables import SchuldeiserOrganisatie

router = APIRouter(include_in_schema=False)
MULTIPART_OVERHEAD = 64_000


class UploadTooLarge(VroegsignaalError):
    code = "TE_GROOT"
    title = "Het bestand is te groot"


def limit_upload(request: Request, s: SettingsDep) -> None:
    """Refuse a body larger than the upload limit before anything reads it."""
    length = request.headers.get("content-length", "")
    if not length.isdigit() or int(length) > s.upload_max_bytes + MULTIPART_OVERHEAD:
        raise UploadTooLarge()


def _home(
    request: Request, viewer: CurrentViewer, creditor: CreditorUser, db: SessionDep,
    s: Settings, *, voor: int | None, fout: str | None = None, status_code: int = 200,
) -> Response:
    signals, next_key = feedback.own_signals(db, creditor, before=voor, limit=25)
    organisation = db.get(SchuldeiserOrganisatie, creditor.schuldeiser)
    return page(request, "schuldeiser/start.html", {
        "viewer": viewer, "theme": viewer.theme, "nav": "schuldeiser",
        "organisatie": organisation, "signalen": signals, "volgende": next_key,
        "eerste_pagina": voor is None, "tellingen": feedback.own_status_counts(db, creditor),
        "aanleveringen": upload.recent(creditor, settings=s), "fout": fout,
        "max_mb": s.upload_max_bytes // 1_000_000,
    }, status_code=status_code, fragment="signalen" if voor is not None else None)


@router.get("/schuldeiser")
def creditor_home(
    request: Request, viewer: CurrentViewer, creditor: CreditorUser, db: SessionDep,
    s: SettingsDep, voor: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    return _home(request, viewer, creditor, db, s, voor=voor)


@router.post("/schuldeiser/aanleveren", dependencies=[Depends(limit_upload)])
def creditor_upload(
    request: Request, viewer: CurrentViewer, creditor: CreditorUser, db: SessionDep,
    s: SettingsDep, bestand: Annotated[UploadFile | None, File()] = None,
) -> Response:
    if bestand is None or not bestand.filename:
        return _home(request, viewer, creditor, db, s, voor=None, fout="GEEN_BESTAND",
                     status_code=400)
    data = bestand.file.read(s.upload_max_bytes + 1)
    try:
        received = upload.receive(data, bestand.filename, creditor=creditor, now=utc_now(),
                                  settings=s)
    except VroegsignaalError as exc:
        return _home(request, viewer, creditor, db, s, voor=None, fout=exc.code,
                     status_code=422)
    upload.audit_upload(db, creditor, received)
    return RedirectResponse(f"/schuldeiser/aanleveringen/{received.run}", status_code=303)


@router.get("/schuldeiser/aanleveringen/{run}")
def upload_report(
    request: Request, viewer: CurrentViewer, creditor: CreditorUser, s: SettingsDep, run: str,
) -> Response:
    received = upload.read(creditor, run, settings=s)
    told = feedback.told_counts(received.ingelezen["per_reden"]) if received.ingelezen else {}
    return page(request, "schuldeiser/rapport.html", {
        "viewer": viewer, "theme": viewer.theme, "nav": "schuldeiser",
        "aanlevering": received, "rapport": received.rapport, "terugkoppeling": told,
    })


def _csv_rows(rows: Iterator[feedback.SignalStatus]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["signaalId", "signaaldatum", "ontvangenOp", "status"])
    for row in rows:
        writer.writerow([row.signaal_id, row.signaaldatum.isoformat(),
                         row.ontvangen_op.isoformat(), row.status.value])
        if out.tell() > 64_000:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _export(creditor: CreditorPrincipal, database_url: str) -> Iterator[str]:
    # Its own database session: the request's closes before a streamed body is sent.
    db = session_factory(database_url)()
    try:
        yield from _csv_rows(feedback.export_own_signals(db, creditor))
    finally:
        db.close()


@router.get("/schuldeiser/signalen.csv")
def creditor_export(creditor: CreditorUser, s: SettingsDep) -> Response:
    name = f"signalen-{creditor.schuldeiser}-{utc_now():%Y%m%d}.csv"
    return StreamingResponse(
        _export(creditor, s.database_url), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"',
                 "Cache-Control": "no-store"})
