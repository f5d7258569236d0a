# SPDX-License-Identifier: EUPL-1.2
"""A creditor's producer for the vroegsignaal intake topic with librdkafka (confluent-kafka).

Reads "key<TAB>json" lines from standard input; the key is the CBS municipality code of
the resident's postcode (docs/streaming.md, "Partitioning"). Each message is signed as
the creditor sends it (docs/streaming.md, "Who sent it"): VROEGSIGNAAL_SCHULDEISER is the
creditor's code, VROEGSIGNAAL_SENDER_KEY its sender key (base64, from `vroegsignaal keys
schuldeiser CODE`).

    VROEGSIGNAAL_SCHULDEISER=... VROEGSIGNAAL_SENDER_KEY=... \
    python creditor_producer_librdkafka.py BOOTSTRAP TOPIC [COMPRESSION] [TRANSACTIONAL_ID]

Tested as it stands by tests/integration/streaming/test_streaming_creditor_producers.py.
"""

from __future__ import annotations

import base64
import hmac
import os
import sys

from confluent_kafka import KafkaException, Producer


def config(bootstrap: str, compression: str, transactional_id: str | None) -> dict[str, object]:
    conf: dict[str, object] = {
        "bootstrap.servers": bootstrap,
        "acks": "all",
        "enable.idempotence": True,
        "compression.type": compression,  # none, gzip, snappy, lz4 or zstd
        "linger.ms": 20,
        # librdkafka's default (consistent_random, a CRC32 of the key) puts keys in other
        # partitions than the Java client; murmur2_random places them as Java does.
        "partitioner": "murmur2_random",
    }
    if transactional_id:
        conf["transactional.id"] = transactional_id
    return conf


def signed(code: str, key: bytes, value: bytes) -> list[tuple[str, bytes]]:
    """Who sends: the creditor's code, and HMAC-SHA256 of the exact value bytes."""
    digest = base64.b64encode(hmac.digest(key, value, "sha256"))
    return [("schuldeiser", code.encode()), ("handtekening", b"hmac-sha256=" + digest)]


def main(argv: list[str]) -> int:
    bootstrap, topic = argv[0], argv[1]
    compression = argv[2] if len(argv) > 2 else "zstd"
    transactional_id = argv[3] if len(argv) > 3 else None
    failed: list[str] = []
    code = os.environ["VROEGSIGNAAL_SCHULDEISER"]
    sender_key = base64.b64decode(os.environ["VROEGSIGNAAL_SENDER_KEY"])

    def report(err: KafkaException | None, _msg: object) -> None:
        if err is not None:
            failed.append(str(err))

    producer = Producer(config(bootstrap, compression, transactional_id))
    if transactional_id:
        producer.init_transactions()
        producer.begin_transaction()
    sent = 0
    for line in sys.stdin:
        key, value = line.rstrip("\n").split("\t", 1)
        data = value.encode()
        producer.produce(topic, key=key.encode(), value=data,
                         headers=signed(code, sender_key, data), on_delivery=report)
        producer.poll(0)
        sent += 1
    if transactional_id:
        producer.commit_transaction()  # read_committed: visible to the intake only now
    producer.flush(30)
    print(f"sent {sent} failed {len(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
