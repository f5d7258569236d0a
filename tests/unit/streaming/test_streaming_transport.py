# SPDX-License-Identifier: EUPL-1.2
"""The door's pure parts: partition keys, record parsing, offsets, backoff, settings."""

from __future__ import annotations

import random
from collections import namedtuple

import psycopg
import pytest
import sqlalchemy as sa
from kafka import TopicPartition

from streaming.backoff import Backoff
from streaming.database import consumer_url, is_unavailable
from streaming.keys import ONBEKEND, gemeente_key
from streaming.records import LEEG_BERICHT, Batch, parse_value
from streaming.settings import DAY_MS, StreamingSettings
from streaming.topics import topic_specs

Rec = namedtuple("Rec", "topic partition leader_epoch offset timestamp key value headers")


@pytest.mark.parametrize(
    "postcode, key",
    [("3511 AB", "GM0344"), (" 3511ab", "GM0344"), ("8011 AA", "GM0193"), ("0000 XX", ONBEKEND),
     ("35", ONBEKEND), ("ABCD 12", ONBEKEND), (None, ONBEKEND), (3511, ONBEKEND)],
)
def test_partition_key_is_the_municipality(postcode: object, key: str) -> None:
    assert gemeente_key({"client": {"postcode": postcode}}) == key


def test_partition_key_without_client() -> None:
    assert gemeente_key(None) == gemeente_key({}) == gemeente_key({"client": "x"}) == ONBEKEND


@pytest.mark.parametrize(
    "value, expected",
    [(b'{"a": 1}', ({"a": 1}, None)), (b"[1]", (None, "GEEN_OBJECT")),
     (b"\xff\xfe", (None, "GEEN_UTF8")), (b"{kapot", (None, "ONGELDIGE_JSON")),
     (b'\xef\xbb\xbf{"a": 1}', ({"a": 1}, None)),  # a byte-order mark, as at every door
     (b'{"a": "\\ud800"}', (None, "GEEN_UTF8")),  # a lone surrogate, as at every door
     (None, (None, LEEG_BERICHT)), (b"", (None, "ONGELDIGE_JSON"))],
)
def test_parse_value(value: bytes | None, expected: tuple[object, object]) -> None:
    assert parse_value(value) == expected


def test_batch_positions_offsets_and_description() -> None:
    t = "signalen"
    polled = {
        TopicPartition(t, 3): [Rec(t, 3, 5, 20, 1, None, b"{}", []),
                               Rec(t, 3, 5, 21, 1, None, b"[]", [])],
        TopicPartition(t, 0): [Rec(t, 0, None, 7, 1, None, None, [])],
    }
    batch = Batch.from_poll(polled)
    assert len(batch) == 3
    assert [(i.positie, i.fout) for i in batch.inputs()] == [
        (0, None), (1, "GEEN_OBJECT"), (2, LEEG_BERICHT)]
    assert batch.first == {TopicPartition(t, 3): 20, TopicPartition(t, 0): 7}
    assert batch.leader_epoch == {TopicPartition(t, 3): 5, TopicPartition(t, 0): -1}
    assert batch.describe() == "p0:7-7,p3:20-21"
    assert batch.source(1).offset == 21 and batch.source(2).partition == 0


def test_an_undecodable_record_becomes_an_unreadable_input_with_its_coordinates() -> None:
    from streaming.fetch_fault import ONLEESBAAR_RECORD, FetchFault

    batch = Batch.undecodable(FetchFault(TopicPartition("signalen", 2), 40), "CorruptRecordError")
    [raw] = batch.inputs()
    assert (raw.data, raw.fout, raw.herkomst) == (None, ONLEESBAAR_RECORD, "kafka:signalen:2:40")
    assert batch.describe() == "p2:40-40"
    assert batch.source(0).offset == 40


def test_poll_errors_a_retry_cannot_fix_are_told_apart() -> None:
    import zlib

    from kafka.errors import CorruptRecordError, KafkaConnectionError, UnsupportedCodecError

    from streaming.fetch_fault import undecodable

    assert undecodable(CorruptRecordError("crc"))
    assert undecodable(zlib.error("bad data"))  # what a damaged compressed batch raises
    assert undecodable(UnboundLocalError("unknown codec id"))
    assert not undecodable(UnsupportedCodecError("zstd missing"))  # a redeploy fixes this
    assert not undecodable(KafkaConnectionError())


def test_backoff_grows_is_capped_and_jittered() -> None:
    b = Backoff(0.5, 15.0, rng=random.Random(1))
    delays = [b.delay(i) for i in range(12)]
    assert all(0.25 <= d <= 15.0 for d in delays)
    assert delays[0] <= 0.5 and delays[-1] >= 7.5


def test_database_errors_that_mean_wait_and_retry() -> None:
    op = sa.exc.OperationalError("SELECT 1", {}, psycopg.OperationalError("down"))
    assert is_unavailable(op)
    assert is_unavailable(psycopg.OperationalError("copy failed"))
    missing = sa.exc.ProgrammingError("x", {}, psycopg.errors.UndefinedTable("no table"))
    assert is_unavailable(missing)  # a missing migration: wait, never dead-letter everything
    data = sa.exc.DataError("x", {}, psycopg.errors.NumericValueOutOfRange("too big"))
    assert not is_unavailable(data)
    assert not is_unavailable(ValueError("bad data"))


def test_consumer_url_adds_timeouts_for_postgresql_only() -> None:
    url = consumer_url("postgresql+psycopg://u:p@h:5432/db")
    assert "connect_timeout=5" in url and "keepalives_idle=30" in url and "u:p@" in url
    assert "connect_timeout=2" in consumer_url("postgresql+psycopg://h/db?connect_timeout=2")
    assert consumer_url("sqlite:///x.db") == "sqlite:///x.db"


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VROEGSIGNAAL_KAFKA_BOOTSTRAP_SERVERS", "a:1, b:2")
    monkeypatch.setenv("VROEGSIGNAAL_KAFKA_WORKERS", "3")
    s = StreamingSettings()
    assert s.client_config()["bootstrap_servers"] == ["a:1", "b:2"]
    assert s.workers == 3
    assert s.intake_topic == "vroegsignalering.signalen.v1"
    producer = s.producer_config()
    assert producer["acks"] == "all" and producer["enable_idempotence"] is True
    monkeypatch.setenv("VROEGSIGNAAL_KAFKA_COMPRESSION", "zstd")
    assert StreamingSettings().producer_config()["compression_type"] == "zstd"


def test_topic_specs_for_a_production_cluster() -> None:
    s = StreamingSettings(replication_factor=3, min_insync_replicas=2, partitions=24)
    specs = {t.name: t for t in topic_specs(s)}
    intake = specs[s.intake_topic]
    assert (intake.partitions, intake.replication_factor) == (24, 3)
    for spec in specs.values():
        assert spec.configs["min.insync.replicas"] == "2"
        assert spec.configs["cleanup.policy"] == "delete"
        assert spec.configs["unclean.leader.election.enable"] == "false"
    assert specs[s.dead_letter_topic].configs["retention.ms"] == str(14 * DAY_MS)
    assert specs[s.feedback_topic].configs["retention.ms"] == str(30 * DAY_MS)
