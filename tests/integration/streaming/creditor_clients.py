# SPDX-License-Identifier: EUPL-1.2
"""Producers as creditors run them: librdkafka (confluent-kafka) and Apache Kafka's own
Java console producer, fetched from Maven Central by scripts/services/kafka.sh."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from confluent_kafka import Producer

from streaming.sender import decode_keys
from tests.integration.streaming.streaming_helpers import (
    REPO_ROOT,
    SENDER_KEYS,
    Message,
    signed,
)

CODECS = ("none", "gzip", "snappy", "lz4", "zstd")
EXAMPLES = REPO_ROOT / "docs" / "examples"


@functools.cache
def tools_classpath() -> str:
    """Classpath of kafka-tools and kafka-clients (fetched on first use)."""
    result = subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "services" / "kafka.sh"), "tools-classpath"],
        capture_output=True, text=True, timeout=600, check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"kafka.sh tools-classpath failed:\n{result.stderr}", pytrace=False)
    return result.stdout.strip()


def tsv(messages: Iterable[Message]) -> str:
    """'key<TAB>value' lines, as the console producer and the examples read them."""
    return "".join(f"{(k or b'').decode()}\t{(v or b'').decode()}\n" for k, v in messages)


def sender_env(code: str) -> dict[str, str]:
    """The environment the examples sign with: the creditor's code and sender key."""
    return {**os.environ, "VROEGSIGNAAL_SCHULDEISER": code,
            "VROEGSIGNAAL_SENDER_KEY": SENDER_KEYS[code]}


def signed_tsv(messages: Iterable[Message]) -> str:
    """'headers<TAB>key<TAB>value' lines for the console producer with parse.headers: each
    message signed by the creditor it names (streaming/sender.py)."""
    keys = decode_keys(SENDER_KEYS)
    lines = []
    for k, v in messages:
        headers = ",".join(f"{name}:{data.decode()}" for name, data in signed(keys, v))
        lines.append(f"{headers}\t{(k or b'').decode()}\t{(v or b'').decode()}\n")
    return "".join(lines)


def java_console_produce(bootstrap: str, topic: str, messages: Sequence[Message],
                         compression: str, *props: str) -> None:
    """Apache Kafka's kafka-console-producer (org.apache.kafka.tools.ConsoleProducer)."""
    args = ["java", "-cp", tools_classpath(), "org.apache.kafka.tools.ConsoleProducer",
            "--bootstrap-server", bootstrap, "--topic", topic,
            "--compression-codec", compression,
            "--property", "parse.key=true", "--property", "key.separator=\t",
            "--property", "parse.headers=true",
            "--producer-property", "acks=all", "--producer-property", "linger.ms=50",
            "--producer-property", "batch.size=262144"]
    for prop in props:
        args += ["--producer-property", prop]
    result = subprocess.run(args, input=signed_tsv(messages), capture_output=True, text=True,
                            timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-3000:]


def run_java_example(bootstrap: str, topic: str, messages: Sequence[Message],
                     compression: str, transactional_id: str | None = None,
                     sender: str = "WBV-TEST") -> str:
    """docs/examples/CreditorProducer.java, run from source against kafka-clients, as the
    creditor `sender`."""
    args = ["java", "-cp", tools_classpath(), str(EXAMPLES / "CreditorProducer.java"),
            bootstrap, topic, compression, *([transactional_id] if transactional_id else [])]
    result = subprocess.run(args, input=tsv(messages), capture_output=True, text=True,
                            timeout=300, check=False, env=sender_env(sender))
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def run_librdkafka_example(bootstrap: str, topic: str, messages: Sequence[Message],
                           compression: str, transactional_id: str | None = None,
                           sender: str = "WBV-TEST") -> str:
    """docs/examples/creditor_producer_librdkafka.py as the creditor `sender` runs it."""
    args = [sys.executable, str(EXAMPLES / "creditor_producer_librdkafka.py"), bootstrap,
            topic, compression, *([transactional_id] if transactional_id else [])]
    result = subprocess.run(args, input=tsv(messages), capture_output=True, text=True,
                            timeout=300, check=False, env=sender_env(sender))
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    return result.stdout


def librdkafka(bootstrap: str, **conf: Any) -> Producer:
    """A librdkafka producer with a creditor's sensible settings, overridable."""
    base: dict[str, Any] = {"bootstrap.servers": bootstrap, "acks": "all",
                            "enable.idempotence": True, "linger.ms": 20}
    return Producer({**base, **{k.replace("_", "."): v for k, v in conf.items()}})


def produce_librdkafka(bootstrap: str, topic: str, messages: Sequence[Message],
                       partition: int | None = None, **conf: Any) -> list[int]:
    """Send, each message signed by the creditor it names, and wait for every
    acknowledgement; the partition of each message, in order (`partition` pins them all
    to one)."""
    producer = librdkafka(bootstrap, **conf)
    keys = decode_keys(SENDER_KEYS)
    partitions: list[int | None] = [None] * len(messages)
    errors: list[str] = []

    def done(i: int) -> Any:
        def report(err: Any, msg: Any) -> None:
            if err is not None:
                errors.append(str(err))
            else:
                partitions[i] = msg.partition()
        return report

    for i, (key, value) in enumerate(messages):
        extra = {} if partition is None else {"partition": partition}
        producer.produce(topic, key=key, value=value, headers=signed(keys, value),
                         on_delivery=done(i), **extra)
        producer.poll(0)
    assert producer.flush(60) == 0, "librdkafka did not deliver everything"
    assert not errors, errors
    return [p for p in partitions if p is not None]
