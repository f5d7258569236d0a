# SPDX-License-Identifier: EUPL-1.2
"""What happened, announced once the transaction has committed.

The two write paths of the core announce here: `run_intake` (signals) and
`cases.workflow.transition` (zaken), after Amsterdam/signals' pattern of one write path
whose receivers run after commit. A rolled-back transaction announces nothing.

Events (frozen, ids and codes only, never personal data):

- `IntakeCommitted`: one committed `run_intake` batch, and what each creditor is told
  (`feedback()`, by the one rule of `vroegsignaal.feedback`);
- `CaseStatusChanged`: one move of one zaak (`cases/workflow.py`); the intake's own
  moves (a closed zaak reopened by a new signal) are announced the same way.

Two ways to listen:

- `BUS.subscribe(kind, handler)`: for the life of the process (the audit log, metrics).
  A failing handler is logged and skipped: the transaction is committed and the other
  handlers still run. What must never be lost is written in the transaction itself (the
  status history) or made at-least-once by its door (Kafka feedback, below).
- `with BUS.listen(kind, handler):` only events published in the current context (thread
  or task) while the block runs, errors propagate to the publisher's caller. The Kafka
  door collects the feedback of its own batch this way, publishes it, and only then
  commits its offsets: database commit, then feedback, then offsets (ADR 0006).

Handlers run synchronously in the committing thread, in the order they were added.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session

from vroegsignaal.feedback import Terugkoppeling, feedback

if TYPE_CHECKING:
    from vroegsignaal.cases.workflow import CaseStatus, Role
    from vroegsignaal.contract.enums import Eindresultaat
    from vroegsignaal.intake.result import IntakeResult

log = logging.getLogger(__name__)
E = TypeVar("E")
Handler = Callable[[Any], None]


@dataclass(frozen=True, slots=True)
class IntakeCommitted:
    """One `run_intake` batch is in the database, with what happened to each message."""

    result: IntakeResult

    def feedback(self) -> tuple[Terugkoppeling, ...]:
        """What the creditors are told: per signal with an addressee its current coarse
        status (vroegsignaal/feedback.py; a replay is told the status it has)."""
        return feedback(self.result.outcomes)


@dataclass(frozen=True, slots=True)
class CaseStatusChanged:
    """One move of one zaak, as its `zaak_statuswijziging` row records it."""

    zaak_id: int
    gemeentecode: str
    old: CaseStatus
    new: CaseStatus
    by: str  # who moved it, as the audit log names them ("gebruiker:17", "intake")
    role: Role
    reason: str
    eindresultaat: Eindresultaat | None
    version: int  # the zaak's `versie` after the move
    at: dt.datetime
    # What the creditors of the zaak's signals are told because of this move (pick-up,
    # closing; vroegsignaal/feedback.py), also queued in the `terugkoppeling` outbox.
    feedback: tuple[Terugkoppeling, ...] = ()


class EventBus:
    """Process-wide subscribers plus listeners scoped to the current context."""

    def __init__(self) -> None:
        self._subscribers: list[tuple[type, Handler]] = []
        self._scoped: contextvars.ContextVar[tuple[tuple[type, Handler], ...]] = (
            contextvars.ContextVar(f"listeners-{id(self)}", default=())
        )

    def subscribe(self, kind: type[E], handler: Callable[[E], None]) -> Callable[[], None]:
        """Call `handler` with every `kind` event from now on; returns the unsubscribe."""
        entry = (kind, handler)
        self._subscribers.append(entry)
        return lambda: self._subscribers.remove(entry)

    @contextmanager
    def listen(self, kind: type[E], handler: Callable[[E], None]) -> Iterator[None]:
        """Call `handler` with the `kind` events published in this context, in this block."""
        token = self._scoped.set((*self._scoped.get(), (kind, handler)))
        try:
            yield
        finally:
            self._scoped.reset(token)

    def publish(self, events: Iterable[object]) -> None:
        """Hand each event to its subscribers, then to this context's listeners."""
        scoped = self._scoped.get()
        for event in events:
            for kind, handler in list(self._subscribers):
                if isinstance(event, kind):
                    try:
                        handler(event)
                    except Exception:
                        log.exception(
                            "event subscriber failed event=%s handler=%s",
                            type(event).__name__,
                            getattr(handler, "__qualname__", repr(handler)),
                        )
            for kind, handler in scoped:
                if isinstance(event, kind):
                    handler(event)


BUS = EventBus()


def commit(session: Session, events: Iterable[object], *, bus: EventBus | None = None) -> None:
    """Commit the session, then announce `events`: nothing is announced that did not commit."""
    pending = list(events)
    session.commit()
    (bus or BUS).publish(pending)
