# SPDX-License-Identifier: EUPL-1.2
"""Prometheus metrics of one consumer process: codes and counts, never personal data.

Each consumer owns a registry, so several consumers in one process (tests) or several
worker processes on one host (each on its own port) never share or clash.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

BATCH_SECONDS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
BATCH_SIZES = (1, 10, 50, 100, 500, 1000, 2000, 5000, 10000)


class ConsumerMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.records = Counter(
            "vroegsignaal_kafka_records", "Intake records taken through the pipeline",
            ["topic"], registry=r)
        self.outcomes = Counter(
            "vroegsignaal_intake_outcomes", "Intake outcomes of the Kafka door per reason code",
            ["reden"], registry=r)
        self.dead_letters = Counter(
            "vroegsignaal_kafka_dead_letters", "Records sent to the dead-letter topic",
            ["reden"], registry=r)
        self.feedback = Counter(
            "vroegsignaal_kafka_feedback", "Feedback records sent to creditors per DDAS status",
            ["status"], registry=r)
        self.batches = Counter(
            "vroegsignaal_kafka_batches", "Batches committed (database and offsets)", registry=r)
        self.batch_seconds = Histogram(
            "vroegsignaal_kafka_batch_seconds",
            "Time from poll to offset commit for one batch", buckets=BATCH_SECONDS, registry=r)
        self.batch_size = Histogram(
            "vroegsignaal_kafka_batch_records", "Records per batch", buckets=BATCH_SIZES,
            registry=r)
        self.lag = Gauge(
            "vroegsignaal_kafka_consumer_lag",
            "Log end offset minus the group's committed offset, as kafka-consumer-groups.sh "
            "computes it", ["topic", "partition"], registry=r)
        self.paused = Gauge(
            "vroegsignaal_kafka_consumer_paused",
            "1 while fetching is paused: the database is unavailable, or the broker does not "
            "acknowledge dead letters and feedback", registry=r)
        self.poll_errors = Counter(
            "vroegsignaal_kafka_poll_errors", "Errors raised by the consumer's poll, per class",
            ["fout"], registry=r)
        self.stalled = Gauge(
            "vroegsignaal_kafka_stalled_partitions",
            "Partitions paused after a poll error a retry does not fix (retried with backoff)",
            registry=r)
        self.poll_failing = Gauge(
            "vroegsignaal_kafka_poll_failing",
            "1 while poll fails without a partition to blame (retried with backoff)", registry=r)
        self.originals = Counter(
            "vroegsignaal_kafka_dead_letter_originals",
            "Dead letters per what they hold: verzegeld (sealed original), weggelaten (digest "
            "and size only: too large), onleesbaar (coordinates only: undecodable record)",
            ["origineel"], registry=r)
        self.publish_failures = Counter(
            "vroegsignaal_kafka_publish_failures",
            "Dead-letter and feedback sends the broker did not acknowledge, per error",
            ["fout"], registry=r)
        self.publish_dropped = Counter(
            "vroegsignaal_kafka_publish_dropped",
            "Records given up: refused as too large with nothing smaller to send", ["soort"],
            registry=r)
        self.ready = Gauge(
            "vroegsignaal_kafka_ready", "1 when the readiness check passes (/ready)", registry=r)
        self.retries = Counter(
            "vroegsignaal_kafka_retries", "Batches given back to Kafka to be retried, per cause",
            ["oorzaak"], registry=r)
        self.commit_failures = Counter(
            "vroegsignaal_kafka_offset_commit_failures", "Offset commits that failed", registry=r)
        self.last_commit = Gauge(
            "vroegsignaal_kafka_last_commit_timestamp_seconds",
            "Unix time of the last successful offset commit", registry=r)
        self.assigned = Gauge(
            "vroegsignaal_kafka_assigned_partitions", "Partitions assigned to this consumer",
            registry=r)
