# SPDX-License-Identifier: EUPL-1.2
"""The four doors as tests use them: the same input through REST, the command line (file
door), the batch door (inbox, GX validation, the file rule) and Kafka, each into its own
database, and what each told and stored (issue 9: identical outcomes at every door)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from vroegsignaal.config import Settings, get_settings
from vroegsignaal.dates import today

# Every creditor of the field cases and the corpus has a key; the same key for all, so a
# test names the creditor it speaks for.
CREDITORS = ("WBV-VELD", "EN-VELD", "WBV-DE-LINIE", "WBV-TEST", "EN-TEST")
API_KEYS = {c: f"sleutel-{c.lower()}" for c in CREDITORS}
_REGISTERED: set[str] = set()


def env(monkeypatch: pytest.MonkeyPatch, url: str, tmp_path: Path, **extra: str) -> Settings:
    """Settings for `url`, batch folders under `tmp_path`; every creditor registered in the
    database with its API key (once per database)."""
    from tests.accounts import register_creditor

    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", url)
    if url not in _REGISTERED:
        for creditor, key in API_KEYS.items():
            register_creditor(url, creditor, key=key)
        _REGISTERED.add(url)
    monkeypatch.setenv("VROEGSIGNAAL_BATCH_INBOX", str(tmp_path / "inbox"))
    monkeypatch.setenv("VROEGSIGNAAL_BATCH_WORK_DIR", str(tmp_path / "work"))
    monkeypatch.setenv("VROEGSIGNAAL_BATCH_WORKERS", "1")
    for key, value in extra.items():
        monkeypatch.setenv(f"VROEGSIGNAAL_{key.upper()}", value)
    get_settings.cache_clear()
    return get_settings()


@contextmanager
def rest_client() -> Iterator[TestClient]:
    from api.main import app

    with TestClient(app) as client:
        yield client


def post(client: TestClient, creditor: str, body: bytes) -> Any:
    return client.post("/api/v1/signalen", content=body,
                       headers={"X-Api-Key": API_KEYS[creditor],
                                "Content-Type": "application/json"})


def status_of(client: TestClient, creditor: str, signaal_id: str) -> str | None:
    res = client.get(f"/api/v1/signalen/{signaal_id}/status",
                     headers={"X-Api-Key": API_KEYS[creditor]})
    return res.json()["status"] if res.status_code == 200 else None


@dataclass
class CliRun:
    exit_code: int
    output: str


def ingest_cli(path: Path, received: dt.date | None = None) -> CliRun:
    """`vroegsignaal ingest FILE` in this process (the settings come from the env)."""
    from cli import app

    result = CliRunner().invoke(
        app, ["ingest", str(path), "--ontvangen-op", (received or today()).isoformat(),
              "--workers", "1", "--zonder-bestandscontrole"],
        env={"COLUMNS": "200"},
    )
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return CliRun(result.exit_code, result.output)


@dataclass
class BatchRun:
    decision: dict[str, Any]
    ingested: dict[str, Any] | None
    report: dict[str, Any]
    report_text: str
    folder: Path


def deliver(settings: Settings, creditor: str, source: Path | bytes, name: str,
            received: dt.date | None = None) -> BatchRun:
    """The batch door's steps as the DAG runs them: claim, validate, then ingest and archive
    or quarantine."""
    from batch.delivery import (
        archive_delivery,
        claim_delivery,
        ingest_delivery,
        quarantine_delivery,
        register_inbox,
        validate_delivery,
    )

    folder = Path(settings.batch_inbox) / creditor
    folder.mkdir(parents=True, exist_ok=True)
    Path(settings.batch_work_dir).mkdir(parents=True, exist_ok=True)
    data = source if isinstance(source, bytes) else source.read_bytes()
    (folder / name).write_bytes(data)
    settings = settings.model_copy(update={"batch_min_file_age_seconds": 0})
    (levering,) = register_inbox(settings)
    claim_delivery(levering, settings=settings)
    decision = validate_delivery(levering, settings=settings)
    ingested = None
    if decision["besluit"] == "innemen":
        ingested = ingest_delivery(levering, ontvangen_op=received or today(),
                                   settings=settings)
        moved = archive_delivery(levering, settings=settings)
    else:
        moved = quarantine_delivery(levering, settings=settings)
    report_dir = Path(settings.batch_work_dir) / moved
    return BatchRun(decision, ingested, json.loads((report_dir / "rapport.json").read_text()),
                    (report_dir / "rapport.md").read_text(), report_dir)


@dataclass
class KafkaRun:
    feedback: list[dict[str, Any]]
    dead_letters: list[Any]


def through_kafka(url: str, bootstrap: str, values: Sequence[bytes]) -> KafkaRun:
    """Each value a record on a fresh one-partition intake topic, signed by the creditor it
    names, consumed by the real consumer into `url`; the feedback and dead letters it
    published."""
    from tests.integration.streaming.streaming_helpers import (
        SENDER_KEYS,
        ConsumerThread,
        Progress,
        new_settings,
        produce,
        read_all,
        wait_until,
    )

    # Each creditor signs its records with its own key (ADR 0017), as `produce` does.
    settings = new_settings(bootstrap, partitions=1, sender_keys=SENDER_KEYS)
    produce(settings, [(b"GM0344", v) for v in values])
    with ConsumerThread(settings, url), Progress(settings) as progress:
        wait_until(lambda: progress.committed() >= len(values), timeout=120,
                   what="all offsets committed")
    feedback = [orjson.loads(r.value) for r in read_all(settings, settings.feedback_topic)]
    return KafkaRun(feedback, read_all(settings, settings.dead_letter_topic))


def rows(url: str, sql: str) -> list[dict[str, Any]]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as c:
            return [dict(r) for r in c.execute(sa.text(sql)).mappings()]
    finally:
        engine.dispose()


def refusals(url: str) -> dict[tuple[str | None, str | None], tuple[str, list[Any]]]:
    """Refusal rows by (schuldeiser, signaalId): reason and details."""
    return {(r["schuldeiser"], r["signaal_id"]): (r["reden"], r["details"])
            for r in rows(url, "SELECT schuldeiser, signaal_id, reden, details "
                               "FROM intake_weigering")}


def signals(url: str) -> dict[tuple[str, str], dict[str, Any]]:
    """Stored signals by (schuldeiser, signaalId), without what names the door."""
    return {(r["schuldeiser"], r["signaal_id"]): {k: v for k, v in r.items() if k not in (
                "id", "batch_id", "bron", "zaak_id", "identificatie", "ontvangen_op",
                "bewaren_tot")}
            for r in rows(url, "SELECT * FROM signaal")}
