# SPDX-License-Identifier: EUPL-1.2
"""After the database commit: dead letters and creditor feedback, acknowledged before the
offsets are committed. A failure here gives the batch back to Kafka; the retry is a replay
that stores nothing new and publishes the same codes and statuses again."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError

from streaming.dead_letter import (
    VERWERKINGSFOUT,
    DeadLetterSeal,
    dead_letter_headers,
    error_codes,
)
from streaming.feedback_records import feedback_key, feedback_value, timestamp
from streaming.intake import BatchOutcome
from streaming.records import Batch
from vroegsignaal.intake.reason_codes import ReasonCode

log = logging.getLogger(__name__)
# Messages not taken in because of what they hold: kept sealed for an operator. A conflict
# (the same signaalId with other content) may be the correction the creditor meant.
DEAD_LETTER_REASONS = frozenset({ReasonCode.ONGELDIG_BERICHT, ReasonCode.SIGNAALID_CONFLICT})


class PublishFailed(Exception):
    """Dead letters or feedback were not acknowledged by the broker in time."""


@dataclass(slots=True)
class Published:
    dead_letters: Counter[str] = field(default_factory=Counter)  # per reason
    feedback: Counter[str] = field(default_factory=Counter)  # per DDAS status


class Publisher:
    def __init__(
        self,
        producer: KafkaProducer,
        *,
        feedback_topic: str,
        dead_letter_topic: str,
        seal: DeadLetterSeal,
        timeout_s: float,
    ) -> None:
        self.producer = producer
        self.feedback_topic = feedback_topic
        self.dead_letter_topic = dead_letter_topic
        self.seal = seal
        self.timeout_s = timeout_s

    def publish(self, batch: Batch, outcome: BatchOutcome) -> Published:
        done = Published()
        futures: list[Any] = []
        now = timestamp(dt.datetime.now(dt.UTC))
        batch_id = outcome.batch_ids[0] if outcome.batch_ids else ""
        try:
            for positie, code in outcome.failures.items():
                futures.append(self._dead_letter(batch, positie, VERWERKINGSFOUT, code, batch_id))
                done.dead_letters[VERWERKINGSFOUT] += 1
            for o in outcome.outcomes:
                if o.reden in DEAD_LETTER_REASONS:
                    futures.append(
                        self._dead_letter(
                            batch, o.positie, o.reden.value, error_codes(o.details), batch_id,
                            schuldeiser=o.schuldeiser, signaal_id=o.signaal_id,
                        )
                    )
                    done.dead_letters[o.reden.value] += 1
            for fb in outcome.feedback:
                futures.append(
                    self.producer.send(
                        self.feedback_topic, key=feedback_key(fb), value=feedback_value(fb, now)
                    )
                )
                done.feedback[fb.status.value] += 1
            self.producer.flush(timeout=self.timeout_s)
        except KafkaError as exc:
            raise PublishFailed(type(exc).__name__) from exc
        failed = [f for f in futures if not f.succeeded()]
        if failed:
            raise PublishFailed(
                f"{len(failed)} not acknowledged: "
                + ",".join(sorted({type(f.exception).__name__ for f in failed}))
            )
        return done

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
    ) -> Any:
        rec = batch.records[positie]
        source = batch.source(positie)
        sealed = self.seal.seal(
            source, key=rec.key, value=rec.value, headers=list(rec.headers or [])
        )
        headers = dead_letter_headers(
            source, reden=reden, fout=fout, batch_id=batch_id, positie=positie,
            key_id=self.seal.key_id, schuldeiser=schuldeiser, signaal_id=signaal_id,
        )
        # No key: the original key is the sender's and is sealed with the rest.
        return self.producer.send(self.dead_letter_topic, value=sealed, headers=headers)
