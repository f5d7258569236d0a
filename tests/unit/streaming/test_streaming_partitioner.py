# SPDX-License-Identifier: EUPL-1.2
"""The remembered key placement must be the Java client's (murmur2) placement, always."""

from __future__ import annotations

from typing import Any

import pytest
from kafka.partitioner import DefaultPartitioner

from streaming.partitioner import KeyCachingPartitioner


class _Cluster:
    def __init__(self, partitions: dict[str, set[int]]) -> None:
        self.partitions = partitions

    def topics(self) -> set[str]:
        return set(self.partitions)

    def partitions_for_topic(self, topic: str) -> set[int] | None:
        return self.partitions.get(topic)

    def available_partitions_for_topic(self, topic: str) -> set[int]:
        return self.partitions.get(topic, set())


def _place(p: Any, cluster: _Cluster, topic: str, key: bytes) -> int:
    return p.partition(topic, None, key, None, b"v", cluster)


@pytest.mark.parametrize("count", [1, 3, 12, 48])
def test_same_partition_as_the_default_partitioner(count: int) -> None:
    cluster = _Cluster({"t": set(range(count))})
    cached, default = KeyCachingPartitioner(), DefaultPartitioner()
    keys = [f"GM{n:04d}".encode() for n in range(400)] + [b"", b"\xff" * 9, "é".encode()]
    for _ in range(2):  # the second round is answered from memory
        assert [_place(cached, cluster, "t", k) for k in keys] == [
            _place(default, cluster, "t", k) for k in keys
        ]


def test_keys_move_with_the_partition_count_as_in_java() -> None:
    p = KeyCachingPartitioner()
    cluster = _Cluster({"t": set(range(6))})
    before = [_place(p, cluster, "t", f"GM{n:04d}".encode()) for n in range(200)]
    cluster.partitions["t"] = set(range(12))
    after = [_place(p, cluster, "t", f"GM{n:04d}".encode()) for n in range(200)]
    assert after == [_place(DefaultPartitioner(), cluster, "t", f"GM{n:04d}".encode())
                     for n in range(200)]
    assert after != before
    assert max(after) >= 6


def test_unknown_topic_and_missing_key_fall_back_to_the_default() -> None:
    p = KeyCachingPartitioner()
    cluster = _Cluster({"t": {0, 1}})
    with pytest.raises(ValueError, match="not found"):
        _place(p, cluster, "missing", b"k")
    assert p.partition("t", None, None, None, b"v", cluster) in {0, 1}
