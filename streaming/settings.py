# SPDX-License-Identifier: EUPL-1.2
"""Kafka settings of the streaming door, from VROEGSIGNAAL_KAFKA_* environment variables.

The database URL and the encryption keys come from the core settings
(`vroegsignaal.config`); `.env.example` lists every variable of both.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from streaming.partitioner import KeyCachingPartitioner

DAY_MS = 24 * 60 * 60 * 1000


class StreamingSettings(BaseSettings):
    """Topics, consumer group and client tuning; defaults suit a single-node test broker."""

    model_config = SettingsConfigDict(
        env_prefix="VROEGSIGNAAL_KAFKA_", env_file=None, extra="ignore"
    )

    bootstrap_servers: str = "localhost:9092"
    intake_topic: str = "vroegsignalering.signalen.v1"
    feedback_topic: str = "vroegsignalering.terugkoppeling.v1"
    dead_letter_topic: str = "vroegsignalering.signalen.v1.dlq"
    group_id: str = "vroegsignaal-intake"
    client_id: str = "vroegsignaal"
    # Static group membership (KIP-345): a stable id per consumer process, e.g. the pod name
    # of a StatefulSet. A restarted member takes its partitions back without a rebalance.
    instance_id: str | None = None

    # Consumer
    batch_size: int = Field(5000, ge=1, description="Records per poll = per pipeline transaction")
    poll_timeout_ms: int = Field(500, ge=0)
    # Prefetched data waits in memory while a batch is processed: keep it near one batch.
    fetch_max_bytes: int = Field(16 * 1024 * 1024, ge=1024 * 1024)
    max_partition_fetch_bytes: int = Field(2 * 1024 * 1024, ge=1024 * 1024)
    session_timeout_ms: int = Field(10_000, ge=6_000)
    max_poll_interval_ms: int = Field(300_000, ge=10_000)
    workers: int = Field(1, ge=1, description="Consumer processes on this host")
    metrics_port: int = Field(0, ge=0, le=65535, description="0: no metrics endpoint")
    db_backoff_initial_s: float = 0.5
    db_backoff_max_s: float = 15.0
    # A poll error a retry does not fix (e.g. a codec missing from this installation):
    # the partition is paused and tried again after this backoff; the others go on.
    partition_backoff_initial_s: float = 1.0
    partition_backoff_max_s: float = 60.0
    publish_timeout_s: float = 60.0
    # Rounds of re-sending the dead letters and feedback the broker did not acknowledge
    # before the consumer pauses and waits for the broker (holding the batch, not re-running it).
    publish_attempts: int = Field(3, ge=1)
    commit_timeout_ms: int = 15_000
    # SIGTERM: the batch in hand is finished within this time, else given back (replayed);
    # below Kubernetes' default terminationGracePeriodSeconds of 30 s (docs/streaming.md).
    stop_grace_s: float = Field(20.0, gt=0)
    lag_interval_s: float = Field(5.0, gt=0)

    # Producers (feedback, dead letters, `vroegsignaal send`)
    linger_ms: int = 5
    producer_batch_bytes: int = 256 * 1024
    compression: Literal["none", "gzip", "snappy", "lz4", "zstd"] = "none"

    # Topic set-up (streaming/topics.py); production: replication 3, min ISR 2.
    create_topics: bool = True
    # 24: keyed by municipality, 12 partitions put 16% of the national volume in one
    # partition; 24 keep any 2-4 consumers within 11% of an even share (docs/streaming.md).
    partitions: int = Field(24, ge=1)
    feedback_partitions: int = Field(12, ge=1)
    dead_letter_partitions: int = Field(1, ge=1)
    replication_factor: int = Field(1, ge=1)
    min_insync_replicas: int = Field(1, ge=1)
    intake_retention_days: int = Field(7, ge=1)
    feedback_retention_days: int = Field(30, ge=1)
    dead_letter_retention_days: int = Field(14, ge=1)
    # max.message.bytes of the dead-letter topic at creation; the consumer reads the
    # topic's real value at start and falls back to this one.
    dead_letter_max_bytes: int = Field(2 * 1024 * 1024, ge=64 * 1024)

    # Who sent a message (streaming/sender.py, ADR 0017): {"<schuldeiser>": "<base64 key>"}.
    # The consumer checks every message's signature with them; `vroegsignaal send` signs
    # each message with the key of its schuldeiser (a creditor configures only its own).
    sender_keys: dict[str, str] = {}

    # Security, passed to every client unchanged (SSL, SASL_SSL with PLAIN or SCRAM).
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    sasl_mechanism: str | None = None
    sasl_plain_username: str | None = None
    sasl_plain_password: str | None = None

    def client_config(self) -> dict[str, Any]:
        """Connection settings shared by consumer, producers and the admin client."""
        config: dict[str, Any] = {
            "bootstrap_servers": [s.strip() for s in self.bootstrap_servers.split(",") if s],
            "security_protocol": self.security_protocol,
            # A restarted broker is found again within seconds, not the default 30 s.
            "reconnect_backoff_ms": 100,
            "reconnect_backoff_max_ms": 3_000,
        }
        for name in (
            "ssl_cafile",
            "ssl_certfile",
            "ssl_keyfile",
            "sasl_mechanism",
            "sasl_plain_username",
            "sasl_plain_password",
        ):
            value = getattr(self, name)
            if value:
                config[name] = value
        return config

    def producer_config(self) -> dict[str, Any]:
        return {
            **self.client_config(),
            "acks": "all",
            "enable_idempotence": True,
            "linger_ms": self.linger_ms,
            "batch_size": self.producer_batch_bytes,
            "compression_type": None if self.compression == "none" else self.compression,
            # Dead letters are bounded by the topic's max.message.bytes (streaming/publish.py).
            "max_request_size": 4 * 1024 * 1024,
            # A send waiting for metadata must not outlast the SIGTERM grace time.
            "max_block_ms": 10_000,
            "delivery_timeout_ms": 120_000,
            "allow_auto_create_topics": False,  # topics come from streaming/topics.py only
            "partitioner": KeyCachingPartitioner(),
        }

    def output_producer_config(self) -> dict[str, Any]:
        """The consumer's own producer (dead letters, feedback): at-least-once by design
        (ADR 0006), so without idempotence. kafka-python 3.0 turns an idempotent
        producer fatal on any record the broker refuses (e.g. one too large for the
        dead-letter topic), after which every send fails; without idempotence a refused
        record fails alone and is sent again smaller (streaming/publish.py)."""
        return {**self.producer_config(), "enable_idempotence": False}
