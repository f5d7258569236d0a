# SPDX-License-Identifier: EUPL-1.2
"""What to do when `KafkaConsumer.poll()` raises.

kafka-python decodes a fetched record batch (CRC check, decompression) while `poll()`
hands out records. When that raises, the library keeps the broken in-line records of
that partition, and every later `poll()` loops over them without end inside the library
(at 100% CPU, deaf to SIGTERM: issue 14). `discard_inline_records` takes them out of
the way, which is always safe: the position stays at the first record not handed out,
so anything discarded is fetched again.

Two kinds of error are told apart by type:

- `undecodable`: the bytes of one record batch cannot be decoded by anyone (a CRC
  mismatch, compressed data that does not decompress, an unknown codec id). After the
  same partition and offset failed twice, the consumer dead-letters that offset by its
  coordinates and moves on.
- anything else, including `UnsupportedCodecError` (a codec library missing from this
  installation: a deployment fault that a redeploy fixes, so the records must not be
  skipped): the partition is paused and retried with backoff, the fault shows in the
  metrics and the readiness check, and the other partitions go on.

The two internals read here (`KafkaConsumer._fetcher`, `Fetcher._next_partition_records`)
are those of kafka-python 3.0 (pinned in requirements.lock);
tests/integration/streaming/test_streaming_poll_faults.py fails if they change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kafka import TopicPartition
from kafka.errors import CorruptRecordError, KafkaError, UnsupportedCodecError

ONLEESBAAR_RECORD = "ONLEESBAAR_RECORD"  # the reason code of an undecodable record


@dataclass(frozen=True, slots=True)
class FetchFault:
    """Where a poll error sat: the partition and the first offset not handed out."""

    tp: TopicPartition
    offset: int


def undecodable(exc: BaseException) -> bool:
    """True for errors that mean the record bytes themselves cannot be decoded.

    Decompression libraries raise their own types (zlib.error, lz4's RuntimeError,
    zstd.ZstdError, cramjam's DecompressionError) and a bad batch can make the record
    parser fail with struct or index errors; every non-Kafka error out of the fetcher is
    one of those. Kafka errors are network, group or broker faults, except the two named.
    """
    if isinstance(exc, UnsupportedCodecError):
        return False
    return isinstance(exc, CorruptRecordError) or not isinstance(exc, KafkaError)


def discard_inline_records(consumer: Any) -> FetchFault | None:
    """Drop the fetcher's in-line records; their partition and offset if there were any."""
    fetcher = getattr(consumer, "_fetcher", None)
    part = getattr(fetcher, "_next_partition_records", None)
    if not part:  # None, or already drained
        return None
    fault = FetchFault(part.topic_partition, part.next_fetch_offset)
    part.drain()
    return fault
