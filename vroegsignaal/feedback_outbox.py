# SPDX-License-Identifier: EUPL-1.2
"""The outbox of what creditors are told after a worker's move (`terugkoppeling` rows,
written by cases/workflow.py in the move's transaction): which rows are still to be sent,
and marking them sent. The Kafka door (streaming/case_feedback.py) does the sending."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vroegsignaal.contract.enums import Signaalstatus
from vroegsignaal.feedback import Terugkoppeling as Feedback
from vroegsignaal.storage.tables import Terugkoppeling


def pending(session: Session, limit: int = 1000) -> list[tuple[int, Feedback]]:
    """The oldest unsent rows (id, feedback), in the order they were written; locked
    (SKIP LOCKED on PostgreSQL) so two senders do not send the same row at once."""
    query = (select(Terugkoppeling.id, Terugkoppeling.schuldeiser, Terugkoppeling.signaal_id,
                    Terugkoppeling.status)
             .where(Terugkoppeling.verzonden_op.is_(None)).order_by(Terugkoppeling.id)
             .limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return [(r.id, Feedback(r.schuldeiser, r.signaal_id, Signaalstatus(r.status)))
            for r in session.execute(query)]


def mark_sent(session: Session, ids: Sequence[int], at: dt.datetime | None = None) -> None:
    """Mark rows sent (the caller commits, after the broker acknowledged them)."""
    if ids:
        session.execute(update(Terugkoppeling).where(Terugkoppeling.id.in_(list(ids)))
                        .values(verzonden_op=at or dt.datetime.now(dt.UTC)))
