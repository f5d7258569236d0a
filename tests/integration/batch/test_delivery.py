# SPDX-License-Identifier: EUPL-1.2
"""The batch door's steps without Airflow, on PostgreSQL: what the rule decides, what the
report says, and that parallel validation finds exactly what one process finds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from batch.delivery import (
    QuarantinedFile,
    claim_delivery,
    ingest_delivery,
    quarantine_delivery,
    register_inbox,
    validate_delivery,
)
from batch.validation import validate_file
from models.training_data import COLUMNS as EXTRACTED_COLUMNS
from tests.factories import signaal
from vroegsignaal.config import Settings, get_settings
from vroegsignaal.contract.io import write_csv
from vroegsignaal.storage.db import session_factory
from vroegsignaal.storage.tables import IntakeWeigering, Signaal

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    for folder in ("inbox", "work"):
        (tmp_path / folder).mkdir()
    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", pg_url)
    monkeypatch.setenv("VROEGSIGNAAL_BATCH_INBOX", str(tmp_path / "inbox"))
    monkeypatch.setenv("VROEGSIGNAAL_BATCH_WORK_DIR", str(tmp_path / "work"))
    monkeypatch.setenv("VROEGSIGNAAL_BATCH_WORKERS", "1")
    monkeypatch.setenv("VROEGSIGNAAL_BATCH_MIN_FILE_AGE_SECONDS", "0")
    monkeypatch.setenv("VROEGSIGNAAL_MODEL_DIR", str(tmp_path / "models"))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def _deliver(settings: Settings, name: str, records: list[dict[str, Any]]) -> str:
    """Delivered, registered and claimed; the delivery id."""
    folder = Path(settings.batch_inbox) / "WBV-TEST"
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / name, records)
    (levering,) = register_inbox(settings)
    claim_delivery(levering, settings=settings)
    return levering


def _claimed(settings: Settings, levering: str, name: str) -> Path:
    return Path(settings.batch_work_dir) / "processing" / "WBV-TEST" / levering / name


def _signals(n: int) -> list[dict[str, Any]]:
    return [
        signaal(signaalId=f"D-{i}", klantreferentie=f"KD-{i}", client__huisnummer=str(i + 1))
        for i in range(n)
    ]


def test_a_row_for_another_schuldeiser_quarantines_the_file_whatever_the_share(
    settings: Settings,
) -> None:
    records = _signals(300)
    records[100]["schuldeiser"] = "EN-ANDER"  # 1 of 300: within the 1%, but fatal
    levering = _deliver(settings, "gemengd.csv", records)
    summary = validate_delivery(levering, settings=settings)
    assert (summary["besluit"], summary["grond"]) == ("quarantaine", "FATALE_CONTROLE")
    assert summary["fatale_controles"] == ["SCHULDEISER_VAN_AANLEVERMAP"]
    with pytest.raises(QuarantinedFile):
        ingest_delivery(levering, ontvangen_op=_day(), settings=settings)
    moved = Path(settings.batch_work_dir) / quarantine_delivery(levering, settings=settings)
    report = json.loads((moved / "rapport.json").read_text())
    assert report["bevindingen"][0]["regels"] == [102]
    assert "EN-ANDER" not in (moved / "rapport.md").read_text()


def _day() -> Any:
    import datetime as dt

    return dt.date(2026, 3, 12)


def test_unreadable_lines_and_unknown_columns(settings: Settings, pg_url: str) -> None:
    records = _signals(200)
    records[3]["bsn"] = "123456782"  # outside the data set: a warning, dropped and counted
    levering = _deliver(settings, "kolommen.csv", records)
    path = _claimed(settings, levering, "kolommen.csv")
    lines = path.read_text().splitlines()
    lines.insert(50, "dit,is,geen,geldige,regel")  # line 51: wrong number of fields
    path.write_text("\n".join(lines) + "\n")
    summary = validate_delivery(levering, settings=settings)
    assert summary["besluit"] == "innemen" and summary["ongeldige_regels"] == 1
    assert summary["niet_gehaald"]["REGEL_LEESBAAR"] == 1
    report = json.loads((path.parent / "rapport.json").read_text())
    warning = next(b for b in report["bevindingen"] if b["code"] == "ALLEEN_TOEGESTANE_KOLOMMEN")
    assert warning["ernst"] == "warning" and warning["details"]["onverwachte_kolommen"] == ["bsn"]
    totals = ingest_delivery(levering, ontvangen_op=_day(), settings=settings)
    assert totals["per_reden"] == {"OPGEPAKT": 200, "ONGELDIG_BERICHT": 1}
    assert totals["verwijderde_velden"] == {"bsn": 1}
    with session_factory(pg_url)() as session:
        refusal = session.scalars(select(IntakeWeigering)).one()
        # Refused by intake with the reader's own code, as at every door (issue 9: one
        # definition); the report named the same line under REGEL_LEESBAAR.
        assert (refusal.positie, refusal.details) == (51, [{"fout": "ONGELDIGE_CSV_RIJ"}])
        # An unreadable line has no ids of its own: the delivering folder names its schuldeiser.
        assert (refusal.schuldeiser, refusal.signaal_id) == ("WBV-TEST", None)
    again = ingest_delivery(levering, ontvangen_op=_day(), settings=settings)
    assert again["per_reden"] == {"DUPLICAAT": 200, "ONGELDIG_BERICHT": 1}, "a retry is a replay"
    with session_factory(pg_url)() as session:
        assert session.scalar(select(func.count()).select_from(Signaal)) == 200


def test_parallel_validation_finds_what_one_process_finds(
    tmp_path: Path, settings: Settings
) -> None:
    records = _signals(230)
    for i in (3, 77, 150, 229):
        records[i]["client"]["postcode"] = "0000 XX"
    records[120]["bedrag"] = -1
    path = tmp_path / "groot.csv"
    write_csv(path, records)
    args: dict[str, Any] = {
        "suite": "batch_intake_signalen",
        "parameters": {"schuldeisers": ["WBV-TEST"]},
        "chunk_rows": 40,
    }
    one = validate_file(path, workers=1, **args)
    two = validate_file(path, workers=2, **args)
    assert one.rows == two.rows == 230
    assert one.invalid_lines() == two.invalid_lines()
    assert sorted(one.invalid_lines()) == [5, 79, 122, 152, 231]
    assert {f.code: (f.success, f.checked, f.failed) for f in one.findings} == {
        f.code: (f.success, f.checked, f.failed) for f in two.findings
    }


def test_extraction_writes_the_models_training_format() -> None:
    from models.data import COLUMNS

    assert set(EXTRACTED_COLUMNS) <= set(COLUMNS)
    assert set(COLUMNS) - set(EXTRACTED_COLUMNS) == {"p_waar"}  # synthetic truth only
