# SPDX-License-Identifier: EUPL-1.2
"""The intake consumer: poll a batch, run the pipeline (which commits to the database),
publish dead letters and feedback, then commit the consumer's positions. See ADR 0006.

At-least-once delivery plus the idempotent store gives effectively-once results: whatever
dies between the database commit and the offset commit, the batch comes back, and every
signal in it is a `DUPLICAAT` that changes nothing.

What is committed is the consumer's position after the batch, not the last record's
offset + 1: the position has also passed the control records that end transactions and
the batches of aborted ones, so a partition whose last write was a transaction marker
reaches lag 0 (issue 14). A position that moves without records (an aborted transaction,
a marker fetched later) is committed after an empty poll.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kafka import (
    ConsumerRebalanceListener,
    KafkaConsumer,
    KafkaProducer,
    OffsetAndMetadata,
    TopicPartition,
)
from kafka import codec as kafka_codec
from kafka.errors import CommitFailedError, KafkaError

from streaming import health as h
from streaming.backoff import Backoff
from streaming.database import Database
from streaming.dead_letter import DeadLetterSeal
from streaming.fetch_fault import FetchFault, discard_inline_records, undecodable
from streaming.intake import SOURCE, BatchOutcome, DatabaseUnavailable, ingest
from streaming.lag import LagMonitor
from streaming.metrics import ConsumerMetrics
from streaming.publish import Delivery, Published, Publisher
from streaming.records import Batch
from streaming.sender import SenderCheck, decode_keys
from streaming.settings import StreamingSettings
from streaming.topics import admin_client, max_message_bytes
from vroegsignaal.config import Settings, get_settings
from vroegsignaal.runtime import collect_between_batches

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ConsumerTotals:
    records: int = 0
    batches: int = 0
    per_reden: Counter[str] = field(default_factory=Counter)
    dead_letters: Counter[str] = field(default_factory=Counter)
    feedback: Counter[str] = field(default_factory=Counter)


@dataclass(slots=True)
class _Stall:
    """A partition paused after a poll error a retry does not fix."""

    offset: int
    error: str
    attempts: int = 0
    resume_at: float = 0.0  # 0: resumed, on trial until its position passes `offset`


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


def missing_codecs() -> list[str]:
    """Compression codecs kafka-python cannot decode in this installation."""
    checks = {"snappy": kafka_codec.has_snappy, "lz4": kafka_codec.has_lz4,
              "zstd": kafka_codec.has_zstd}
    return [name for name, present in checks.items() if not present()]


class IntakeConsumer:
    """One member of the intake consumer group; `run()` until `stop` is set."""

    def __init__(
        self,
        settings: StreamingSettings,
        *,
        database_url: str | None = None,
        core: Settings | None = None,
        metrics: ConsumerMetrics | None = None,
        health: h.Health | None = None,
        stop: threading.Event | None = None,
        on_batch: Callable[[BatchReport], None] | None = None,
        watch_parent: bool = False,
    ) -> None:
        self.settings = settings
        self.core = core or get_settings()
        self.database_url = database_url or self.core.database_url
        self.metrics = metrics or ConsumerMetrics()
        self.health = health or h.Health(
            self.metrics, live_after_s=settings.max_poll_interval_ms / 1000)
        self.stop = stop or threading.Event()
        self.on_batch = on_batch
        self.totals = ConsumerTotals()
        self._parent = os.getppid() if watch_parent else None
        self._committed: dict[TopicPartition, int] = {}
        self._assigned: set[TopicPartition] = set()
        self._stalled: dict[TopicPartition, _Stall] = {}
        self._decode_failures: dict[tuple[TopicPartition, int], int] = {}
        self._poll_failures = 0
        self._positions_checked = 0.0
        self._stop_deadline: float | None = None
        self._db_failures = 0  # consecutive batches the database refused; drives the backoff
        self._lock = threading.Lock()
        self._senders = SenderCheck(decode_keys(settings.sender_keys))

    # -- rebalance bookkeeping (IO thread) -------------------------------------------
    def _forget(self, tps: Any) -> None:
        with self._lock:
            for tp in tps:
                self._assigned.discard(tp)
                self._committed.pop(tp, None)
                self._stalled.pop(tp, None)
            self.metrics.assigned.set(len(self._assigned))
            self.metrics.stalled.set(len(self._stalled))
            self.health.set(h.STALLED, bool(self._stalled))

    def _assignment_after(self, assigned: Any) -> set[TopicPartition]:
        with self._lock:
            self._assigned |= set(assigned)
            return set(self._assigned)

    def assigned(self) -> set[TopicPartition]:
        with self._lock:
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
            **self.settings.output_producer_config(),
            client_id=f"{self.settings.client_id}-uitvoer",
        )

    def _dead_letter_limit(self) -> int:
        """Largest dead-letter record: the topic's max.message.bytes as the broker reports
        it (the configured value if it does not), and never above the producer's limit."""
        s = self.settings
        topic_limit = None
        try:
            admin = admin_client(s)
        except KafkaError as exc:
            log.warning("kafka admin client unavailable error=%s", type(exc).__name__)
        else:
            try:
                topic_limit = max_message_bytes(admin, s.dead_letter_topic)
            finally:
                admin.close()
        limit = min(topic_limit or s.dead_letter_max_bytes,
                    s.producer_config()["max_request_size"])
        log.info("kafka dead letters bounded bytes=%d topic=%s source=%s", limit,
                 s.dead_letter_topic, "broker" if topic_limit else "settings")
        return limit

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
        missing = missing_codecs()
        if missing:
            # Records in these codecs stall their partition (never skipped): a redeploy
            # with the codecs fixes it. Readiness fails meanwhile.
            log.error("kafka compression codecs missing from this installation codecs=%s",
                      ",".join(missing))
            self.health.set(h.CODEC, True)
        self._warm_up()
        db = Database(self.database_url)
        publisher = Publisher(
            self._producer(),
            feedback_topic=s.feedback_topic,
            dead_letter_topic=s.dead_letter_topic,
            seal=DeadLetterSeal.from_settings(self.core),
            max_record_bytes=self._dead_letter_limit(),
        )
        consumer = self._consumer()
        lag = LagMonitor(s, self.metrics, self.assigned)
        lag.start()
        log.info(
            "kafka consumer started topic=%s group=%s instance=%s batch_size=%d",
            s.intake_topic, s.group_id, s.instance_id or "-", s.batch_size,
        )
        self.health.set(h.STARTING, False)
        try:
            while not self._stopping():
                self.health.tick()
                self._resume_due(consumer)
                try:
                    polled = consumer.poll(timeout_ms=s.poll_timeout_ms, max_records=s.batch_size)
                except Exception as exc:
                    self._poll_error(consumer, db, publisher, exc)
                    continue
                self._poll_ok(consumer)
                if polled:
                    collect_between_batches()
                    self._handle(consumer, db, publisher, Batch.from_poll(polled))
                else:
                    self._commit_moved_positions(consumer)
        finally:
            lag.stop()
            self.health.set(h.STARTING, True)
            close_s = max(1.0, min(10.0, self._time_left() / 2))
            try:
                publisher.producer.close(timeout=close_s)
            finally:
                consumer.close(autocommit=False, timeout_ms=int(close_s * 1000))
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
        if self.stop.is_set() and self._stop_deadline is None:
            self._stop_deadline = time.monotonic() + self.settings.stop_grace_s
        return self.stop.is_set()

    def _time_left(self) -> float:
        """Seconds of the SIGTERM grace time left (all of it while not stopping)."""
        if self._stop_deadline is None:
            return self.settings.stop_grace_s
        return self._stop_deadline - time.monotonic()

    def _idle(self, consumer: KafkaConsumer, seconds: float) -> None:
        """Keep the group membership for `seconds` with all partitions paused; records of
        partitions assigned meanwhile are given back. Ends early on SIGTERM."""
        until = time.monotonic() + seconds
        while not self._stopping():
            left = until - time.monotonic()
            if left <= 0:
                return
            self.health.tick()
            consumer.pause(*consumer.assignment())
            try:
                polled = consumer.poll(timeout_ms=int(min(1.0, left) * 1000))
            except Exception as exc:  # the fault being waited out may also fail polls
                discard_inline_records(consumer)
                log.debug("kafka poll failed while paused error=%s", type(exc).__name__)
                self.stop.wait(min(1.0, max(0.0, left)))
                continue
            if polled:  # partitions assigned during the pause are not paused yet
                self._rewind(consumer, Batch.from_poll(polled))

    def _resume(self, consumer: KafkaConsumer) -> None:
        """Resume what was paused for a wait, but not the partitions stalled on a fault."""
        with self._lock:
            stalled = {tp for tp, st in self._stalled.items() if st.resume_at}
        consumer.resume(*(tp for tp in consumer.paused() if tp not in stalled))

    # -- poll errors -----------------------------------------------------------------
    def _poll_error(
        self, consumer: KafkaConsumer, db: Database, publisher: Publisher, exc: BaseException
    ) -> None:
        """Never spin on a poll error (streaming/fetch_fault.py): an undecodable record is
        dead-lettered by its coordinates after a second try, a partition that keeps failing
        otherwise is paused with backoff, anything else backs off the whole consumer."""
        name = type(exc).__name__
        self.metrics.poll_errors.labels(name).inc()
        fault = discard_inline_records(consumer)
        if fault is not None and fault.tp in consumer.assignment():
            if undecodable(exc):
                self._undecodable(consumer, db, publisher, fault, name)
            else:
                self._stall(consumer, fault, name)
            return
        self._poll_failures += 1
        backoff = Backoff(self.settings.partition_backoff_initial_s,
                          self.settings.partition_backoff_max_s)
        if self._poll_failures == 1:
            log.warning("kafka poll failed; retrying with backoff error=%s partitions=%s",
                        name, _names(consumer.assignment()))
        elif self._poll_failures == 6:  # about a minute of failures: escalate, once
            log.error("kafka poll keeps failing error=%s attempts=%d", name, self._poll_failures)
        self.metrics.poll_failing.set(1)
        self.health.set(h.POLL, True)
        self.stop.wait(backoff.delay(self._poll_failures - 1))

    def _poll_ok(self, consumer: KafkaConsumer) -> None:
        if self._poll_failures:
            log.info("kafka poll recovered after attempts=%d", self._poll_failures)
            self._poll_failures = 0
            self.metrics.poll_failing.set(0)
            self.health.set(h.POLL, False)
        with self._lock:
            on_trial = [(tp, st) for tp, st in self._stalled.items() if not st.resume_at]
        for tp, st in on_trial:
            try:
                position = consumer.position(tp, timeout_ms=100)
            except (KafkaError, AssertionError):
                continue
            if position is not None and position > st.offset:
                log.info("kafka partition recovered partition=%d offset=%d attempts=%d",
                         tp.partition, st.offset, st.attempts)
                self._unstall(tp)

    def _undecodable(
        self, consumer: KafkaConsumer, db: Database, publisher: Publisher, fault: FetchFault,
        name: str,
    ) -> None:
        where = (fault.tp, fault.offset)
        seen = self._decode_failures.get(where, 0) + 1
        if seen == 1:  # a batch damaged in transit decodes when fetched again
            if len(self._decode_failures) > 1000:
                self._decode_failures.clear()
            self._decode_failures[where] = seen
            log.warning("kafka record could not be decoded; fetching it again partition=%d "
                        "offset=%d error=%s", fault.tp.partition, fault.offset, name)
            return
        self._decode_failures.pop(where, None)
        log.error("kafka record undecodable; dead-lettering it by its coordinates and moving "
                  "on partition=%d offset=%d error=%s", fault.tp.partition, fault.offset, name)
        consumer.seek(fault.tp, fault.offset + 1)
        self._handle(consumer, db, publisher, Batch.undecodable(fault, name))

    def _stall(self, consumer: KafkaConsumer, fault: FetchFault, name: str) -> None:
        s = self.settings
        with self._lock:
            st = self._stalled.get(fault.tp)
            first = st is None or st.offset != fault.offset
            if st is None or first:
                st = self._stalled[fault.tp] = _Stall(fault.offset, name)
            st.attempts += 1
            delay = Backoff(s.partition_backoff_initial_s,
                            s.partition_backoff_max_s).delay(st.attempts - 1)
            st.resume_at = time.monotonic() + delay
            self.metrics.stalled.set(len(self._stalled))
        consumer.pause(fault.tp)
        self.health.set(h.STALLED, True)
        if first:
            log.error("kafka poll error a retry does not fix; partition paused and retried "
                      "with backoff partition=%d offset=%d error=%s", fault.tp.partition,
                      fault.offset, name)

    def _unstall(self, tp: TopicPartition) -> None:
        with self._lock:
            self._stalled.pop(tp, None)
            self.metrics.stalled.set(len(self._stalled))
            self.health.set(h.STALLED, bool(self._stalled))

    def _resume_due(self, consumer: KafkaConsumer) -> None:
        now = time.monotonic()
        with self._lock:
            due = [tp for tp, st in self._stalled.items() if st.resume_at and st.resume_at <= now]
            for tp in due:
                self._stalled[tp].resume_at = 0.0
        if due:
            consumer.resume(*due)

    # -- one batch -------------------------------------------------------------------
    def _handle(
        self, consumer: KafkaConsumer, db: Database, publisher: Publisher, batch: Batch
    ) -> None:
        started = time.perf_counter()
        for tp, last in batch.last.items():  # a record that failed once decoded this time
            for where in [w for w in self._decode_failures if w[0] == tp and w[1] <= last]:
                del self._decode_failures[where]
        try:
            outcome = ingest(db, batch.inputs(self._senders), self.core)
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
        published = self._publish(consumer, publisher, batch, outcome)
        if published is None:  # stopping while the broker was away: replayed on restart
            return
        self._commit_positions(consumer, batch)
        seconds = time.perf_counter() - started
        self._account(batch, outcome, published, seconds)

    def _publish(
        self, consumer: KafkaConsumer, publisher: Publisher, batch: Batch, outcome: BatchOutcome
    ) -> Published | None:
        """Dead letters and feedback acknowledged; when the broker stays away, hold the
        batch (its database work is done) and wait, paused, with backoff. None when
        SIGTERM's grace time ran out first."""
        s = self.settings
        delivery = publisher.prepare(batch, outcome)
        until = time.monotonic() + s.publish_timeout_s
        if self._deliver(publisher, delivery, s.publish_attempts, until):
            return delivery.done
        self.metrics.retries.labels("publiceren").inc()
        log.warning("kafka broker does not acknowledge dead letters or feedback; holding the "
                    "batch and pausing offsets=%s %s", batch.describe(), delivery.describe())
        self.metrics.paused.set(1)
        self.health.set(h.PUBLISHING, True)
        backoff = Backoff(s.db_backoff_initial_s, s.db_backoff_max_s)
        attempt = 0
        try:
            while not self._stopping():
                self._idle(consumer, backoff.delay(attempt))
                if self._deliver(publisher, delivery, 1, time.monotonic() + s.publish_timeout_s):
                    log.info("kafka dead letters and feedback acknowledged after attempts=%d; "
                             "resuming", attempt + 1)
                    return delivery.done
                attempt += 1
            if self._deliver(publisher, delivery, 1, time.monotonic() + s.publish_timeout_s):
                return delivery.done
            log.warning("kafka stopping with dead letters or feedback unacknowledged; the batch "
                        "is replayed on restart offsets=%s", batch.describe())
            return None
        finally:
            self._resume(consumer)
            self.metrics.paused.set(0)
            self.health.set(h.PUBLISHING, False)

    def _deliver(self, publisher: Publisher, d: Delivery, rounds: int, until: float) -> bool:
        def deadline() -> float:
            if self._stopping() and self._stop_deadline is not None:
                return min(until, self._stop_deadline)
            return until

        done = publisher.deliver(d, rounds=rounds, deadline=deadline)
        for error, n in (d.done.failures - d.reported).items():
            self.metrics.publish_failures.labels(error).inc(n)
        d.reported = Counter(d.done.failures)
        return done

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
        for origineel, n in published.originals.items():
            m.originals.labels(origineel).inc(n)
        for soort, n in published.dropped.items():
            m.publish_dropped.labels(soort).inc(n)
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
    def _moved_positions(
        self, consumer: KafkaConsumer, batch: Batch | None
    ) -> dict[TopicPartition, OffsetAndMetadata]:
        """Positions beyond what this member last committed (all records before them are
        handled: every poll's records are processed before the next poll)."""
        offsets = {}
        for tp in consumer.assignment():
            try:
                position = consumer.position(tp, timeout_ms=100)
            except (KafkaError, AssertionError):
                continue
            if position is None or position <= self._committed.get(tp, -1):
                continue
            epoch = batch.leader_epoch.get(tp, -1) if batch is not None else -1
            offsets[tp] = OffsetAndMetadata(position, "", epoch)
        return offsets

    def _commit_moved_positions(self, consumer: KafkaConsumer) -> None:
        """After empty polls (at most once a second): a position that moved without
        records, past a transaction marker or an aborted transaction."""
        now = time.monotonic()
        if now - self._positions_checked < 1.0:
            return
        self._positions_checked = now
        offsets = self._moved_positions(consumer, None)
        if offsets:
            self._commit(consumer, offsets, ",".join(
                f"p{tp.partition}:{m.offset}" for tp, m in sorted(offsets.items())))

    def _commit_positions(self, consumer: KafkaConsumer, batch: Batch) -> None:
        """Commit after the database and the broker acknowledged everything. A failed commit
        loses nothing: the records come back as replays."""
        offsets = self._moved_positions(consumer, batch)
        if offsets:
            self._commit(consumer, offsets, batch.describe())

    def _commit(
        self, consumer: KafkaConsumer, offsets: dict[TopicPartition, OffsetAndMetadata],
        describe: str,
    ) -> None:
        backoff = Backoff(0.2, 2.0)
        for attempt in range(5):
            try:
                consumer.commit(offsets=offsets, timeout_ms=self.settings.commit_timeout_ms)
            except CommitFailedError:
                # The group rebalanced: these partitions may belong to another member now,
                # which starts at the last committed offset and sees replays.
                self.metrics.commit_failures.inc()
                log.warning("kafka offset commit refused after a rebalance offsets=%s", describe)
                return
            except KafkaError as exc:
                self.metrics.commit_failures.inc()
                log.warning("kafka offset commit failed attempt=%d error=%s offsets=%s",
                            attempt + 1, type(exc).__name__, describe)
                self.stop.wait(backoff.delay(attempt))
                continue
            with self._lock:
                for tp, meta in offsets.items():
                    if tp in self._assigned:
                        self._committed[tp] = meta.offset
            self.metrics.last_commit.set_to_current_time()
            return
        log.error("kafka offset commit gave up; the next commit covers it offsets=%s", describe)

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
        self.health.set(h.DATABASE, True)
        backoff = Backoff(self.settings.db_backoff_initial_s, self.settings.db_backoff_max_s)
        # Reachable but still failing (e.g. a migration missing): wait longer each time.
        attempt = self._db_failures
        try:
            while not self._stopping():
                self._idle(consumer, backoff.delay(attempt))
                if self._stopping():
                    return
                if db.available():
                    log.info("kafka database available again after attempts=%d; resuming",
                             attempt + 1)
                    return
                attempt += 1
                log.warning("kafka database still unavailable attempt=%d next_s=%.1f",
                            attempt, backoff.delay(attempt))
        finally:
            self._resume(consumer)
            self.metrics.paused.set(0)
            self.health.set(h.DATABASE, False)
