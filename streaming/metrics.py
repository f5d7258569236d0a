# SPDX-License-Identifier: EUPL-1.2
"""Prometheus metrics of one consumer process: codes and counts, never personal data.

Each consumer owns a registry, so several consumers in one process (tests) or several
worker processes on one host (each on its own port) never share or clash.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

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
            "Records in the partition after the last committed offset", ["topic", "partition"],
            registry=r)
        self.paused = Gauge(
            "vroegsignaal_kafka_consumer_paused",
            "1 while fetching is paused because the database is unavailable", registry=r)
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

    def serve(self, port: int, addr: str = "0.0.0.0") -> None:
        """Expose /metrics on `port` (a background thread of prometheus_client)."""
        start_http_server(port, addr=addr, registry=self.registry)
