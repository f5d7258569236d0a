# SPDX-License-Identifier: EUPL-1.2
"""Producers as creditors run them, on the real broker: the documented Java and librdkafka
examples, transactions (committed and aborted) and where each client puts a key."""

from __future__ import annotations

import re
import subprocess
import uuid

import pytest
from kafka import KafkaAdminClient, TopicPartition
from kafka.partitioner.default import murmur2

from streaming.lag import group_lag
from streaming.sender import decode_keys
from synthetic import all_gemeentecodes
from tests.integration.streaming.creditor_clients import (
    librdkafka,
    produce_librdkafka,
    run_java_example,
    run_librdkafka_example,
    tools_classpath,
)
from tests.integration.streaming.streaming_helpers import (
    SENDER_KEYS,
    ConsumerThread,
    new_settings,
    read_all,
    signal_ids,
    signal_messages,
    signed,
    stored_signal_ids,
    wait_until,
)

pytestmark = pytest.mark.integration


def _java_partition(key: bytes, partitions: int) -> int:
    """The Java client's default placement of a keyed record."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


def _lag_by_kafka_tool(bootstrap: str, group: str) -> dict[int, str]:
    """LAG per partition as Apache Kafka's kafka-consumer-groups.sh --describe prints it."""
    result = subprocess.run(
        ["java", "-cp", tools_classpath(),
         "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
         "--bootstrap-server", bootstrap, "--describe", "--group", group],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    lines = [ln.split() for ln in result.stdout.splitlines() if ln.startswith(group)]
    header = re.split(r"\s+", next(ln for ln in result.stdout.splitlines()
                                   if ln.startswith("GROUP")).strip())
    col_p, col_lag = header.index("PARTITION"), header.index("LAG")
    return {int(cols[col_p]): cols[col_lag] for cols in lines}


def test_committed_and_aborted_transactions_leave_group_lag_zero(
    kafka_bootstrap: str, pg_url: str
) -> None:
    """A transactional creditor: every partition ends with a transaction marker. The
    consumer commits its position past the markers, so Kafka's own tools show lag 0."""
    settings = new_settings(kafka_bootstrap, partitions=3, lag_interval_s=0.5)
    keys = sorted(all_gemeentecodes())[:6]
    assert {_java_partition(k.encode(), 3) for k in keys} == {0, 1, 2}
    committed_first = signal_messages("TX-A", 12, keys)
    aborted = signal_messages("TX-ABORT", 7, keys)
    committed_last = signal_messages("TX-B", 5, keys)
    producer = librdkafka(kafka_bootstrap, transactional_id=f"vs-test-{uuid.uuid4().hex[:8]}",
                          compression_type="lz4", partitioner="murmur2_random")
    producer.init_transactions()
    keys_of = decode_keys(SENDER_KEYS)
    for batch, commit in ((committed_first, True), (aborted, False), (committed_last, True)):
        producer.begin_transaction()
        for key, value in batch:
            producer.produce(settings.intake_topic, key=key, value=value,
                             headers=signed(keys_of, value))
        producer.flush(30)
        if commit:
            producer.commit_transaction()
        else:
            producer.abort_transaction()

    admin = KafkaAdminClient(**settings.client_config(), client_id="vs-test-lag")
    tps = [TopicPartition(settings.intake_topic, p) for p in range(settings.partitions)]
    ends = admin.list_partition_offsets({tp: -1 for tp in tps})
    # 24 records and, on each partition, three markers: its end is past its last record.
    assert sum(e.offset for e in ends.values()) == 24 + 3 * 3
    try:
        with ConsumerThread(settings, pg_url) as run:
            wait_until(lambda: set(group_lag(admin, settings.group_id, tps).values()) == {0},
                       timeout=90, what="group lag 0 by the admin API")
            # The consumer's own gauge agrees (it measures the same way).
            wait_until(lambda: _gauge_lag(run) == {tp.partition: 0.0 for tp in tps},
                       timeout=30, what="the lag metric at 0")
        assert set(_lag_by_kafka_tool(kafka_bootstrap, settings.group_id).values()) == {"0"}
    finally:
        admin.close()
    stored = stored_signal_ids(pg_url)
    assert stored == signal_ids(committed_first + committed_last)
    assert not any(i.startswith("TX-ABORT") for i in stored)


def _gauge_lag(run: ConsumerThread) -> dict[int, float]:
    out = {}
    for family in run.consumer.metrics.lag.collect():
        for sample in family.samples:
            out[int(sample.labels["partition"])] = sample.value
    return out


def test_the_documented_java_and_librdkafka_producers_reach_the_intake(
    kafka_bootstrap: str, pg_url: str
) -> None:
    """docs/examples, run as they stand: Java (kafka-clients, lz4, transactional) and
    librdkafka (zstd, murmur2_random, transactional). Both place keys as the Java client
    and `vroegsignaal send` do, and everything is taken in."""
    settings = new_settings(kafka_bootstrap, partitions=24)
    keys = sorted(all_gemeentecodes())[:60]
    java = signal_messages("JAVA", 120, keys)
    rdkafka = signal_messages("RDK", 120, keys)
    tag = uuid.uuid4().hex[:8]
    assert "sent 120" in run_java_example(kafka_bootstrap, settings.intake_topic, java, "lz4",
                                          f"vs-java-{tag}")
    assert "sent 120 failed 0" in run_librdkafka_example(
        kafka_bootstrap, settings.intake_topic, rdkafka, "zstd", f"vs-rdk-{tag}")
    with ConsumerThread(settings, pg_url):
        wait_until(lambda: len(stored_signal_ids(pg_url)) >= 240, timeout=90,
                   what="both producers' signals stored")
    assert stored_signal_ids(pg_url) == signal_ids(java + rdkafka)
    for rec in read_all(settings, settings.intake_topic):
        assert rec.partition == _java_partition(rec.key, 24), rec.key


def test_librdkafkas_default_partitioner_places_keys_elsewhere_but_always_alike(
    kafka_bootstrap: str,
) -> None:
    """librdkafka's default (consistent_random: CRC32 of the key) differs from the Java
    client's murmur2 for most keys; it is still one partition per key, so the order per
    municipality holds whichever a creditor uses (docs/streaming.md)."""
    settings = new_settings(kafka_bootstrap, partitions=24)
    keys = sorted(all_gemeentecodes())[:40]
    messages = [(k.encode(), b"{}") for k in keys] * 2
    default = produce_librdkafka(kafka_bootstrap, settings.intake_topic, messages)
    java_like = produce_librdkafka(kafka_bootstrap, settings.intake_topic, messages,
                                   partitioner="murmur2_random")
    expected = [_java_partition(k, 24) for k, _ in messages]
    assert java_like == expected
    assert default[:40] == default[40:]  # the same key, the same partition
    differ = sum(d != e for d, e in zip(default, expected, strict=True)) // 2
    assert differ > 30, f"only {differ} of 40 keys placed differently"
