# SPDX-License-Identifier: EUPL-1.2
"""Creditor feedback per signal: the coarse DDAS status and nothing else (DOMAIN.md step 8).

A replay (`DUPLICAAT`) changes nothing, but the creditor may not have heard back the first
time (the consumer can crash between the database commit and the feedback), so a replay
repeats the status of the stored signal. Feedback is therefore at-least-once; a creditor
de-duplicates on (schuldeiser, signaalId, status).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import orjson
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from vroegsignaal.contract.enums import Signaalstatus
from vroegsignaal.feedback import creditor_status
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.intake.result import SignalOutcome
from vroegsignaal.storage.tables import Signaal

BERICHTVERSIE = "1.0"
SignalKey = tuple[str, str]
_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class Terugkoppeling:
    """What one creditor hears about one of its signals."""

    schuldeiser: str
    signaal_id: str
    status: Signaalstatus

    def key(self) -> bytes:
        """Kafka key: the creditor's code, so each creditor's feedback shares a partition."""
        return self.schuldeiser.encode()

    def value(self, verwerkt_op: dt.datetime | str) -> bytes:
        """The message; `verwerkt_op` may come preformatted (`timestamp`), once per batch."""
        return orjson.dumps(
            {
                "berichtversie": BERICHTVERSIE,
                "schuldeiser": self.schuldeiser,
                "signaalId": self.signaal_id,
                "status": self.status.value,
                "verwerktOp": verwerkt_op if isinstance(verwerkt_op, str)
                else timestamp(verwerkt_op),
            }
        )


def timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def replay_keys(outcomes: Iterable[SignalOutcome]) -> list[SignalKey]:
    """The (schuldeiser, signaalId) of every replayed signal in a batch."""
    return list(
        {
            (o.schuldeiser, o.signaal_id)
            for o in outcomes
            if o.reden is ReasonCode.DUPLICAAT and o.schuldeiser and o.signaal_id
        }
    )


def stored_reasons(session: Session, keys: Sequence[SignalKey]) -> dict[SignalKey, ReasonCode]:
    """The reason code each already stored signal got when it was first taken in."""
    found: dict[SignalKey, ReasonCode] = {}
    for i in range(0, len(keys), _CHUNK):
        chunk = keys[i : i + _CHUNK]
        rows = session.execute(
            select(Signaal.schuldeiser, Signaal.signaal_id, Signaal.reden).where(
                tuple_(Signaal.schuldeiser, Signaal.signaal_id).in_(chunk)
            )
        )
        for schuldeiser, signaal_id, reden in rows:
            found[(schuldeiser, signaal_id)] = ReasonCode(reden)
    return found


def feedback_for(
    outcome: SignalOutcome, stored: Mapping[SignalKey, ReasonCode]
) -> Terugkoppeling | None:
    """The feedback for one outcome, or None when there is nobody or nothing to tell.

    Without a readable schuldeiser and signaalId the creditor cannot be addressed (such a
    message only goes to the dead-letter topic). A replay repeats the stored status.
    """
    if not outcome.schuldeiser or not outcome.signaal_id:
        return None
    reden = outcome.reden
    if reden is ReasonCode.DUPLICAAT:
        stored_reason = stored.get((outcome.schuldeiser, outcome.signaal_id))
        if stored_reason is None:
            return None
        reden = stored_reason
    status = creditor_status(reden)
    if status is None:
        return None
    return Terugkoppeling(outcome.schuldeiser, outcome.signaal_id, status)
