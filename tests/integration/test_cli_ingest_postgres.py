# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal ingest` on PostgreSQL uses the worker count the batch door uses
(`Settings.file_workers`: VROEGSIGNAAL_BATCH_WORKERS, 2) and stores what one process stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner

from cli import app
from tests.factories import signaal
from vroegsignaal.config import get_settings
from vroegsignaal.contract.io import write_jsonl
from vroegsignaal.storage.tables import IntakeWeigering, Signaal

pytestmark = pytest.mark.integration


def _stored(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = tuple(
            conn.scalar(select(func.count()).select_from(m)) or 0
            for m in (Signaal, IntakeWeigering)
        )
    engine.dispose()
    return counts  # type: ignore[return-value]


@pytest.mark.parametrize("workers", [None, "1"])
def test_ingest_with_the_default_workers_stores_what_one_process_stores(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str | None
) -> None:
    records = [
        signaal(signaalId=f"C-{i}", klantreferentie=f"KC-{i}", client__huisnummer=str(i + 1))
        for i in range(300)
    ]
    records[5]["bedrag"] = "veel"  # one refusal, in whichever worker its address lands
    write_jsonl(tmp_path / "s.jsonl", records)
    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", pg_url)
    get_settings.cache_clear()
    args = ["ingest", str(tmp_path / "s.jsonl"), "--ontvangen-op", "2026-03-12",
            "--zonder-bestandscontrole"]
    result = CliRunner().invoke(app, args + (["--workers", workers] if workers else []))
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "(2 processen)" in result.output if workers is None else "processen" not in result.output
    assert "Ontvangen: 300" in result.output
    assert _stored(pg_url) == (299, 1)
