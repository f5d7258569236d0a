# SPDX-License-Identifier: EUPL-1.2
"""After the database commit: dead letters and creditor feedback, acknowledged before the
offsets are committed.

A dead letter always fits its topic: its size is checked against the topic's
max.message.bytes before it is sent, and a sealed original that would not fit is left
out (digest and size in the headers; `streaming/dead_letter.py`). What the
broker does not acknowledge is sent again, only that and not the batch, in a limited
number of rounds; a record the broker refuses as too large is sent again without its
original, and one that still cannot be written is counted and logged by its coordinates,
never retried for ever. When the broker stays away the consumer holds the batch and
waits (streaming/consumer.py): the pipeline does not run again, so no extra
`intake_batch` rows and no repeated feedback.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaProducer
from kafka.errors import (
    InvalidRecordError,
    KafkaError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
)
from kafka.record.default_records import DefaultRecordBatchBuilder

from streaming.dead_letter import (
    ONLEESBAAR,
    VERWERKINGSFOUT,
    VERZEGELD,
    WEGGELATEN,
    DeadLetterSeal,
    Header,
    dead_letter_headers,
    digest_headers,
    error_codes,
)
from streaming.feedback_records import feedback_key, feedback_value, timestamp
from streaming.intake import BatchOutcome
from streaming.records import Batch, UndecodableRecord
from vroegsignaal.intake.reason_codes import ReasonCode

log = logging.getLogger(__name__)

DEAD_LETTER = "dead_letter"
FEEDBACK = "feedback"
# Refused by the broker for what the record is, not for the broker's state: resending
# the same bytes cannot help.
_TOO_LARGE = (MessageSizeTooLargeError, RecordListTooLargeError, InvalidRecordError)

# Messages not taken in because of what they hold, and not the resident's choice (BEZWAAR):
# kept sealed for an operator. A conflict (the same signaalId with other content) may be
# the correction the creditor meant. ANDERE_SCHULDEISER gets no feedback (nobody to tell,
# ADR 0017).
DEAD_LETTERED = frozenset(
    {ReasonCode.ONGELDIG_BERICHT, ReasonCode.SIGNAALID_CONFLICT, ReasonCode.ANDERE_SCHULDEISER}
)


@dataclass(slots=True)
class Outgoing:
    """One record to publish; `smaller` replaces a dead letter the broker refused as too large."""

    kind: str  # DEAD_LETTER or FEEDBACK
    label: str  # the dead letter's reason or the feedback's DDAS status (metrics)
    topic: str
    key: bytes | None
    value: bytes
    headers: list[Header] = field(default_factory=list)
    origineel: str = VERZEGELD
    where: str = ""  # "p3:1234": the source coordinates, for logs
    smaller: Outgoing | None = None


@dataclass(slots=True)
class Published:
    dead_letters: Counter[str] = field(default_factory=Counter)  # per reason
    feedback: Counter[str] = field(default_factory=Counter)  # per DDAS status
    originals: Counter[str] = field(default_factory=Counter)  # dead letters per `origineel`
    failures: Counter[str] = field(default_factory=Counter)  # unacknowledged sends per error
    dropped: Counter[str] = field(default_factory=Counter)  # given up, per kind


@dataclass(slots=True)
class Delivery:
    """A batch's records until each is acknowledged or settled; survives retry rounds."""

    to_send: list[Outgoing]
    in_flight: list[tuple[Outgoing, Any]] = field(default_factory=list)
    done: Published = field(default_factory=Published)
    reported: Counter[str] = field(default_factory=Counter)  # failures already in metrics

    @property
    def settled(self) -> bool:
        return not self.to_send and not self.in_flight

    def describe(self) -> str:
        errors = ",".join(sorted(self.done.failures)) or "-"
        return f"waiting={len(self.to_send) + len(self.in_flight)} errors={errors}"


def record_size(value: bytes, headers: list[Header]) -> int:
    """Upper bound of one keyless record alone in a batch, as the broker measures it."""
    return int(DefaultRecordBatchBuilder.estimate_size_in_bytes(None, value, headers))


class Publisher:
    def __init__(
        self,
        producer: KafkaProducer,
        *,
        feedback_topic: str,
        dead_letter_topic: str,
        seal: DeadLetterSeal,
        max_record_bytes: int,
        flush_slice_s: float = 1.0,
    ) -> None:
        self.producer = producer
        self.feedback_topic = feedback_topic
        self.dead_letter_topic = dead_letter_topic
        self.seal = seal
        self.max_record_bytes = max_record_bytes
        self.flush_slice_s = flush_slice_s

    # -- what to send ----------------------------------------------------------------
    def prepare(self, batch: Batch, outcome: BatchOutcome) -> Delivery:
        out: list[Outgoing] = []
        now = timestamp(dt.datetime.now(dt.UTC))
        batch_id = outcome.batch_ids[0] if outcome.batch_ids else ""
        for positie, code in outcome.failures.items():
            out.append(self._dead_letter(batch, positie, VERWERKINGSFOUT, code, batch_id))
        for o in outcome.outcomes:
            if o.reden in DEAD_LETTERED:
                out.append(
                    self._dead_letter(
                        batch, o.positie, o.reden.value, error_codes(o.details), batch_id,
                        schuldeiser=o.schuldeiser, signaal_id=o.signaal_id,
                    )
                )
        for fb in outcome.feedback:  # decided by the core (vroegsignaal/feedback.py)
            out.append(Outgoing(FEEDBACK, fb.status.value, self.feedback_topic, feedback_key(fb),
                                feedback_value(fb, now)))
        return Delivery(out)

    def _dead_letter(
        self,
        batch: Batch,
        positie: int,
        reden: str,
        fout: str,
        batch_id: str,
        *,
        schuldeiser: str | None = None,
        signaal_id: str | None = None,
    ) -> Outgoing:
        rec = batch.records[positie]
        source = batch.source(positie)
        where = f"p{source.partition}:{source.offset}"

        def headers(origineel: str) -> list[Header]:
            return dead_letter_headers(
                source, reden=reden, fout=fout, batch_id=batch_id, positie=positie,
                key_id=self.seal.key_id, schuldeiser=schuldeiser, signaal_id=signaal_id,
                origineel=origineel,
            )

        if isinstance(rec, UndecodableRecord):
            h = [*headers(ONLEESBAAR), ("oorzaak", rec.oorzaak.encode())]
            return Outgoing(DEAD_LETTER, reden, self.dead_letter_topic, None, b"", h,
                            ONLEESBAAR, where)
        # No key: the original key is the sender's and is sealed with the rest.
        digest = Outgoing(DEAD_LETTER, reden, self.dead_letter_topic, None, b"",
                          headers(WEGGELATEN) + digest_headers(rec.value), WEGGELATEN, where)
        sealed = self.seal.seal(source, key=rec.key, value=rec.value,
                                headers=list(rec.headers or []))
        h = headers(VERZEGELD)
        if record_size(sealed, h) > self.max_record_bytes:
            log.warning("kafka dead letter too large for its topic with the original; "
                        "keeping digest and size only source=%s bytes=%d limit=%d",
                        where, len(sealed), self.max_record_bytes)
            return digest
        return Outgoing(DEAD_LETTER, reden, self.dead_letter_topic, None, sealed, h,
                        VERZEGELD, where, smaller=digest)

    # -- sending ---------------------------------------------------------------------
    def deliver(self, d: Delivery, *, rounds: int, deadline: Callable[[], float]) -> bool:
        """Send what is waiting, in at most `rounds` rounds; True once every record is
        acknowledged or settled. `deadline()` (monotonic seconds, read between flush
        slices) ends the attempt early, e.g. when SIGTERM's grace time runs out."""
        for attempt in range(rounds):
            self._send(d)
            self._flush(d, deadline)
            self._collect(d)
            if d.settled:
                return True
            if time.monotonic() >= deadline():
                return False
            log.warning("kafka publishing incomplete; sending again attempt=%d %s",
                        attempt + 1, d.describe())
        return d.settled

    def _send(self, d: Delivery) -> None:
        waiting, d.to_send = d.to_send, []
        for i, m in enumerate(waiting):
            try:
                future = self.producer.send(m.topic, key=m.key, value=m.value, headers=m.headers)
            except _TOO_LARGE:
                self._too_large(d, m)
            except KafkaError as exc:
                # No metadata or no buffer space within max_block_ms: the broker is away.
                # The rest would each block as long; all wait for the next round.
                d.done.failures[type(exc).__name__] += 1
                d.to_send.extend(waiting[i:])
                return
            else:
                d.in_flight.append((m, future))

    def _flush(self, d: Delivery, deadline: Callable[[], float]) -> None:
        while d.in_flight and not all(f.is_done for _, f in d.in_flight):
            left = deadline() - time.monotonic()
            if left <= 0:
                return
            try:
                self.producer.flush(timeout=min(self.flush_slice_s, left))
            except KafkaTimeoutError:
                continue

    def _collect(self, d: Delivery) -> None:
        pending = []
        for m, future in d.in_flight:
            if not future.is_done:
                pending.append((m, future))  # still in the producer: not sent twice
            elif future.succeeded():
                self._count(d.done, m)
            elif isinstance(future.exception, _TOO_LARGE):
                self._too_large(d, m)
            else:
                d.done.failures[type(future.exception).__name__] += 1
                d.to_send.append(m)
        d.in_flight = pending

    def _too_large(self, d: Delivery, m: Outgoing) -> None:
        d.done.failures["MessageSizeTooLargeError"] += 1
        if m.smaller is not None:
            log.warning("kafka broker refused a dead letter as too large; sending digest and "
                        "size only source=%s", m.where)
            d.to_send.append(m.smaller)
            return
        d.done.dropped[m.kind] += 1
        log.error("kafka record refused as too large and cannot be made smaller; dropped "
                  "kind=%s reason=%s source=%s", m.kind, m.label, m.where or "-")

    @staticmethod
    def _count(done: Published, m: Outgoing) -> None:
        if m.kind == DEAD_LETTER:
            done.dead_letters[m.label] += 1
            done.originals[m.origineel] += 1
        else:
            done.feedback[m.label] += 1

