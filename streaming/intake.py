# SPDX-License-Identifier: EUPL-1.2
"""One batch through the one pipeline: `run_intake` commits and announces what happened.

The door listens for the pipeline's `IntakeCommitted` events of its own batch (the
feedback to publish comes with them, decided by the core) and hands them to the publisher.
Three ways out: a `BatchOutcome`; `DatabaseUnavailable` (nothing was stored that a retry
would not recognise as a replay, so the batch is simply given back to Kafka); or, when
the pipeline fails on the data itself, the batch is retried message by message and the
messages that still fail become dead letters instead of blocking their partition.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from streaming.database import Database, is_unavailable
from vroegsignaal.config import Settings
from vroegsignaal.contract.raw import RawInput
from vroegsignaal.errors import VroegsignaalError
from vroegsignaal.events import BUS, IntakeCommitted
from vroegsignaal.feedback import Terugkoppeling
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.intake.result import IntakeResult, SignalOutcome

log = logging.getLogger(__name__)
SOURCE = "kafka"


class DatabaseUnavailable(Exception):
    """The database could not be reached or gave up; retry the whole batch later."""


@dataclass(slots=True)
class BatchOutcome:
    """What the pipeline committed for one poll: the outcomes, the feedback the core
    decided, and the messages it could not process (`failures`: positie -> error code)."""

    outcomes: list[SignalOutcome]
    batch_ids: list[str]
    failures: dict[int, str] = field(default_factory=dict)
    feedback: list[Terugkoppeling] = field(default_factory=list)

    @classmethod
    def of(cls, committed: Sequence[IntakeCommitted], failures: dict[int, str]) -> BatchOutcome:
        return cls(
            [o for c in committed for o in c.result.outcomes],
            [c.result.batch_id for c in committed],
            failures,
            [fb for c in committed for fb in c.feedback()],
        )


def _run(session: Session, inputs: Sequence[RawInput], settings: Settings) -> IntakeResult:
    # A unique-key race with another writer is retried inside run_intake.
    return run_intake(inputs, session=session, source=SOURCE, settings=settings)


def _rollback(session: Session) -> None:
    try:
        session.rollback()
    except Exception:  # the connection may be gone; closing the session is enough
        log.debug("rollback failed", exc_info=True)


def error_code(exc: BaseException) -> str:
    """A stable code for logs and dead letters; never the message, which may echo data."""
    if isinstance(exc, VroegsignaalError):
        return exc.code
    if isinstance(exc, sa.exc.DBAPIError) and exc.orig is not None:
        return type(exc.orig).__name__  # e.g. NumericValueOutOfRange, not just DataError
    return type(exc).__name__


def ingest(db: Database, inputs: Sequence[RawInput], settings: Settings) -> BatchOutcome:
    """Run the batch; on a data failure, message by message (see the module docstring)."""
    committed: list[IntakeCommitted] = []
    session = db.session()
    try:
        with BUS.listen(IntakeCommitted, committed.append):
            _run(session, inputs, settings)
        return BatchOutcome.of(committed, {})
    except Exception as exc:
        _rollback(session)
        if is_unavailable(exc):
            raise DatabaseUnavailable(type(exc).__name__) from exc
        log.warning(
            "kafka batch failed in the pipeline; retrying message by message error=%s records=%d",
            error_code(exc),
            len(inputs),
        )
    finally:
        session.close()
    return _one_by_one(db, inputs, settings)


def _one_by_one(db: Database, inputs: Sequence[RawInput], settings: Settings) -> BatchOutcome:
    committed: list[IntakeCommitted] = []
    failures: dict[int, str] = {}
    for item in inputs:
        session = db.session()
        try:
            with BUS.listen(IntakeCommitted, committed.append):
                _run(session, [item], settings)
        except Exception as exc:
            _rollback(session)
            if is_unavailable(exc):
                raise DatabaseUnavailable(type(exc).__name__) from exc
            failures[item.positie] = error_code(exc)
            log.error(
                "kafka message failed in the pipeline positie=%d error=%s",
                item.positie,
                error_code(exc),
            )
        finally:
            session.close()
    return BatchOutcome.of(committed, failures)
