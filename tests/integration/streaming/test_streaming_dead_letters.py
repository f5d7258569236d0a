# SPDX-License-Identifier: EUPL-1.2
"""Poison messages go to the dead-letter topic with their reason and sealed payload, do not
block their partition, and creditors hear back only the coarse status of their signals."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest
import sqlalchemy as sa

from streaming.dead_letter import DeadLetterSeal, header_dict
from tests.factories import signaal
from tests.integration.streaming.streaming_helpers import (
    ConsumerThread,
    Progress,
    new_settings,
    produce,
    read_all,
    wait_until,
)
from vroegsignaal.config import get_settings

pytestmark = pytest.mark.integration

DAY = dt.date(2026, 3, 10)
SECRET_NAME = "Geheimhuizen"  # a resident's surname that must never appear in clear


def _msg(**kw: object) -> bytes:
    return orjson.dumps(signaal(signaaldatum=DAY, **kw))


def test_poison_messages_are_dead_lettered_and_do_not_block(
    kafka_bootstrap: str, pg_url: str
) -> None:
    settings = new_settings(kafka_bootstrap, partitions=1)
    invalid = signaal(signaaldatum=DAY, client__achternaam=SECRET_NAME, signaalId="S-BAD")
    del invalid["bedrag"]
    first = signaal(signaaldatum=DAY, signaalId="S-1", schuldeiser="WBV-EEN")
    messages: list[tuple[bytes | None, bytes | None]] = [
        (b"GM0344", orjson.dumps(first)),
        (b"GM0344", b"\xff{not json " + SECRET_NAME.encode()),  # 1: unreadable, not UTF-8
        (b"GM0344", b'["a", "list"]'),  # 2: not an object
        (b"GM0344", orjson.dumps(invalid)),  # 3: contract: bedrag missing
        (SECRET_NAME.encode(), None),  # 4: a tombstone whose key is personal data
        (b"GM0344", _msg(signaalId="S-2", schuldeiser="WATER-TEST", signaalpartner="Water",
                         bedrag=10, client__huisnummer="30")),  # below minimum
        (b"GM0344", _msg(signaalId="S-3", schuldeiser="ENECO-TEST", signaalpartner="Energie",
                         client__huisnummer="99")),
        (b"GM0344", orjson.dumps(first)),  # 7: replay of S-1
        (b"GM0344", _msg(signaalId="S-4", schuldeiser="WBV-EEN", bezwaar=True)),
    ]
    assert produce(settings, messages) == len(messages)

    with ConsumerThread(settings, pg_url), Progress(settings) as progress:
        wait_until(lambda: progress.committed() >= len(messages), timeout=60,
                   what="all offsets committed")

    # The partition was not blocked: every valid message after the poison is stored.
    engine = sa.create_engine(pg_url)
    with engine.connect() as c:
        stored = dict(c.execute(sa.text("SELECT signaal_id, reden FROM signaal")).all())
        refused = c.execute(sa.text("SELECT signaal_id, reden FROM intake_weigering")).all()
    engine.dispose()
    assert stored == {"S-1": "OPGEPAKT", "S-2": "ONDER_MINIMUMBEDRAG", "S-3": "OPGEPAKT"}
    assert sorted(refused, key=str) == sorted(
        [(None, "ONGELDIG_BERICHT")] * 3 + [("S-BAD", "ONGELDIG_BERICHT"), ("S-4", "BEZWAAR")],
        key=str,
    )

    dead = read_all(settings, settings.dead_letter_topic)
    by_offset = {int(header_dict(r.headers)["bron-offset"]): r for r in dead}
    assert sorted(by_offset) == [1, 2, 3, 4]
    codes = {o: header_dict(r.headers)["fout"] for o, r in by_offset.items()}
    # Offset 1 starts with a byte that is not UTF-8: said so, as at every door (issue 9).
    assert codes == {1: "GEEN_UTF8", 2: "GEEN_OBJECT", 3: "bedrag:missing", 4: "LEEG_BERICHT"}
    seal = DeadLetterSeal.from_settings(get_settings())
    for offset, rec in by_offset.items():
        h = header_dict(rec.headers)
        assert h["reden"] == "ONGELDIG_BERICHT"
        assert h["bron-topic"] == settings.intake_topic and h["bron-partitie"] == "0"
        assert h["sleutel-id"] == seal.key_id
        assert rec.key is None
        # Nothing personal in clear: not in the headers, not in the (sealed) value.
        assert SECRET_NAME not in repr(rec.headers)
        assert SECRET_NAME.encode() not in (rec.value or b"")
        original = seal.open(rec.value, rec.headers)
        assert original.value == messages[offset][1]
        assert original.key == messages[offset][0]
    assert header_dict(by_offset[3].headers)["signaal-id"] == "S-BAD"

    # A sealed dead letter is bound to its source offset: moved, it does not open.
    from vroegsignaal.errors import DecryptionError

    moved = [(k, b"2" if k == "bron-offset" else v) for k, v in by_offset[1].headers]
    with pytest.raises(DecryptionError):
        seal.open(by_offset[1].value, moved)

    feedback = read_all(settings, settings.feedback_topic)
    told = [(r.key.decode(), orjson.loads(r.value)) for r in feedback]
    for key, value in told:
        assert key == value["schuldeiser"]
        assert set(value) == {"berichtversie", "schuldeiser", "signaalId", "status", "verwerktOp"}
    statuses = sorted((v["signaalId"], v["status"]) for _, v in told)
    assert statuses == [
        ("S-1", "Nog niet opgepakt"),
        ("S-1", "Nog niet opgepakt"),  # the replay repeats the stored status
        ("S-2", "Niet opgepakt: andere reden"),  # never "below the minimum"
        ("S-3", "Nog niet opgepakt"),
        ("S-4", "Niet opgepakt: onterecht signaal"),
        ("S-BAD", "Niet opgepakt: onterecht signaal"),
    ]
    # Each creditor's feedback sits in one partition, under its own key.
    partitions: dict[str, set[int]] = {}
    for r in feedback:
        partitions.setdefault(r.key.decode(), set()).add(r.partition)
    assert all(len(p) == 1 for p in partitions.values())
    assert b"MINIMUM" not in b"".join(r.value for r in feedback).upper()


def test_a_message_the_pipeline_cannot_store_is_dead_lettered_alone(
    kafka_bootstrap: str, pg_url: str
) -> None:
    """A message that passes the contract but fails in the database (here: a trigger that
    refuses one signal id, as a stand-in for any data the pipeline chokes on) becomes a
    VERWERKINGSFOUT dead letter; the rest of its batch is stored."""
    engine = sa.create_engine(pg_url)
    with engine.begin() as c:
        c.execute(sa.text(
            "CREATE FUNCTION weiger_gif() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.signaal_id = 'S-GIF' THEN "
            "RAISE EXCEPTION 'test poison' USING ERRCODE = '22023'; END IF; "
            "RETURN NEW; END $$"
        ))
        c.execute(sa.text(
            "CREATE TRIGGER weiger_gif BEFORE INSERT ON signaal "
            "FOR EACH ROW EXECUTE FUNCTION weiger_gif()"
        ))
    settings = new_settings(kafka_bootstrap, partitions=1)
    ids = ["S-A", "S-GIF", "S-B"]
    produce(settings, [
        (b"GM0344", _msg(signaalId=i, client__huisnummer=str(n))) for n, i in enumerate(ids, 1)
    ])
    with ConsumerThread(settings, pg_url), Progress(settings) as progress:
        wait_until(lambda: progress.committed() >= 3, timeout=60, what="offsets committed")
    with engine.connect() as c:
        stored = sorted(c.execute(sa.text("SELECT signaal_id FROM signaal")).scalars())
    engine.dispose()
    assert stored == ["S-A", "S-B"]
    dead = read_all(settings, settings.dead_letter_topic)
    assert len(dead) == 1
    h = header_dict(dead[0].headers)
    assert (h["reden"], h["bron-offset"]) == ("VERWERKINGSFOUT", "1")
    assert h["fout"] == "InvalidParameterValue"


def _array_of_signals(n: int) -> bytes:
    """A creditor's mistake from issue 14: one message holding a JSON array of signals."""
    from itertools import islice

    from synthetic import all_gemeentecodes, generate_signals

    signals = islice(generate_signals(gemeenten=all_gemeentecodes(), start=DAY, months=1,
                                      seed=14), n)
    return orjson.dumps(list(signals))


def _gzip_produce(settings: object, messages: list[tuple[bytes | None, bytes | None]]) -> None:
    from tests.integration.streaming.creditor_clients import produce_librdkafka

    produce_librdkafka(settings.bootstrap_servers, settings.intake_topic,  # type: ignore[attr-defined]
                       messages, compression_type="gzip", partition=0,
                       # librdkafka checks the uncompressed size against this (1 MB default)
                       message_max_bytes=8_000_000)


def _counts(pg_url: str) -> tuple[int, int]:
    engine = sa.create_engine(pg_url)
    with engine.connect() as c:
        batches = c.execute(sa.text("SELECT count(*) FROM intake_batch")).scalar_one()
        refusals = c.execute(sa.text("SELECT count(*) FROM intake_weigering")).scalar_one()
    engine.dispose()
    return batches, refusals


def test_an_oversized_refused_array_fits_its_dead_letter_sealed_and_compressed(
    kafka_bootstrap: str, pg_url: str
) -> None:
    """The issue's case: a gzip-compressed message of a few hundred KB holding about 2 MB
    of JSON. Base64 in the old envelope made its dead letter larger than the topic allows;
    compressed before sealing it fits, and opens to the original byte for byte."""
    settings = new_settings(kafka_bootstrap, partitions=1)
    array = _array_of_signals(4000)
    assert len(array) > 1_900_000
    _gzip_produce(settings, [(b"GM0344", array), (b"GM0344", _msg(signaalId="S-NA"))])
    with ConsumerThread(settings, pg_url), Progress(settings) as progress:
        wait_until(lambda: progress.committed() >= 2, timeout=60, what="offsets committed")
    [dead] = read_all(settings, settings.dead_letter_topic)
    h = header_dict(dead.headers)
    # Over the message limit every door applies (contract/decode.py), before it is parsed.
    assert (h["fout"], h["versleuteling"]) == ("TE_GROOT_BERICHT", "AES-256-GCM/v2")
    assert len(dead.value) < 1024 * 1024
    opened = DeadLetterSeal.from_settings(get_settings()).open(dead.value, dead.headers)
    assert opened.value == array


def test_a_dead_letter_the_broker_refuses_as_too_large_is_sent_again_without_its_original(
    kafka_bootstrap: str, pg_url: str
) -> None:
    """The dead-letter topic's limit is lowered under a running consumer (which read the
    old one at start): the broker refuses the sealed dead letter. The consumer sends it
    again with digest and size only, takes in the rest of the batch, commits, and runs
    the pipeline once per batch: no extra intake_batch rows, feedback once per signal."""
    import hashlib

    from kafka.admin import ConfigResource, ConfigResourceType

    from streaming.topics import admin_client, topic_specs

    settings = new_settings(kafka_bootstrap, partitions=1)
    array = _array_of_signals(3000)
    with ConsumerThread(settings, pg_url) as run, Progress(settings) as progress:
        wait_until(lambda: run.consumer.assigned(), timeout=60, what="the consumer assigned")
        spec = next(t for t in topic_specs(settings) if t.name == settings.dead_letter_topic)
        admin = admin_client(settings)
        admin.alter_configs([ConfigResource(
            ConfigResourceType.TOPIC, spec.name,
            configs={**spec.configs, "max.message.bytes": str(64 * 1024)})])
        admin.close()
        _gzip_produce(settings, [(b"GM0344", _msg(signaalId="S-VOOR")), (b"GM0344", array),
                                 (b"GM0344", _msg(signaalId="S-NA", client__huisnummer="2"))])
        wait_until(lambda: progress.committed() >= 3, timeout=90, what="offsets committed")
        metrics = run.consumer.metrics
        assert metrics.publish_failures.labels("MessageSizeTooLargeError")._value.get() >= 1
        assert metrics.originals.labels("weggelaten")._value.get() == 1
    [dead] = read_all(settings, settings.dead_letter_topic)
    h = header_dict(dead.headers)
    assert (h["reden"], h["fout"], h["bron-offset"]) == ("ONGELDIG_BERICHT", "TE_GROOT_BERICHT",
                                                          "1")
    assert h["origineel"] == "weggelaten" and dead.value == b""
    assert h["origineel-sha256"] == hashlib.sha256(array).hexdigest()
    assert h["origineel-bytes"] == str(len(array))
    assert "sleutel-id" not in h
    # The pipeline ran once per batch: a row per committed batch, one refusal.
    assert _counts(pg_url) == (run.consumer.totals.batches, 1)
    feedback = [orjson.loads(r.value)["signaalId"] for r in
                read_all(settings, settings.feedback_topic)]
    assert sorted(feedback) == ["S-NA", "S-VOOR"]
