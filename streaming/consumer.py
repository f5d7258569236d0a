# SPDX-License-Identifier: EUPL-1.2
"""The intake consumer: poll a batch, run the pipeline (which commits to the database),
publish dead letters and feedback, then commit the offsets. See ADR 0006.

At-least-once delivery plus the idempotent store gives effectively-once results: whatever
dies between the database commit and the offset commit, the batch comes back, and every
signal in it is a `DUPLICAAT` that changes nothing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kafka import ConsumerRebalanceListener, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import CommitFailedError, KafkaError

from streaming.backoff import Backoff
from streaming.database import Database
from streaming.dead_letter import DeadLetterSeal
from streaming.intake import SOURCE, BatchOutcome, DatabaseUnavailable, ingest
from streaming.metrics import ConsumerMetrics
from streaming.publish import Published, Publisher, PublishFailed
from streaming.records import Batch
from streaming.settings import StreamingSettings
from vroegsignaal.config import Settings, get_settings

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ConsumerTotals:
    records: int = 0
    batches: int = 0
    per_reden: Counter[str] = field(default_factory=Counter)
    dead_letters: Counter[str] = field(default_factory=Counter)
    feedback: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True, slots=True)
class BatchReport:
    """What one committed batch did; handed to `on_batch` (benchmarks, tests)."""

    records: int
    seconds: float
    outcome: BatchOutcome
    published: Published


class _Listener(ConsumerRebalanceListener):
    """Runs on kafka-python's IO thread: bookkeeping only, no blocking calls."""

    def __init__(self, owner: IntakeConsumer) -> None:
        self.owner = owner

    def on_partitions_revoked(self, revoked: Any) -> None:
        self.owner._forget(revoked)
        if revoked:
            log.info("kafka partitions revoked partitions=%s", _names(revoked))

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.owner.metrics.assigned.set(len(self.owner._assignment_after(assigned)))
        log.info("kafka partitions assigned partitions=%s", _names(assigned))

    def on_partitions_lost(self, lost: Any) -> None:
        self.on_partitions_revoked(lost)


def _names(tps: Any) -> str:
    return ",".join(f"p{tp.partition}" for tp in sorted(tps, key=lambda t: t.partition)) or "-"


class IntakeConsumer:
    """One member of the intake consumer group; `run()` until `stop` is set."""

    def __init__(
        self,
        settings: StreamingSettings,
        *,
        database_url: str | None = None,
        core: Settings | None = None,
        metrics: ConsumerMetrics | None = None,
        stop: threading.Event | None = None,
        on_batch: Callable[[BatchReport], None] | None = None,
        watch_parent: bool = False,
    ) -> None:
        self.settings = settings
        self.core = core or get_settings()
        self.database_url = database_url or self.core.database_url
        self.metrics = metrics or ConsumerMetrics()
        self.stop = stop or threading.Event()
        self.on_batch = on_batch
        self.totals = ConsumerTotals()
        self._parent = os.getppid() if watch_parent else None
        self._committed: dict[TopicPartition, int] = {}
        self._assigned: set[TopicPartition] = set()
        self._lag_checked = 0.0
        self._db_failures = 0  # consecutive batches the database refused; drives the backoff
        self._lock = threading.Lock()

    # -- rebalance bookkeeping (IO thread) -------------------------------------------
    def _forget(self, tps: Any) -> None:
        with self._lock:
            for tp in tps:
                self._assigned.discard(tp)
                self._committed.pop(tp, None)
                with contextlib.suppress(KeyError):
                    self.metrics.lag.remove(tp.topic, str(tp.partition))
            self.metrics.assigned.set(len(self._assigned))

    def _assignment_after(self, assigned: Any) -> set[TopicPartition]:
        with self._lock:
            self._assigned |= set(assigned)
            return set(self._assigned)

    # -- clients ---------------------------------------------------------------------
    def _consumer(self) -> KafkaConsumer:
        s = self.settings
        consumer = KafkaConsumer(
            **s.client_config(),
            client_id=f"{s.client_id}-intake",
            group_id=s.group_id,
            group_instance_id=s.instance_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",  # a new group starts at the beginning: lose nothing
            max_poll_records=s.batch_size,
            max_poll_interval_ms=s.max_poll_interval_ms,
            session_timeout_ms=s.session_timeout_ms,
            heartbeat_interval_ms=max(1000, s.session_timeout_ms // 4),
            max_partition_fetch_bytes=s.max_partition_fetch_bytes,
            fetch_max_bytes=s.fetch_max_bytes,
            isolation_level="read_committed",  # transactional producers: committed data only
            allow_auto_create_topics=False,  # a 1-partition accident, never: streaming/topics.py
        )
        consumer.subscribe([s.intake_topic], listener=_Listener(self))
        return consumer

    def _producer(self) -> KafkaProducer:
        return KafkaProducer(
            **self.settings.producer_config(), client_id=f"{self.settings.client_id}-uitvoer"
        )

    # -- main loop -------------------------------------------------------------------
    def _warm_up(self) -> None:
        """Pay the pipeline's one-off costs (the model registry and its imports, reference
        data) before joining the group, not inside the first batch: seconds on a slow start,
        during which that batch's partitions would wait."""
        from vroegsignaal.reference import load_reference
        from vroegsignaal.runtime import tune_gc_for_batches
        from vroegsignaal.scoring import default_scorer

        started = time.perf_counter()
        load_reference()
        default_scorer(self.core)
        tune_gc_for_batches()
        log.info("kafka consumer warmed up seconds=%.1f", time.perf_counter() - started)

    def run(self) -> ConsumerTotals:
        s = self.settings
        self._warm_up()
        db = Database(self.database_url)
        consumer = self._consumer()
        producer = self._producer()
        publisher = Publisher(
            producer,
            feedback_topic=s.feedback_topic,
            dead_letter_topic=s.dead_letter_topic,
            seal=DeadLetterSeal.from_settings(self.core),
            timeout_s=s.publish_timeout_s,
        )
        log.info(
            "kafka consumer started topic=%s group=%s instance=%s batch_size=%d",
            s.intake_topic, s.group_id, s.instance_id or "-", s.batch_size,
        )
        try:
            while not self._stopping():
                try:
                    polled = consumer.poll(timeout_ms=s.poll_timeout_ms, max_records=s.batch_size)
                except KafkaError as exc:  # e.g. the broker is restarting; the client reconnects
                    log.warning("kafka poll failed error=%s", type(exc).__name__)
                    self.stop.wait(1.0)
                    continue
                if polled:
                    self._handle(consumer, db, publisher, Batch.from_poll(polled))
                self._update_lag(consumer)
        finally:
            try:
                producer.close(timeout=10)
            finally:
                consumer.close(autocommit=False, timeout_ms=10_000)
                db.dispose()
            log.info(
                "kafka consumer stopped records=%d batches=%d reasons=%s",
                self.totals.records, self.totals.batches, dict(self.totals.per_reden),
            )
        return self.totals

    def _stopping(self) -> bool:
        if self._parent is not None and os.getppid() != self._parent:
            log.warning("kafka consumer's parent process is gone; stopping")
            self.stop.set()
        return self.stop.is_set()

    def _handle(
        self, consumer: KafkaConsumer, db: Database, publisher: Publisher, batch: Batch
    ) -> None:
        started = time.perf_counter()
        try:
            outcome = ingest(db, batch.inputs(), self.core)
        except DatabaseUnavailable as exc:
            self.metrics.retries.labels("database").inc()
            log.warning(
                "kafka database unavailable; pausing error=%s offsets=%s", exc, batch.describe()
            )
            self._rewind(consumer, batch)
            self._wait_for_database(consumer, db)
            self._db_failures += 1
            return
        self._db_failures = 0
        try:
            published = publisher.publish(batch, outcome)
        except PublishFailed as exc:
            self.metrics.retries.labels("publiceren").inc()
            log.warning(
                "kafka publishing dead letters or feedback failed; batch will be retried "
                "error=%s offsets=%s", exc, batch.describe(),
            )
            self._rewind(consumer, batch)
            self.stop.wait(1.0)
            return
        self._commit(consumer, batch)
        seconds = time.perf_counter() - started
        self._account(batch, outcome, published, seconds)

    def _account(
        self, batch: Batch, outcome: BatchOutcome, published: Published, seconds: float
    ) -> None:
        m, t = self.metrics, self.totals
        reasons = Counter(o.reden.value for o in outcome.outcomes)
        m.records.labels(self.settings.intake_topic).inc(len(batch))
        m.batches.inc()
        m.batch_seconds.observe(seconds)
        m.batch_size.observe(len(batch))
        for reden, n in reasons.items():
            m.outcomes.labels(reden).inc(n)
        for reden, n in published.dead_letters.items():
            m.dead_letters.labels(reden).inc(n)
        for status, n in published.feedback.items():
            m.feedback.labels(status).inc(n)
        t.records += len(batch)
        t.batches += 1
        t.per_reden.update(reasons)
        t.dead_letters.update(published.dead_letters)
        t.feedback.update(published.feedback)
        log.info(
            "kafka batch batch_id=%s source=%s records=%d offsets=%s reasons=%s "
            "dead_letters=%d feedback=%d seconds=%.3f",
            ",".join(outcome.batch_ids[:3]) + ("..." if len(outcome.batch_ids) > 3 else ""),
            SOURCE, len(batch), batch.describe(), dict(reasons),
            sum(published.dead_letters.values()), sum(published.feedback.values()), seconds,
        )
        if self.on_batch is not None:
            self.on_batch(BatchReport(len(batch), seconds, outcome, published))

    # -- offsets ---------------------------------------------------------------------
    def _commit(self, consumer: KafkaConsumer, batch: Batch) -> None:
        """Commit after the database and the broker acknowledged everything. A failed commit
        loses nothing: the records come back as replays."""
        offsets = batch.commit_offsets()
        backoff = Backoff(0.2, 2.0)
        for attempt in range(5):
            try:
                consumer.commit(offsets=offsets, timeout_ms=self.settings.commit_timeout_ms)
            except CommitFailedError:
                # The group rebalanced: these partitions may belong to another member now,
                # which starts at the last committed offset and sees replays.
                self.metrics.commit_failures.inc()
                log.warning("kafka offset commit refused after a rebalance offsets=%s",
                            batch.describe())
                return
            except KafkaError as exc:
                self.metrics.commit_failures.inc()
                log.warning("kafka offset commit failed attempt=%d error=%s offsets=%s",
                            attempt + 1, type(exc).__name__, batch.describe())
                time.sleep(backoff.delay(attempt))
                continue
            with self._lock:
                for tp, meta in offsets.items():
                    self._committed[tp] = meta.offset
            self.metrics.last_commit.set_to_current_time()
            return
        log.error("kafka offset commit gave up; the next commit covers it offsets=%s",
                  batch.describe())

    def _rewind(self, consumer: KafkaConsumer, batch: Batch) -> None:
        """Give the batch back: the next poll returns the same records again."""
        assigned = consumer.assignment()
        for tp, offset in batch.first.items():
            if tp in assigned:
                consumer.seek(tp, offset)

    def _wait_for_database(self, consumer: KafkaConsumer, db: Database) -> None:
        """Back-pressure: stop fetching, keep the group membership alive with empty polls,
        probe the database with backoff, then resume where the batch started."""
        self.metrics.paused.set(1)
        backoff = Backoff(self.settings.db_backoff_initial_s, self.settings.db_backoff_max_s)
        # Reachable but still failing (e.g. a migration missing): wait longer each time.
        attempt = self._db_failures
        try:
            while not self._stopping():
                consumer.pause(*consumer.assignment())
                delay = backoff.delay(attempt)
                try:
                    polled = consumer.poll(timeout_ms=int(delay * 1000))
                except KafkaError as exc:
                    log.warning("kafka poll failed error=%s", type(exc).__name__)
                    polled = {}
                if polled:  # partitions assigned during the pause are not paused yet
                    self._rewind(consumer, Batch.from_poll(polled))
                if db.available():
                    log.info("kafka database available again after attempts=%d; resuming",
                             attempt + 1)
                    return
                attempt += 1
                log.warning("kafka database still unavailable attempt=%d next_s=%.1f",
                            attempt, backoff.delay(attempt))
        finally:
            consumer.resume(*consumer.paused())
            self.metrics.paused.set(0)

    def _update_lag(self, consumer: KafkaConsumer) -> None:
        now = time.monotonic()
        if now - self._lag_checked < 1.0:
            return
        self._lag_checked = now
        with self._lock:
            assigned = set(self._assigned)
            committed = dict(self._committed)
        for tp in assigned:
            try:
                highwater = consumer.highwater(tp)
                position = committed.get(tp)
                if position is None:
                    position = consumer.position(tp, timeout_ms=100)
            except (KafkaError, AssertionError):
                continue
            if highwater is not None and position is not None:
                lag = max(0, highwater - position)
                self.metrics.lag.labels(tp.topic, str(tp.partition)).set(lag)
