# SPDX-License-Identifier: EUPL-1.2
"""One poll's records as a pipeline batch: parsed values, offsets to commit or to rewind to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kafka import TopicPartition

from streaming.dead_letter import Header, SourceRef
from streaming.fetch_fault import ONLEESBAAR_RECORD, FetchFault
from streaming.sender import SenderCheck
from vroegsignaal.contract.codes import LEEG_BERICHT
from vroegsignaal.contract.decode import decode_message
from vroegsignaal.contract.raw import RawInput


@dataclass(frozen=True, slots=True)
class UndecodableRecord:
    """Stands in for a record whose batch kafka-python could not decode: only its
    coordinates and the error's class are known (streaming/fetch_fault.py)."""

    topic: str
    partition: int
    offset: int
    oorzaak: str  # the exception class, e.g. CorruptRecordError
    key: bytes | None = None
    value: bytes | None = None
    headers: tuple[Header, ...] = ()
    timestamp: int | None = None
    leader_epoch: int = -1


def parse_value(value: bytes | None) -> tuple[dict[str, Any] | None, str | None]:
    """(message, None) or (None, error code), decoded as every door decodes a message
    (vroegsignaal/contract/decode.py); the code never contains message content."""
    if value is None:
        return None, LEEG_BERICHT  # a record without a value (tombstone)
    return decode_message(value)


@dataclass(slots=True)
class Batch:
    """Records in partition order; `positie` in the pipeline is the index in `records`."""

    records: list[Any]
    first: dict[TopicPartition, int] = field(default_factory=dict)
    last: dict[TopicPartition, int] = field(default_factory=dict)
    leader_epoch: dict[TopicPartition, int] = field(default_factory=dict)

    @classmethod
    def from_poll(cls, polled: Mapping[TopicPartition, Sequence[Any]]) -> Batch:
        batch = cls([])
        for tp, recs in polled.items():
            if not recs:
                continue
            batch.records.extend(recs)
            batch.first[tp] = recs[0].offset
            batch.last[tp] = recs[-1].offset
            epoch = recs[-1].leader_epoch
            batch.leader_epoch[tp] = epoch if isinstance(epoch, int) else -1
        return batch

    @classmethod
    def undecodable(cls, fault: FetchFault, oorzaak: str) -> Batch:
        """A batch of one stand-in for the record at `fault`: refused and dead-lettered by
        its coordinates like any unreadable message."""
        rec = UndecodableRecord(fault.tp.topic, fault.tp.partition, fault.offset, oorzaak)
        return cls([rec], {fault.tp: fault.offset}, {fault.tp: fault.offset}, {fault.tp: -1})

    def __len__(self) -> int:
        return len(self.records)

    def inputs(self, senders: SenderCheck | None = None) -> list[RawInput]:
        """The records as pipeline inputs, each with the creditor that signed it (with no
        `senders`, no key is known: every record comes from an unknown sender)."""
        senders = senders or SenderCheck({})
        out = []
        for i, rec in enumerate(self.records):
            if isinstance(rec, UndecodableRecord):
                data, error = None, ONLEESBAAR_RECORD
            else:
                data, error = parse_value(rec.value)
            out.append(
                RawInput(i, data, error, f"kafka:{rec.topic}:{rec.partition}:{rec.offset}",
                         senders.sender(rec.headers, rec.value))
            )
        return out

    def source(self, positie: int) -> SourceRef:
        rec = self.records[positie]
        return SourceRef(rec.topic, rec.partition, rec.offset, rec.timestamp)

    def describe(self) -> str:
        """'p0:100-199,p3:20-50': partitions and offset ranges, for logs."""
        return ",".join(
            f"p{tp.partition}:{self.first[tp]}-{self.last[tp]}"
            for tp in sorted(self.first, key=lambda t: (t.topic, t.partition))
        )
