# SPDX-License-Identifier: EUPL-1.2
"""Topic set-up as code: the consumer (or `vroegsignaal topics`) creates or corrects them.

Partition counts are only ever created, never changed here: adding partitions to the
intake topic moves municipalities to other partitions while older messages wait in the
old ones, so it is a planned operation (docs/streaming.md, "Changing partitions").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType
from kafka.errors import KafkaError

from streaming.settings import DAY_MS, StreamingSettings

log = logging.getLogger(__name__)

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: int
    replication_factor: int
    configs: dict[str, str] = field(default_factory=dict)


def topic_specs(s: StreamingSettings) -> list[TopicSpec]:
    """The three topics of the door with their production-relevant settings."""
    common = {
        "cleanup.policy": "delete",  # keys are not unique per record: never compact
        "min.insync.replicas": str(s.min_insync_replicas),
        "unclean.leader.election.enable": "false",
        "message.timestamp.type": "CreateTime",
    }
    return [
        TopicSpec(
            s.intake_topic,
            s.partitions,
            s.replication_factor,
            {**common, "retention.ms": str(s.intake_retention_days * DAY_MS),
             "max.message.bytes": str(1 * MIB)},
        ),
        TopicSpec(
            s.feedback_topic,
            s.feedback_partitions,
            s.replication_factor,
            {**common, "retention.ms": str(s.feedback_retention_days * DAY_MS)},
        ),
        TopicSpec(
            s.dead_letter_topic,
            s.dead_letter_partitions,
            s.replication_factor,
            {**common, "retention.ms": str(s.dead_letter_retention_days * DAY_MS),
             "max.message.bytes": str(s.dead_letter_max_bytes)},
        ),
    ]


def admin_client(s: StreamingSettings) -> KafkaAdminClient:
    return KafkaAdminClient(**s.client_config(), client_id=f"{s.client_id}-admin")


def ensure_topics(s: StreamingSettings, admin: KafkaAdminClient | None = None) -> dict[str, str]:
    """Create missing topics and set the configs of existing ones; returns what was done.

    Idempotent: run it at every start. A topic with fewer partitions than configured is
    reported ("te-weinig-partities"), not changed.
    """
    own = admin is None
    admin = admin or admin_client(s)
    try:
        specs = topic_specs(s)
        existing = set(admin.list_topics())
        done: dict[str, str] = {}
        missing = [t for t in specs if t.name not in existing]
        if missing:
            admin.create_topics(
                {
                    t.name: {
                        "num_partitions": t.partitions,
                        "replication_factor": t.replication_factor,
                        "configs": t.configs,
                    }
                    for t in missing
                },
                timeout_ms=30_000,
                wait_for_metadata=True,
            )
            for t in missing:
                done[t.name] = "aangemaakt"
                log.info("kafka topic created topic=%s partitions=%d replication=%d",
                         t.name, t.partitions, t.replication_factor)
        present = [t for t in specs if t.name in existing]
        if present:
            described = admin.describe_topics([t.name for t in present])
            counts = {d["name"]: len(d["partitions"]) for d in described}
            admin.alter_configs(
                [ConfigResource(ConfigResourceType.TOPIC, t.name, configs=dict(t.configs))
                 for t in present]
            )
            for t in present:
                have = counts.get(t.name, 0)
                if have < t.partitions:
                    done[t.name] = "te-weinig-partities"
                    log.warning(
                        "kafka topic has fewer partitions than configured topic=%s have=%d "
                        "configured=%d (see docs/streaming.md)", t.name, have, t.partitions)
                else:
                    done[t.name] = "bijgewerkt"
        return done
    finally:
        if own:
            admin.close()


def max_message_bytes(admin: KafkaAdminClient, topic: str) -> int | None:
    """The topic's effective max.message.bytes (its own or the broker's default), or None
    when the broker does not tell (e.g. no DescribeConfigs permission)."""
    try:
        described = admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, topic,
                            configs={"max.message.bytes": None})],
            config_filter="all",
        )
        value = described["topic"][topic]["max.message.bytes"]["value"]
        return int(value)
    except (KafkaError, KeyError, TypeError, ValueError) as exc:
        log.warning("kafka topic config not readable topic=%s error=%s", topic,
                    type(exc).__name__)
        return None


def committed_total(admin: KafkaAdminClient, group_id: str, topic: str) -> int:
    """Sum of a group's committed offsets on one topic (offsets start at 0).

    A fresh broker creates __consumer_offsets on the first group request, and until its
    partitions have leaders the coordinator lookup fails with a retriable error; that is
    "nothing committed yet", not a failure.
    """
    try:
        offsets = admin.list_group_offsets({group_id: None}).get(group_id, {})
    except KafkaError as exc:
        if getattr(exc, "retriable", False):
            log.debug("group coordinator not ready yet: %s", type(exc).__name__)
            return 0
        raise
    return sum(m.offset for tp, m in offsets.items() if tp.topic == topic and m.offset > 0)
