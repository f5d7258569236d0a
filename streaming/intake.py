# SPDX-License-Identifier: EUPL-1.2
"""One batch through the one pipeline: `run_intake` commits, then replays are looked up.

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
from streaming.feedback_records import SignalKey, replay_keys, stored_reasons
from vroegsignaal.config import Settings
from vroegsignaal.contract.raw import RawInput
from vroegsignaal.errors import VroegsignaalError
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.intake.result import IntakeResult, SignalOutcome

log = logging.getLogger(__name__)
SOURCE = "kafka"


class DatabaseUnavailable(Exception):
    """The database could not be reached or gave up; retry the whole batch later."""


@dataclass(slots=True)
class BatchOutcome:
    outcomes: list[SignalOutcome]
    batch_ids: list[str]
    failures: dict[int, str] = field(default_factory=dict)  # positie -> error code
    stored: dict[SignalKey, ReasonCode] = field(default_factory=dict)  # replays' first reason


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
    session = db.session()
    try:
        result = _run(session, inputs, settings)
        stored = stored_reasons(session, replay_keys(result.outcomes))
        return BatchOutcome(result.outcomes, [result.batch_id], stored=stored)
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
    outcomes: list[SignalOutcome] = []
    batch_ids: list[str] = []
    failures: dict[int, str] = {}
    for item in inputs:
        session = db.session()
        try:
            result = _run(session, [item], settings)
            outcomes.extend(result.outcomes)
            batch_ids.append(result.batch_id)
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
    session = db.session()
    try:
        stored = stored_reasons(session, replay_keys(outcomes))
    except Exception as exc:
        if is_unavailable(exc):
            raise DatabaseUnavailable(type(exc).__name__) from exc
        raise
    finally:
        session.close()
    return BatchOutcome(outcomes, batch_ids, failures, stored)
