# SPDX-License-Identifier: EUPL-1.2
"""Creditor feedback after a worker's move, onto the feedback topic (ADR 0016).

The workflow writes what each creditor is told into the `terugkoppeling` outbox in the
move's own transaction (nothing is lost when a process dies after the commit);
`publish_pending` sends the unsent rows, waits for the broker's acknowledgement, and only
then marks them sent: at-least-once, as the intake's feedback (ADR 0006), so a creditor
de-duplicates on (schuldeiser, signaalId, status). `subscribe_after_commit` sends right
after each move; `vroegsignaal terugkoppeling` sends what is left. The API process
(`vroegsignaal serve`) runs the sending on a `FeedbackSender`'s own thread, so a request
never waits for the broker, and a broker that is away at start-up does not stop the API.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from kafka import KafkaProducer
from kafka.errors import KafkaError
from sqlalchemy.orm import Session

from streaming.feedback_records import feedback_key, feedback_value, timestamp
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


def subscribe_after_commit(
    session_maker: Callable[[], Session], producer: KafkaProducer, topic: str,
    bus: EventBus | None = None, *, run: Callable[[Callable[[], None]], None] | None = None,
    timeout_s: float = 30.0,
) -> Callable[[], None]:
    """Publish the outbox after every committed move that told a creditor something; the
    unsubscribe. `run` says where the sending runs (None: in the committing thread; the
    API passes `FeedbackSender.submit`). A failure is logged and the rows wait for the
    next send."""

    def send() -> None:
        with session_maker() as session:
            publish_pending(session, producer, topic, timeout_s=timeout_s)

    def handler(change: CaseStatusChanged) -> None:
        if change.feedback:
            (run or _call)(send)

    return (bus or BUS).subscribe(CaseStatusChanged, handler)


def _call(job: Callable[[], None]) -> None:
    job()


class FeedbackSender:
    """The after-commit sending of case feedback for a long-running process (the API
    under `vroegsignaal serve`, one per worker process).

    One background thread does all the sending: a request that committed a move returns
    at once, and sends never overlap within the process (two would read the same unsent
    rows). Moves that come in while a send is queued are covered by it (it sends every
    unsent row), so a broker outage queues one send, not one per move. The producer is
    made on that thread, retried with back-off while the broker is away; once it exists
    the thread sends what waited meanwhile. What is unsent at shutdown stays in the outbox
    for the next process or `vroegsignaal terugkoppeling` (at-least-once).
    """

    def __init__(
        self, session_maker: Callable[[], Session], make_producer: Callable[[], KafkaProducer],
        topic: str, *, bus: EventBus | None = None, timeout_s: float = 10.0,
        retry_max_s: float = 60.0,
    ) -> None:
        self._session_maker, self._make_producer, self._topic = session_maker, make_producer, topic
        self._bus, self._timeout_s, self._retry_max_s = bus, timeout_s, retry_max_s
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="terugkoppeling")
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._queued = False
        self._producer: KafkaProducer | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def start(self) -> None:
        """Connect in the background, then subscribe and send what is waiting."""
        self._executor.submit(self._run, self._connect)

    def submit(self, job: Callable[[], None]) -> None:
        """Queue `job` (a send of every unsent row) unless one is queued already."""
        with self._lock:
            if self._queued or self._stopping.is_set():
                return
            self._queued = True
            self._executor.submit(self._run, job)

    def stop(self) -> None:
        """Unsubscribe, let a running send finish (bounded by the producer's timeouts),
        drop queued ones, close the producer."""
        with self._lock:
            self._stopping.set()
            if self._unsubscribe is not None:
                self._unsubscribe()
        self._executor.shutdown(wait=True, cancel_futures=True)
        if self._producer is not None:
            self._producer.close(timeout=self._timeout_s)

    def _run(self, job: Callable[[], None]) -> None:
        with self._lock:
            self._queued = False
        try:
            job()
        except Exception as exc:  # the rows stay unsent; the next move sends them again
            log.warning("case feedback not sent error=%s", type(exc).__name__)

    def _connect(self) -> None:
        delay = 1.0
        while not self._stopping.is_set():
            try:
                producer = self._make_producer()
                break
            except KafkaError as exc:
                log.warning("case feedback producer not connected error=%s retry_s=%.0f",
                            type(exc).__name__, delay)
                self._stopping.wait(delay)
                delay = min(delay * 2, self._retry_max_s)
        else:
            return
        with self._lock:
            if self._stopping.is_set():
                producer.close(timeout=self._timeout_s)
                return
            self._producer = producer
            self._unsubscribe = subscribe_after_commit(
                self._session_maker, producer, self._topic, self._bus, run=self.submit,
                timeout_s=self._timeout_s,
            )
        self._run(self._send_waiting)

    def _send_waiting(self) -> None:
        """What waited in the outbox while there was no producer (or since the last run)."""
        assert self._producer is not None
        with self._session_maker() as session:
            publish_pending(session, self._producer, self._topic, timeout_s=self._timeout_s)
