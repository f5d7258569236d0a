# SPDX-License-Identifier: EUPL-1.2
"""The upload page's door (batch/upload.py) on SQLite and PostgreSQL: an uploaded file is
a batch run (same suite, same rule, same report), the creditor is the login's, another
creditor's rows are invalid, reports are readable only by their own creditor, and what
the creditor reads of the intake is the coarse status only."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from batch import register, upload
from batch.folders import Delivery
from batch.upload import UploadRefused
from tests.factories import signaal
from vroegsignaal import feedback
from vroegsignaal.accounts.principal import CreditorPrincipal
from vroegsignaal.config import Settings, get_settings
from vroegsignaal.contract.enums import Signaalstatus
from vroegsignaal.contract.io import write_csv
from vroegsignaal.storage.db import session_scope
from vroegsignaal.storage.tables import BatchLevering, Signaal

NOW = dt.datetime(2026, 3, 11, 9, tzinfo=dt.UTC)
MINE = CreditorPrincipal("WBV-KLEIN", gebruiker_id=5)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return get_settings().model_copy(update={
        "database_url": db_url, "batch_work_dir": str(tmp_path / "batch"),
        "batch_inbox": str(tmp_path / "batch" / "inbox")})


def _csv(tmp_path: Path, rows: list[dict[str, object]]) -> bytes:
    path = tmp_path / "upload.csv"
    write_csv(path, rows)
    return path.read_bytes()


def test_a_valid_file_is_ingested_and_its_report_read_back(
    settings: Settings, tmp_path: Path, db_url: str
) -> None:
    rows = [signaal(schuldeiser="WBV-KLEIN") for _ in range(3)]

    done = upload.receive(_csv(tmp_path, rows), "maart.csv", creditor=MINE, now=NOW,
                          settings=settings)

    assert done.besluit == "innemen" and done.rapport["regels"] == 3
    assert done.ingelezen is not None and done.ingelezen["ontvangen"] == 3
    assert re.fullmatch(r"L[0-9a-f]{16}", done.run)  # the register's opaque id
    assert done.ontvangen_op == NOW
    assert [u.run for u in upload.recent(MINE, settings=settings)] == [done.run]
    with session_scope(db_url) as session:
        stored = session.scalar(select(func.count()).select_from(Signaal)
                                .where(Signaal.schuldeiser == "WBV-KLEIN"))
        page, _ = feedback.own_signals(session, MINE)
    assert stored == 3
    assert {s.signaal_id for s in page} == {r["signaalId"] for r in rows}


def test_another_creditors_row_is_invalid_and_a_bad_file_ingests_nothing(
    settings: Settings, tmp_path: Path, db_url: str
) -> None:
    rows = [signaal(schuldeiser="WBV-KLEIN"), signaal(schuldeiser="ANDERE-WBV")]

    done = upload.receive(_csv(tmp_path, rows), "gemengd.csv", creditor=MINE, now=NOW,
                          settings=settings)

    assert done.besluit == "quarantaine" and done.ingelezen is None
    failed = {b["code"]: b for b in done.rapport["bevindingen"]}
    assert "SCHULDEISER_VAN_AANLEVERMAP" in failed
    assert "ANDERE-WBV" not in json.dumps(done.rapport)  # no value from the file
    with session_scope(db_url) as session:
        assert session.scalar(select(func.count()).select_from(Signaal)) == 0


def test_reports_are_read_only_by_their_own_creditor(settings: Settings, tmp_path: Path) -> None:
    done = upload.receive(_csv(tmp_path, [signaal(schuldeiser="WBV-KLEIN")]), "a.csv",
                          creditor=MINE, now=NOW, settings=settings)
    other = CreditorPrincipal("ANDERE-WBV")

    with pytest.raises(upload.NotFound):
        upload.read(other, done.run, settings=settings)
    with pytest.raises(upload.NotFound):
        upload.read(MINE, "../../etc", settings=settings)
    assert upload.recent(other, settings=settings) == []


def test_an_upload_waits_for_the_creditors_earlier_open_delivery(
    settings: Settings, tmp_path: Path, db_url: str
) -> None:
    """Arrival order across the doors: an inbox file of the creditor not yet finished holds
    the upload back (refused, nothing registered, nothing ingested)."""
    with session_scope(db_url) as session:
        register.register(session, [Delivery(
            "WBV-KLEIN", tmp_path / "inbox.csv", 10, 1)])
    with pytest.raises(UploadRefused) as refused:
        upload.receive(_csv(tmp_path, [signaal(schuldeiser="WBV-KLEIN")]), "a.csv",
                       creditor=MINE, now=NOW, settings=settings)
    assert refused.value.code == "EERDERE_LEVERING_OPEN"
    with session_scope(db_url) as session:
        assert session.scalar(select(func.count()).select_from(BatchLevering)) == 1
        assert session.scalar(select(func.count()).select_from(Signaal)) == 0
    assert upload.recent(MINE, settings=settings) == []


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [(b"x", "a.txt", "BESTANDSTYPE"), (b"", "a.csv", "LEEG"),
     (b"x" * 2_000_001, "a.csv", "TE_GROOT")],
)
def test_what_the_door_does_not_take(
    settings: Settings, data: bytes, name: str, code: str
) -> None:
    small = settings.model_copy(update={"upload_max_bytes": 2_000_000})
    with pytest.raises(UploadRefused) as refused:
        upload.receive(data, name, creditor=MINE, now=NOW, settings=small)
    assert refused.value.code == code


def test_the_creditor_reads_intake_counts_as_coarse_statuses() -> None:
    counts = feedback.told_counts({"OPGEPAKT": 3, "OVERLEDEN": 1, "NIET_INGESCHREVEN": 2,
                                   "DUPLICAAT": 4, "ANDERE_SCHULDEISER": 1})
    assert counts == {Signaalstatus.OPGEPAKT: 3,
                      Signaalstatus.NIET_OPGEPAKT_ANDERE_REDEN: 3}
