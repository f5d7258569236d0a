# SPDX-License-Identifier: EUPL-1.2
"""Every compression codec, from the producers creditors run, on a broker of this module's
own (its log segments are read back to prove the codecs, and one is damaged on disk)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa

from streaming.dead_letter import header_dict
from tests.factories import signaal
from tests.integration.streaming.conftest import OwnService
from tests.integration.streaming.creditor_clients import (
    CODECS,
    java_console_produce,
    produce_librdkafka,
    tools_classpath,
)
from tests.integration.streaming.streaming_helpers import (
    ConsumerThread,
    Progress,
    new_settings,
    produce,
    read_all,
    signal_ids,
    signal_messages,
    stored_signal_ids,
    wait_until,
)

pytestmark = pytest.mark.integration


def _segments(broker: OwnService, topic: str) -> list[Path]:
    data = Path(broker.env["VROEGSIGNAAL_KAFKA_STATE_DIR"]) / "data"
    return sorted(data.glob(f"{topic}-*/*.log"))


def _codecs_on_disk(broker: OwnService, topic: str) -> set[str]:
    """The compression codec of every record batch, as Kafka's DumpLogSegments reads it."""
    libs = str(Path(tools_classpath()[:-2]).parent / "libs" / "*")
    result = subprocess.run(
        ["java", "-cp", libs, "kafka.tools.DumpLogSegments", "--files",
         ",".join(str(p) for p in _segments(broker, topic))],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return {m.lower() for m in re.findall(r"compresscodec: (\w+)", result.stdout)}


def test_every_codec_from_librdkafka_and_the_java_console_producer_is_stored(
    own_kafka: OwnService, pg_url: str
) -> None:
    settings = new_settings(own_kafka.address, partitions=2)
    expected: set[str] = set()
    for codec in CODECS:
        rdk, java = signal_messages(f"RDK-{codec}", 25), signal_messages(f"JAVA-{codec}", 25)
        produce_librdkafka(own_kafka.address, settings.intake_topic, rdk,
                           compression_type=codec, partitioner="murmur2_random")
        java_console_produce(own_kafka.address, settings.intake_topic, java, codec)
        expected |= signal_ids(rdk + java)
    assert _codecs_on_disk(own_kafka, settings.intake_topic) == set(CODECS)
    with ConsumerThread(settings, pg_url), Progress(settings) as progress:
        wait_until(lambda: progress.committed() >= len(expected), timeout=120,
                   what="every codec's records committed")
    assert stored_signal_ids(pg_url) == expected


def test_an_undecodable_record_is_dead_lettered_by_its_coordinates_and_skipped(
    own_kafka: OwnService, pg_url: str
) -> None:
    """A record batch damaged on the broker's disk fails its CRC check for every reader.
    The consumer tries it twice, dead-letters its offset with the reason, and takes in
    what follows: the partition does not block and the consumer does not spin."""
    settings = new_settings(own_kafka.address, partitions=1)
    before, after = signal_messages("VOOR", 3), signal_messages("NA", 3)
    for messages in (before, [(b"GM0344", orjson.dumps(signaal(signaalId="S-KAPOT")))], after):
        produce(settings, messages)  # each its own record batch
    own_kafka.stop()
    [segment] = _segments(own_kafka, settings.intake_topic)
    data = bytearray(segment.read_bytes())
    at = data.index(b"S-KAPOT")
    data[at + 2] = ord("X")  # one byte: the batch's CRC no longer matches
    segment.write_bytes(bytes(data))
    own_kafka.start()

    with ConsumerThread(settings, pg_url) as run, Progress(settings) as progress:
        wait_until(lambda: progress.committed() >= 7, timeout=120, what="offsets past the damage")
    assert stored_signal_ids(pg_url) == signal_ids(before + after)
    [dead] = read_all(settings, settings.dead_letter_topic)
    h = header_dict(dead.headers)
    assert (h["bron-partitie"], h["bron-offset"]) == ("0", "3")
    assert (h["reden"], h["fout"]) == ("ONGELDIG_BERICHT", "ONLEESBAAR_RECORD")
    assert (h["origineel"], h["oorzaak"]) == ("onleesbaar", "CorruptRecordError")
    assert dead.value == b""
    assert run.consumer.metrics.poll_errors.labels("CorruptRecordError")._value.get() == 2
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.connect() as c:
        refused = c.execute(sa.text("SELECT reden, details FROM intake_weigering")).all()
    engine.dispose()
    assert [(r, d) for r, d in refused] == [("ONGELDIG_BERICHT", [{"fout": "ONLEESBAAR_RECORD"}])]
