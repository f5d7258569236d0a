# SPDX-License-Identifier: EUPL-1.2
"""retention_purge end to end with dag.test() on PostgreSQL and Kafka, for a peildatum given
as the run parameter: a real run before any dry run closes and deletes nothing; the dry
run shows what would happen (closings and deletions, counts only) and changes nothing; the
real run closes the zaak that reached its maximum age, tells its creditor on the feedback
topic, removes exactly the expired records (its log proves it) and reports what a ground
kept."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from kafka import KafkaConsumer
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from tests.dags.conftest import run_dag
from tests.integration.batch.scenarios import build_retention_scenario
from vroegsignaal.storage.tables import (
    AuditLog,
    Signaal,
    Terugkoppeling,
    VerwijderLog,
    Zaak,
)

pytestmark = pytest.mark.integration
PEILDATUM = "2026-10-01"  # a run parameter: the scheduler never starts future logical dates
NOT_TAKEN_UP = "Niet opgepakt: andere reden"


def _logged(session: Session, run_id: str) -> dict[str, set[Any]]:
    out: dict[str, set[Any]] = {}
    for row in session.scalars(select(VerwijderLog).where(VerwijderLog.run_id == run_id)):
        out.setdefault(row.tabel, set()).update(row.ids)
    return out


@pytest.fixture
def feedback_topic(kafka_bootstrap: str, new_kafka_topic: Any) -> Iterator[str]:
    """The tasks send creditor feedback to a topic of their own on the test broker."""
    topic = new_kafka_topic()
    values = {"VROEGSIGNAAL_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
              "VROEGSIGNAAL_KAFKA_FEEDBACK_TOPIC": topic}
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    yield topic
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def test_dry_run_then_close_and_purge(
    dagbag: Any, vroegsignaal_env: dict[str, Any], feedback_topic: str, kafka_bootstrap: str
) -> None:
    engine = create_engine(vroegsignaal_env["database_url"])
    with Session(engine) as session:
        scenario = build_retention_scenario(session)
        signals_before = len(session.scalars(select(Signaal.id)).all())
        unsent = session.scalar(select(func.count()).select_from(Terugkoppeling)
                                .where(Terugkoppeling.verzonden_op.is_(None)))
        expired_signal = session.scalar(
            select(Signaal.signaal_id).where(Signaal.zaak_id == scenario.open_past_term))

    refused = run_dag(dagbag, "retention_purge", conf={"peildatum": PEILDATUM})
    assert refused.state == "failed"
    assert refused.tasks["close_expired_zaken"] == "failed", "no closing before a dry run"
    assert refused.tasks["purge_database"] == "failed"
    assert refused.tasks["purge_batch_files"] == "upstream_failed", "nothing before a dry run"
    with Session(engine) as session:
        assert len(session.scalars(select(Signaal.id)).all()) == signals_before
        assert session.get(Zaak, scenario.open_past_term).status == "Nog niet opgepakt"  # type: ignore[union-attr]

    dry = run_dag(dagbag, "retention_purge", conf={"dry_run": True, "peildatum": PEILDATUM})
    assert dry.state == "success", dry.tasks
    closing = dry.xcom["close_expired_zaken"]
    assert closing["dry_run"] is True and closing["gesloten"] == 1
    assert closing["per_gemeente"] == {"GM0344": {NOT_TAKEN_UP: 1}}
    planned = dry.xcom["purge_database"]
    assert planned["dry_run"] is True and planned["verwijderd"] == {}
    assert planned["gepland"] == {t: len(ids) for t, ids in scenario.delete.items()}
    assert dry.xcom["send_creditor_feedback"] == {"verstuurd": 0, "dry_run": True}
    with Session(engine) as session:
        assert len(session.scalars(select(Signaal.id)).all()) == signals_before
        assert session.scalars(select(VerwijderLog)).all() == []
        assert session.get(Zaak, scenario.open_past_term).status == "Nog niet opgepakt"  # type: ignore[union-attr]
        assert session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.zaak_id == scenario.open_past_term, AuditLog.actie == "zaak.status")) == 0

    real = run_dag(dagbag, "retention_purge", conf={"peildatum": PEILDATUM})
    assert real.state == "success", real.tasks
    assert real.xcom["close_expired_zaken"]["gesloten"] == 1
    done = real.xcom["purge_database"]
    assert done["verwijderd"] == {t: len(ids) for t, ids in scenario.delete.items()}
    assert done["zonder_grond"] == {}, "the closing ran first: nothing kept without a ground"
    assert done["bewaard_over_termijn"]["bewaargrond: Bezwaar, beroep of klacht loopt"][
        "zaak"] == 1
    assert real.xcom["send_creditor_feedback"]["verstuurd"] == unsent + 1
    with Session(engine) as session:
        assert _logged(session, real.run_id) == scenario.delete
        remaining = set(session.scalars(select(Signaal.id)))
        assert not remaining & scenario.delete["signaal"]
        assert scenario.keep["signaal"] <= remaining
        assert scenario.keep["zaak"] <= set(session.scalars(select(Zaak.id)))
        closed = session.get(Zaak, scenario.open_past_term)
        assert closed is not None and closed.status == "Automatisch afgesloten"
        assert closed.eindresultaat == NOT_TAKEN_UP
        assert str(closed.bewaren_tot) == "2027-04-01", "6 months after the peildatum"
        audit = session.execute(select(AuditLog).where(
            AuditLog.zaak_id == scenario.open_past_term, AuditLog.actie == "zaak.status")
        ).scalar_one()
        assert (audit.actor, audit.doel) == ("bewaartermijn", "vroegsignalering.bewaartermijn")
    engine.dispose()
    consumer = KafkaConsumer(feedback_topic, bootstrap_servers=kafka_bootstrap,
                             auto_offset_reset="earliest", consumer_timeout_ms=10_000)
    told = [orjson.loads(r.value) for r in consumer]
    consumer.close()
    assert {"signaalId": expired_signal, "status": NOT_TAKEN_UP}.items() <= next(
        m for m in told if m["signaalId"] == expired_signal).items()
    assert len(told) == unsent + 1
