# SPDX-License-Identifier: EUPL-1.2
"""Consumer lag as Kafka's own tools compute it: log end offset (ListOffsets latest,
read_uncommitted: the high watermark) minus the group's committed offset, per partition
this consumer is assigned. This is what `kafka-consumer-groups.sh --describe` shows as
LAG, so "wait for lag 0" means the same on the dashboard and on the command line: a
partition that ends with a transaction marker counts the marker until the consumer's
committed position has passed it.

A thread of its own with its own admin client, so the gauge keeps telling the truth
while the main loop waits for the database or the broker.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable

from kafka import KafkaAdminClient, TopicPartition
from kafka.admin import OffsetSpec

from streaming.metrics import ConsumerMetrics
from streaming.settings import StreamingSettings

log = logging.getLogger(__name__)


def group_lag(
    admin: KafkaAdminClient, group_id: str, partitions: list[TopicPartition]
) -> dict[TopicPartition, int]:
    """Lag per partition; a partition without a committed offset counts from the log start."""
    if not partitions:
        return {}
    committed = admin.list_group_offsets({group_id: partitions}).get(group_id, {})
    ends = admin.list_partition_offsets({tp: OffsetSpec.LATEST for tp in partitions})
    missing = [tp for tp in partitions if committed.get(tp) is None or committed[tp].offset < 0]
    starts = (admin.list_partition_offsets({tp: OffsetSpec.EARLIEST for tp in missing})
              if missing else {})
    lag = {}
    for tp in partitions:
        end = ends[tp].offset
        base = starts[tp].offset if tp in starts else committed[tp].offset
        lag[tp] = max(0, end - base)
    return lag


class LagMonitor(threading.Thread):
    """Sets `vroegsignaal_kafka_consumer_lag` every `interval_s` for `partitions()`."""

    def __init__(self, settings: StreamingSettings, metrics: ConsumerMetrics,
                 partitions: Callable[[], set[TopicPartition]]) -> None:
        super().__init__(name="vroegsignaal-lag", daemon=True)
        self.settings = settings
        self.metrics = metrics
        self.partitions = partitions
        self.stopped = threading.Event()
        self._shown: set[TopicPartition] = set()

    def run(self) -> None:
        s = self.settings
        admin: KafkaAdminClient | None = None
        while not self.stopped.wait(s.lag_interval_s):
            try:
                if admin is None:
                    admin = KafkaAdminClient(**s.client_config(), client_id=f"{s.client_id}-lag",
                                             request_timeout_ms=5_000)
                self._update(group_lag(admin, s.group_id, sorted(self.partitions())))
            except Exception as exc:  # the broker may be away: try again next round
                log.debug("kafka lag not measured error=%s", type(exc).__name__)
        if admin is not None:
            admin.close()

    def _update(self, lag: dict[TopicPartition, int]) -> None:
        for tp in self._shown - set(lag):  # revoked meanwhile
            with contextlib.suppress(KeyError):
                self.metrics.lag.remove(tp.topic, str(tp.partition))
        for tp, n in lag.items():
            self.metrics.lag.labels(tp.topic, str(tp.partition)).set(n)
        self._shown = set(lag)

    def stop(self) -> None:
        self.stopped.set()
