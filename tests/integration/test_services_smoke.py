# SPDX-License-Identifier: EUPL-1.2
"""The real services answer: one message through Kafka, one query on PostgreSQL."""

from __future__ import annotations

import time
import uuid

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.integration


def test_kafka_round_trip(kafka_bootstrap, new_kafka_topic):
    from kafka import KafkaConsumer, KafkaProducer

    topic = new_kafka_topic(partitions=1)
    payload = f"vroegsignaal smoke {uuid.uuid4()}".encode() + b"\x00\xff"

    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    try:
        metadata = producer.send(topic, value=payload, key=b"smoke").get(timeout=30)
        producer.flush(timeout=30)
    finally:
        producer.close(timeout=10)
    assert metadata.topic == topic

    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap,
        group_id=f"vs-smoke-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    received: list[bytes] = []
    try:
        deadline = time.monotonic() + 60
        while not received and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=1_000).values():
                received.extend(record.value for record in records)
    finally:
        consumer.close()

    assert received == [payload]


def test_postgres_select_version(new_postgres_database):
    url = new_postgres_database()
    assert url.startswith("postgresql+psycopg://")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            version = conn.execute(sa.text("select version()")).scalar_one()
            database = conn.execute(sa.text("select current_database()")).scalar_one()
    finally:
        engine.dispose()
    assert version.startswith("PostgreSQL ")
    assert database == sa.engine.make_url(url).database
