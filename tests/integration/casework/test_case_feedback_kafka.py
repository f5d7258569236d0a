# SPDX-License-Identifier: EUPL-1.2
"""What a creditor hears after a worker's move reaches the real Kafka feedback topic: from
the outbox written in the move's transaction, right after commit, exactly the coarse
status (never the reason behind "Niet opgepakt: andere reden")."""

from __future__ import annotations

import orjson
import pytest
from kafka import KafkaConsumer, KafkaProducer
from sqlalchemy import select
from sqlalchemy.orm import Session

from streaming.case_feedback import publish_pending, subscribe_after_commit
from tests.casework import World, new_zaak
from vroegsignaal.cases.assignment import claim
from vroegsignaal.cases.closing import close
from vroegsignaal.contract.enums import Eindresultaat
from vroegsignaal.events import EventBus
from vroegsignaal.storage.db import session_factory
from vroegsignaal.storage.tables import Signaal, Terugkoppeling

pytestmark = pytest.mark.integration


def test_pick_up_and_closing_reach_the_feedback_topic(
    kafka_bootstrap: str, new_kafka_topic, pg_url: str, pg_session: Session, world: World  # type: ignore[no-untyped-def]
) -> None:
    topic = new_kafka_topic()
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    bus = EventBus()
    stop = subscribe_after_commit(session_factory(pg_url), producer, topic, bus=bus)
    zaak_id = new_zaak(pg_session)
    worker = world.principal(pg_session, "schuldhulpverlener")
    claim(pg_session, worker, zaak_id, bus=bus)
    close(pg_session, worker, zaak_id, Eindresultaat.GEEN_INWONER, bus=bus)
    stop()
    assert publish_pending(pg_session, producer, topic) == 0, "all sent after commit"
    producer.close()
    signal_id = pg_session.execute(select(Signaal.signaal_id)).scalar_one()
    consumer = KafkaConsumer(topic, bootstrap_servers=kafka_bootstrap,
                             auto_offset_reset="earliest", consumer_timeout_ms=10_000)
    told = [orjson.loads(r.value) for r in consumer]
    consumer.close()
    assert [(m["signaalId"], m["status"]) for m in told] == [
        (signal_id, "Opgepakt"), (signal_id, "Niet opgepakt: andere reden")]
    assert all(r is not None for r in pg_session.execute(
        select(Terugkoppeling.verzonden_op)).scalars())
