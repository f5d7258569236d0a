# SPDX-License-Identifier: EUPL-1.2
"""The default (Java-compatible murmur2) key placement, remembered per key.

Our keys repeat constantly (a municipality code on the intake topic, a creditor code on the
feedback topic), and kafka-python hashes every record's key in pure Python. Remembering the
answer per (topic, key, partition count) keeps the placement identical to the Java client's
and takes the hash off the per-record path.
"""

from __future__ import annotations

from typing import Any

from kafka.partitioner import DefaultPartitioner
from kafka.partitioner.default import murmur2

_MAX_KEYS = 100_000  # far above the number of municipalities or creditors


class KeyCachingPartitioner(DefaultPartitioner):
    def __init__(self) -> None:
        self._known: dict[tuple[str, bytes, int], int] = {}

    def partition(
        self,
        topic: str,
        key: Any,
        serialized_key: bytes | None,
        value: Any,
        serialized_value: bytes | None,
        cluster: Any,
    ) -> int:
        if serialized_key is None:
            return super().partition(topic, key, serialized_key, value, serialized_value, cluster)
        partitions = cluster.partitions_for_topic(topic)
        if not partitions:  # unknown topic: let the default raise its usual error
            return super().partition(topic, key, serialized_key, value, serialized_value, cluster)
        # Keyed on the partition count too: after partitions are added keys move, as in Java.
        slot = (topic, serialized_key, len(partitions))
        found = self._known.get(slot)
        if found is None:
            if len(self._known) >= _MAX_KEYS:
                self._known.clear()
            found = sorted(partitions)[(murmur2(serialized_key) & 0x7FFFFFFF) % len(partitions)]
            self._known[slot] = found
        return found
