# SPDX-License-Identifier: EUPL-1.2
"""What a schuldeiser hears about its signals: the coarse DDAS status, never the reason.

One rule for every door (DOMAIN.md step 8): the REST answer and status endpoint
(api/routes/signalen.py) and the Kafka feedback topic (streaming/) all ask this module.

- Only whether the signal was picked up. The statuses that would reveal something about
  the resident (deceased, moved, already in debt help) or the municipality's own policy
  (minimum amount) become "Niet opgepakt: andere reden".
- A replay (DUPLICAAT) changes nothing, but the creditor may not have heard back the
  first time (a consumer can crash between the database commit and the feedback), so a
  replay is told the status the stored signal has: its current coarse status. Feedback
  is therefore at-least-once; a creditor de-duplicates on (schuldeiser, signaalId, status).
- A message without readable ids has nobody to address, and a signal refused because it
  named another creditor than the one that sent it (ANDERE_SCHULDEISER) is not the named
  creditor's to hear about: neither gets feedback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vroegsignaal.contract.enums import Signaalstatus
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.intake.result import SignalOutcome
from vroegsignaal.storage.tables import Signaal

_TOLD = {
    Signaalstatus.OPGEPAKT,
    Signaalstatus.NOG_NIET_OPGEPAKT,
    Signaalstatus.NIET_OPGEPAKT_HERHAALD,
    Signaalstatus.NIET_OPGEPAKT_ONTERECHT,
}
_NOT_TOLD = {ReasonCode.ANDERE_SCHULDEISER}


@dataclass(frozen=True, slots=True)
class Terugkoppeling:
    """What one creditor hears about one of its signals."""

    schuldeiser: str
    signaal_id: str
    status: Signaalstatus


def creditor_status(reden: ReasonCode) -> Signaalstatus | None:
    """The status a schuldeiser is told for a signal with reason `reden`; None for
    DUPLICAAT (it has no status of its own: see `status_for`)."""
    status = reden.ddas_status
    if status is None:
        return None
    return status if status in _TOLD else Signaalstatus.NIET_OPGEPAKT_ANDERE_REDEN


def status_for(outcome: SignalOutcome) -> Signaalstatus | None:
    """The status to tell for one outcome: a replay's is that of the stored signal."""
    reden = outcome.first_reason if outcome.reden is ReasonCode.DUPLICAAT else outcome.reden
    if reden is None or reden in _NOT_TOLD:
        return None
    return creditor_status(reden)


def feedback_for(outcome: SignalOutcome) -> Terugkoppeling | None:
    """The feedback for one outcome, or None when there is nobody or nothing to tell."""
    if not outcome.schuldeiser or not outcome.signaal_id:
        return None
    status = status_for(outcome)
    if status is None:
        return None
    return Terugkoppeling(outcome.schuldeiser, outcome.signaal_id, status)


def feedback(outcomes: Iterable[SignalOutcome]) -> tuple[Terugkoppeling, ...]:
    """The feedback of a batch, in outcome order."""
    return tuple(fb for o in outcomes if (fb := feedback_for(o)) is not None)


def current_status(session: Session, *, schuldeiser: str, signaal_id: str) -> Signaalstatus | None:
    """The status `schuldeiser` is told about its stored signal `signaal_id`; None when it
    has no such signal (another creditor's signal is not found either)."""
    reden = session.execute(
        select(Signaal.reden).where(
            Signaal.schuldeiser == schuldeiser, Signaal.signaal_id == signaal_id
        )
    ).scalar_one_or_none()
    return None if reden is None else creditor_status(ReasonCode(reden))
