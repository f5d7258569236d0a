# SPDX-License-Identifier: EUPL-1.2
"""Creditor feedback after a worker's move, onto the feedback topic (ADR 0012).

The workflow writes what each creditor is told into the `terugkoppeling` outbox in the
move's own transaction (nothing is lost when a process dies after the commit);
`publish_pending` sends the unsent rows, waits for the broker's acknowledgement, and only
then marks them sent: at-least-once, as the intake's feedback (ADR 0006), so a creditor
de-duplicates on (schuldeiser, signaalId, status). `subscribe_after_commit` sends right
after each move (the API process); `send_outbox` sends what is left (`vroegsignaal
terugkoppeling`, and the nightly retention DAG after the automatic closing).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from kafka import KafkaProducer
from sqlalchemy.orm import Session

from streaming.feedback_records import feedback_key, feedback_value, timestamp
from streaming.settings import StreamingSettings
from vroegsignaal.events import BUS, CaseStatusChanged, EventBus
from vroegsignaal.feedback_outbox import mark_sent, pending

log = logging.getLogger(__name__)


def publish_pending(
    session: Session, producer: KafkaProducer, topic: str, *, timeout_s: float = 30.0,
    batch: int = 1000,
) -> int:
    """Send every unsent outbox row to `topic`, marking each batch sent after the broker
    acknowledged it; the number sent. A broker error leaves the rows unsent (raised)."""
    sent = 0
    while True:
        rows = pending(session, batch)
        if not rows:
            session.commit()
            return sent
        now = timestamp(dt.datetime.now(dt.UTC))
        futures = [producer.send(topic, key=feedback_key(fb), value=feedback_value(fb, now))
                   for _, fb in rows]
        producer.flush(timeout=timeout_s)
        for future in futures:
            future.get(timeout=timeout_s)
        mark_sent(session, [i for i, _ in rows])
        session.commit()
        sent += len(rows)


def send_outbox(settings: StreamingSettings, database_url: str, *, client: str) -> int:
    """`publish_pending` with a producer of its own (client id suffix `client`), closed
    afterwards; the number of rows sent."""
    from vroegsignaal.storage.db import session_scope

    producer = KafkaProducer(**settings.producer_config(),
                             client_id=f"{settings.client_id}-{client}")
    try:
        with session_scope(database_url) as session:
            return publish_pending(session, producer, settings.feedback_topic)
    finally:
        producer.close()


def subscribe_after_commit(
    session_maker: Callable[[], Session], producer: KafkaProducer, topic: str,
    bus: EventBus | None = None,
) -> Callable[[], None]:
    """Publish the outbox after every committed move that told a creditor something; the
    unsubscribe. A failure is logged by the bus and the rows wait for the next send."""

    def handler(change: CaseStatusChanged) -> None:
        if change.feedback:
            with session_maker() as session:
                publish_pending(session, producer, topic)

    return (bus or BUS).subscribe(CaseStatusChanged, handler)
