# SPDX-License-Identifier: EUPL-1.2
"""Helpers for the streaming integration tests: topics, producing, consumer processes,
group offsets and the database invariants that "nothing lost, nothing twice" means."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from prometheus_client.parser import text_string_to_metric_families

from streaming import topics as topic_admin
from streaming.keys import gemeente_key
from streaming.sender import decode_keys, sender_headers
from streaming.settings import StreamingSettings
from streaming.topics import ensure_topics
from synthetic.creditors import SCHULDEISER_CODES
from vroegsignaal.contract.decode import decode_message

REPO_ROOT = Path(__file__).resolve().parents[3]


def _test_key(code: str) -> str:
    return base64.b64encode(hashlib.sha256(b"vs-test-afzender:" + code.encode()).digest()).decode()


# Every creditor the tests send for has a sender key (streaming/sender.py, ADR 0017); the
# session sets them as VROEGSIGNAAL_KAFKA_SENDER_KEYS for consumers and `send` alike.
SENDER_KEYS = {
    code: _test_key(code)
    for code in (*SCHULDEISER_CODES, "WBV-TEST", "WBV-EEN", "WATER-TEST", "ENECO-TEST",
                 "WBV-VELD", "EN-VELD", "EN-TEST")
}
CLI = [sys.executable, "-c", "from cli import main; main()"]
Message = tuple[bytes | None, bytes | None]  # (key, value)
CREATED_TOPICS: dict[str, set[str]] = {}  # bootstrap -> topics, deleted after the session


def remember_topics(settings: StreamingSettings) -> None:
    CREATED_TOPICS.setdefault(settings.bootstrap_servers, set()).update(
        {settings.intake_topic, settings.feedback_topic, settings.dead_letter_topic}
    )


def delete_created_topics() -> None:
    for bootstrap, topics in CREATED_TOPICS.items():
        try:
            admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="vs-test-cleanup",
                                     request_timeout_ms=10_000)
            existing = set(admin.list_topics())
            if topics & existing:
                admin.delete_topics(sorted(topics & existing), timeout_ms=30_000)
            admin.close()
        except Exception as exc:  # a broker that is gone (a test's own) has nothing left
            print(f"could not delete test topics on {bootstrap}: {type(exc).__name__}")
    CREATED_TOPICS.clear()


def new_settings(bootstrap: str, *, partitions: int = 12, **overrides: Any) -> StreamingSettings:
    """Fresh topics and group for one test, created the way the consumer creates them."""
    tag = uuid.uuid4().hex[:10]
    settings = StreamingSettings(
        bootstrap_servers=bootstrap,
        intake_topic=f"vs-stream-{tag}.signalen",
        feedback_topic=f"vs-stream-{tag}.terugkoppeling",
        dead_letter_topic=f"vs-stream-{tag}.dlq",
        group_id=f"vs-stream-{tag}",
        partitions=partitions,
        feedback_partitions=4,
        **overrides,
    )
    ensure_topics(settings)
    remember_topics(settings)
    return settings


def keyed(messages: Iterable[dict[str, Any]]) -> list[Message]:
    """Messages as the send command keys them: by municipality."""
    return [(gemeente_key(m).encode(), orjson.dumps(m)) for m in messages]


def signal_messages(prefix: str, n: int, keys: list[str] | None = None) -> list[Message]:
    """Valid signals with ids prefix-0..n-1, one household each, keyed by municipality:
    the factory's postcode is Utrecht's, or `keys` in turn to spread them over partitions."""
    from tests.factories import signaal

    out = []
    for i in range(n):
        key = keys[i % len(keys)] if keys else "GM0344"
        msg = signaal(signaalId=f"{prefix}-{i}", client__huisnummer=str(100 + i))
        out.append((key.encode(), orjson.dumps(msg)))
    return out


def signal_ids(messages: Iterable[Message]) -> set[str]:
    return {orjson.loads(v)["signaalId"] for _, v in messages if v is not None}


def stored_signal_ids(url: str) -> set[str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as c:
        ids = set(c.execute(sa.text("SELECT signaal_id FROM signaal")).scalars())
    engine.dispose()
    return ids


def produce(
    settings: StreamingSettings, messages: Iterable[Message], topic: str | None = None
) -> int:
    producer = KafkaProducer(
        **{**settings.producer_config(), "linger_ms": 20, "batch_size": 512 * 1024},
        client_id="vs-test-producer",
    )
    n = 0
    keys = decode_keys(settings.sender_keys)
    try:
        for key, value in messages:
            producer.send(topic or settings.intake_topic, key=key, value=value,
                          headers=signed(keys, value))
            n += 1
        producer.flush(timeout=120)
    finally:
        producer.close(timeout=30)
    return n


def signed(keys: dict[str, bytes], value: bytes | None) -> list[tuple[str, bytes]]:
    """The sender headers its creditor would add (none when the value names no known one)."""
    data, _ = decode_message(value or b"")  # as the door reads it (a byte-order mark too)
    code = data.get("schuldeiser") if data is not None else None
    key = keys.get(code) if isinstance(code, str) else None
    return [] if key is None or value is None else sender_headers(code, key, value)


class Progress:
    """Watches a run cheaply (one admin client, one database engine) without slowing it."""

    def __init__(self, settings: StreamingSettings, database_url: str | None = None) -> None:
        self.settings = settings
        self.admin = KafkaAdminClient(**settings.client_config(), client_id="vs-test-admin")
        self.engine = sa.create_engine(database_url) if database_url else None

    def committed(self) -> int:
        """Sum of the group's committed offsets on the intake topic (topics start at 0)."""
        return topic_admin.committed_total(
            self.admin, self.settings.group_id, self.settings.intake_topic)

    def batches(self) -> int:
        """intake_batch rows written by the Kafka door: one per database commit."""
        assert self.engine is not None
        with self.engine.connect() as c:
            return int(c.execute(
                sa.text("SELECT count(*) FROM intake_batch WHERE bron = 'kafka'")).scalar_one())

    def close(self) -> None:
        self.admin.close()
        if self.engine is not None:
            self.engine.dispose()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def committed_total(settings: StreamingSettings) -> int:
    with Progress(settings) as p:
        return p.committed()


def read_all(settings: StreamingSettings, topic: str, timeout_s: float = 60) -> list[Any]:
    """Every record of a topic, from a group-less consumer."""
    consumer = KafkaConsumer(**settings.client_config(), client_id="vs-test-reader")
    try:
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        end = consumer.end_offsets(tps)
        records: list[Any] = []
        deadline = time.monotonic() + timeout_s
        while any(consumer.position(tp) < end[tp] for tp in tps):
            if time.monotonic() > deadline:
                raise AssertionError(f"could not read {topic} to its end")
            for recs in consumer.poll(timeout_ms=500).values():
                records.extend(recs)
        return records
    finally:
        consumer.close()


def wait_until(predicate: Callable[[], Any], *, timeout: float, interval: float = 0.2,
               what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Samples of a consumer's /metrics endpoint: (name, sorted labels) -> value."""
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
        text = resp.read().decode()
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def metric(samples: dict[Any, float], name: str, **labels: str) -> float:
    """Sum of the samples of `name` whose labels include `labels`."""
    return sum(
        v for (n, lab), v in samples.items()
        if n == name and all(dict(lab).get(k) == val for k, val in labels.items())
    )


@dataclass
class ConsumerProcess:
    """`vroegsignaal consume` as a separate process group (so SIGKILL takes the workers too)."""

    proc: subprocess.Popen[bytes]
    log_path: Path

    @classmethod
    def start(cls, settings: StreamingSettings, database_url: str, log_path: Path,
              *args: str, env: dict[str, str] | None = None,
              prelude: str = "") -> ConsumerProcess:
        """`prelude`: Python run before the CLI, e.g. to take a library away."""
        environment = {
            **os.environ,
            "VROEGSIGNAAL_DATABASE_URL": database_url,
            "VROEGSIGNAAL_LOG_LEVEL": "INFO",
            "VROEGSIGNAAL_KAFKA_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
            "VROEGSIGNAAL_KAFKA_INTAKE_TOPIC": settings.intake_topic,
            "VROEGSIGNAAL_KAFKA_FEEDBACK_TOPIC": settings.feedback_topic,
            "VROEGSIGNAAL_KAFKA_DEAD_LETTER_TOPIC": settings.dead_letter_topic,
            "VROEGSIGNAAL_KAFKA_GROUP_ID": settings.group_id,
            "VROEGSIGNAAL_KAFKA_PARTITIONS": str(settings.partitions),
            "VROEGSIGNAAL_KAFKA_FEEDBACK_PARTITIONS": str(settings.feedback_partitions),
            **(env or {}),
        }
        log = log_path.open("ab")
        command = [*CLI[:2], prelude + CLI[2]] if prelude else CLI
        proc = subprocess.Popen(
            [*command, "consume", *args], cwd=REPO_ROOT, env=environment,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        return cls(proc, log_path)

    def signal(self, sig: signal.Signals) -> None:
        os.killpg(self.proc.pid, sig)

    def kill(self) -> None:
        """SIGKILL to the whole process group: parent and workers die at once."""
        self.signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self, timeout: float = 60) -> int:
        """SIGTERM and wait; the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def ensure_gone(self) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                self.signal(signal.SIGKILL)
            self.proc.wait(timeout=30)


_OUR_ERROR = re.compile(r" (ERROR|CRITICAL) (worker=\d+ )?(streaming|vroegsignaal)[.\w]* ")
_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def our_failures(log: str) -> list[str]:
    """Errors logged by our code, and tracebacks through it. kafka-python logs its own
    reconnects with tracebacks at WARNING; those are the library's business."""
    found = [line for line in log.splitlines() if _OUR_ERROR.search(line)]
    for block in log.split("Traceback (most recent call last):")[1:]:
        lines = []
        for line in block.splitlines()[1:]:
            if _LOG_LINE.match(line):
                break
            lines.append(line)
        text = "\n".join(lines)
        if "/streaming/" in text or "/vroegsignaal/" in text:
            found.append("Traceback:\n" + text[-2000:])
    return found


# -- database ------------------------------------------------------------------------


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def db_state(url: str) -> dict[str, Any]:
    """Counts and invariants after a stream; equal states mean equal results."""
    engine = _engine(url)
    q = sa.text
    with engine.connect() as c:
        signals = c.execute(q("SELECT schuldeiser, signaal_id, reden FROM signaal")).all()
        refusals = [
            (r[0], r[1], r[2], orjson.dumps(r[3]).decode())
            for r in c.execute(
                q("SELECT schuldeiser, signaal_id, reden, details FROM intake_weigering")
            )
        ]
        cases = c.execute(q(
            "SELECT s.schuldeiser, s.signaal_id, z.zaaktype, z.matchingsperiode, z.aantal_signalen "
            "FROM signaal s JOIN zaak z ON z.id = s.zaak_id"
        )).all()
        state = {
            "signals": len(signals),
            "signal_keys": len({(r[0], r[1]) for r in signals}),
            "signal_rows": frozenset(signals),
            "per_reden": dict(Counter(r[2] for r in signals)),
            # A replayed refusal adds no row (intake_weigering.sleutel): count and set agree.
            "refusal_rows": len(refusals),
            "refusals": frozenset(refusals),
            "bezwaar_keys": frozenset((r[0], r[1]) for r in refusals if r[2] == "BEZWAAR"),
            "case_membership": frozenset(cases),
            "cases": c.execute(q("SELECT count(*) FROM zaak")).scalar_one(),
            "per_zaaktype": dict(c.execute(
                q("SELECT zaaktype, count(*) FROM zaak GROUP BY zaaktype")).all()),
            "queue_items": c.execute(q("SELECT count(*) FROM werkvoorraad_item")).scalar_one(),
            "queue_cases": c.execute(
                q("SELECT count(DISTINCT zaak_id) FROM werkvoorraad_item")).scalar_one(),
            "cases_without_item": c.execute(q(
                "SELECT count(*) FROM zaak z WHERE NOT EXISTS "
                "(SELECT 1 FROM werkvoorraad_item w WHERE w.zaak_id = z.id)")).scalar_one(),
            "cases_miscounted": c.execute(q(
                "SELECT count(*) FROM zaak z WHERE z.aantal_signalen <> "
                "(SELECT count(*) FROM signaal s WHERE s.zaak_id = z.id)")).scalar_one(),
            "picked_up_without_case": c.execute(q(
                "SELECT count(*) FROM signaal WHERE reden = 'OPGEPAKT' AND zaak_id IS NULL"
            )).scalar_one(),
        }
        processed: Counter[str] = Counter()
        for (aantallen,) in c.execute(q("SELECT aantallen FROM intake_batch WHERE bron = 'kafka'")):
            processed.update(aantallen)
        state["processed"] = sum(processed.values())
        state["replayed"] = processed.get("DUPLICAAT", 0)
    engine.dispose()
    return state


def assert_consistent(state: dict[str, Any]) -> None:
    """Nothing stored twice, nothing half-done."""
    assert state["signals"] == state["signal_keys"], "a signal was stored twice"
    assert state["queue_items"] == state["queue_cases"] == state["cases"], state
    assert state["cases_without_item"] == 0
    assert state["cases_miscounted"] == 0, "a case counts a signal twice or misses one"
    assert state["picked_up_without_case"] == 0


def dead_letter_sources(settings: StreamingSettings) -> set[tuple[int, int]]:
    """Distinct (partition, offset) of the originals in the dead-letter topic."""
    out = set()
    for rec in read_all(settings, settings.dead_letter_topic):
        h = {k: v.decode() for k, v in rec.headers}
        out.add((int(h["bron-partitie"]), int(h["bron-offset"])))
    return out


def taken_in(state: dict[str, Any], dead_letters: set[tuple[int, int]]) -> int:
    """Messages with a lasting result: stored signals, objections (refused, keyed) and
    dead letters (refused as invalid, counted by their source offset)."""
    return state["signals"] + len(state["bezwaar_keys"]) + len(dead_letters)


COMPARED = ("signals", "signal_rows", "per_reden", "refusal_rows", "refusals",
            "case_membership", "cases", "per_zaaktype", "queue_items")


def same_result(a: dict[str, Any], b: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The keys on which two states differ (sets shown by size)."""
    diff = {}
    for k in COMPARED:
        if a[k] != b[k]:
            va, vb = a[k], b[k]
            if isinstance(va, frozenset):
                va, vb = f"{len(va)} rows, {len(va - vb)} only here", f"{len(vb)} rows"
            diff[k] = (va, vb)
    return diff


class ConsumerThread:
    """An `IntakeConsumer` on a thread of the test process, for tests that look inside."""

    def __init__(self, settings: StreamingSettings, database_url: str) -> None:
        import threading

        from streaming.consumer import IntakeConsumer

        self.stop = threading.Event()
        self.consumer = IntakeConsumer(settings, database_url=database_url, stop=self.stop)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="vs-test-consumer", daemon=True)

    def _run(self) -> None:
        try:
            self.consumer.run()
        except BaseException as exc:  # surfaced by __exit__
            self.error = exc

    def __enter__(self) -> ConsumerThread:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=60)
        assert not self.thread.is_alive(), "the consumer did not stop within 60 s"
        if self.error is not None:
            raise self.error
