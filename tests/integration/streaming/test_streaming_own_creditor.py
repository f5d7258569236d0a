# SPDX-License-Identifier: EUPL-1.2
"""The own-creditor rule at the Kafka door, on the real broker (ADR 0017): a signal is
taken in only when its own creditor signed it; otherwise it is refused with its reason,
dead-lettered, and nobody is told."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest
import sqlalchemy as sa

from streaming.dead_letter import header_dict
from streaming.sender import decode_keys, sender_headers
from tests.factories import signaal
from tests.integration.streaming.streaming_helpers import (
    SENDER_KEYS,
    ConsumerThread,
    Progress,
    new_settings,
    read_all,
    wait_until,
)

pytestmark = pytest.mark.integration
DAY = dt.date(2026, 3, 10)


def test_only_the_creditor_that_signed_a_signal_delivers_it(
    kafka_bootstrap: str, pg_url: str
) -> None:
    from kafka import KafkaProducer

    settings = new_settings(kafka_bootstrap, partitions=1)
    keys = decode_keys(SENDER_KEYS)

    def value(signaal_id: str, **kw: object) -> bytes:
        return orjson.dumps(signaal(signaaldatum=DAY, signaalId=signaal_id, **kw))

    own = value("OWN-1")
    forged = value("FORGED-1", client__huisnummer="40")  # names WBV-TEST ...
    unsigned = value("UNSIGNED-1", client__huisnummer="41")
    tampered = value("TAMPERED-1", client__huisnummer="42")
    records = [
        (own, sender_headers("WBV-TEST", keys["WBV-TEST"], own)),
        (forged, sender_headers("WBV-EEN", keys["WBV-EEN"], forged)),  # ... signed by WBV-EEN
        (unsigned, []),
        (tampered.replace(b'"bedrag":900', b'"bedrag":901'),
         sender_headers("WBV-TEST", keys["WBV-TEST"], tampered)),
    ]
    producer = KafkaProducer(**settings.producer_config())
    for v, headers in records:
        producer.send(settings.intake_topic, key=b"GM0344", value=v, headers=headers)
    producer.flush()
    producer.close()

    with ConsumerThread(settings, pg_url), Progress(settings) as progress:
        wait_until(lambda: progress.committed() >= len(records), timeout=60,
                   what="all offsets committed")

    engine = sa.create_engine(pg_url)
    with engine.connect() as c:
        stored = c.execute(sa.text("SELECT signaal_id, reden FROM signaal")).all()
        refused = c.execute(sa.text(
            "SELECT signaal_id, reden, details FROM intake_weigering ORDER BY signaal_id")).all()
    engine.dispose()
    assert [tuple(r) for r in stored] == [("OWN-1", "OPGEPAKT")]
    assert [(r[0], r[1], r[2][0]["fout"]) for r in refused] == [
        ("FORGED-1", "ANDERE_SCHULDEISER", "andere_afzender"),
        ("TAMPERED-1", "ANDERE_SCHULDEISER", "afzender_onbekend"),
        ("UNSIGNED-1", "ANDERE_SCHULDEISER", "afzender_onbekend"),
    ]
    dead = sorted(header_dict(r.headers)["bron-offset"] + ":" + header_dict(r.headers)["reden"]
                  for r in read_all(settings, settings.dead_letter_topic))
    assert dead == ["1:ANDERE_SCHULDEISER", "2:ANDERE_SCHULDEISER", "3:ANDERE_SCHULDEISER"]
    told = [orjson.loads(r.value) for r in read_all(settings, settings.feedback_topic)]
    assert [(f["signaalId"], f["status"]) for f in told] == [("OWN-1", "Nog niet opgepakt")]
