# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal send`: a creditor's file (JSONL or CSV) onto the intake topic.

Each message is keyed by the municipality of its postcode (streaming.keys),
so one household always lands in one partition, and signed with the key of its
schuldeiser (streaming/sender.py, VROEGSIGNAAL_KAFKA_SENDER_KEYS): a message whose
schuldeiser has no key here goes unsigned and will be refused (counted as `ongetekend`).
Lines that are not a JSON object (or a CSV row of the right width) cannot become a message
and are reported by line number; the contract itself is checked by the municipality, whose
refusals come back as feedback.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from kafka import KafkaProducer

from streaming.keys import gemeente_key
from streaming.sender import decode_keys, sender_headers
from streaming.settings import StreamingSettings
from vroegsignaal.contract.io import read_records

MAX_REPORTED_LINES = 20


@dataclass(slots=True)
class SendSummary:
    verzonden: int = 0
    ongetekend: int = 0  # sent without a signature: no key for its schuldeiser
    bevestigd: int = 0
    mislukt: int = 0
    onleesbaar: Counter[str] = field(default_factory=Counter)  # error code -> lines
    onleesbare_regels: list[int] = field(default_factory=list)  # first few line numbers
    fouten: Counter[str] = field(default_factory=Counter)  # delivery error class -> count
    per_partitie: Counter[int] = field(default_factory=Counter)
    seconden: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "verzonden": self.verzonden,
            "ongetekend": self.ongetekend,
            "bevestigd": self.bevestigd,
            "mislukt": self.mislukt,
            "onleesbaar": dict(self.onleesbaar),
            "onleesbare_regels": self.onleesbare_regels,
            "fouten": dict(self.fouten),
            "per_partitie": dict(sorted(self.per_partitie.items())),
            "seconden": round(self.seconden, 3),
        }


def send_file(
    path: Path,
    *,
    settings: StreamingSettings,
    topic: str | None = None,
    on_progress: Callable[[int], None] | None = None,
    producer: KafkaProducer | None = None,
) -> SendSummary:
    """Send every readable record of `path`; returns once the broker acknowledged all."""
    summary = SendSummary()
    lock = threading.Lock()
    own = producer is None
    producer = producer or KafkaProducer(
        **settings.producer_config(), client_id=f"{settings.client_id}-send"
    )
    topic = topic or settings.intake_topic
    keys = decode_keys(settings.sender_keys)

    def ok(meta: Any) -> None:
        with lock:
            summary.bevestigd += 1
            summary.per_partitie[meta.partition] += 1

    def failed(exc: BaseException) -> None:
        with lock:
            summary.mislukt += 1
            summary.fouten[type(exc).__name__] += 1

    started = time.perf_counter()
    pending = 0
    try:
        for record in read_records(path):
            if record.data is None:
                summary.onleesbaar[record.fout or "ONLEESBAAR"] += 1
                if len(summary.onleesbare_regels) < MAX_REPORTED_LINES:
                    summary.onleesbare_regels.append(record.positie)
            else:
                key = gemeente_key(record.data).encode()
                value = orjson.dumps(record.data)
                code = record.data.get("schuldeiser")
                signer = keys.get(code) if isinstance(code, str) else None
                if signer is None:
                    summary.ongetekend += 1
                headers = [] if signer is None else sender_headers(str(code), signer, value)
                future = producer.send(topic, key=key, value=value, headers=headers)
                future.add_callback(ok)
                future.add_errback(failed)
                summary.verzonden += 1
            pending += 1
            if on_progress is not None and pending >= 500:
                on_progress(pending)
                pending = 0
        producer.flush()
    finally:
        if own:
            producer.close(timeout=30)
    if on_progress is not None and pending:
        on_progress(pending)
    summary.seconden = time.perf_counter() - started
    return summary
