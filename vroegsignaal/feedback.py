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
- The same signaalId with other content (SIGNAALID_CONFLICT) is refused, and the creditor
  is told so (`conflict`) with the status of the signal stored under that id, which did
  not change.
- A creditor may ask about its own refused signals too (`current_status`): a refusal is
  told as its coarse status ("Niet opgepakt: onterecht signaal").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vroegsignaal.contract.enums import Signaalstatus
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.intake.result import SignalOutcome
from vroegsignaal.storage.tables import IntakeWeigering, Signaal

_TOLD = {
    Signaalstatus.OPGEPAKT,
    Signaalstatus.NOG_NIET_OPGEPAKT,
    Signaalstatus.NIET_OPGEPAKT_HERHAALD,
    Signaalstatus.NIET_OPGEPAKT_ONTERECHT,
}
_NOT_TOLD = {ReasonCode.ANDERE_SCHULDEISER}
_OF_THE_STORED_SIGNAL = {ReasonCode.DUPLICAAT, ReasonCode.SIGNAALID_CONFLICT}


@dataclass(frozen=True, slots=True)
class Terugkoppeling:
    """What one creditor hears about one of its signals."""

    schuldeiser: str
    signaal_id: str
    status: Signaalstatus
    conflict: bool = False  # this delivery conflicted with the stored signal; refused


def creditor_status(reden: ReasonCode) -> Signaalstatus | None:
    """The status a schuldeiser is told for a signal with reason `reden`; None for
    DUPLICAAT (it has no status of its own: see `status_for`)."""
    status = reden.ddas_status
    if status is None:
        return None
    return status if status in _TOLD else Signaalstatus.NIET_OPGEPAKT_ANDERE_REDEN


def status_for(outcome: SignalOutcome) -> Signaalstatus | None:
    """The status to tell for one outcome: a replay's or a conflict's is that of the stored
    signal."""
    reden = outcome.first_reason if outcome.reden in _OF_THE_STORED_SIGNAL else outcome.reden
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
    return Terugkoppeling(outcome.schuldeiser, outcome.signaal_id, status,
                          conflict=outcome.reden is ReasonCode.SIGNAALID_CONFLICT)


def feedback(outcomes: Iterable[SignalOutcome]) -> tuple[Terugkoppeling, ...]:
    """The feedback of a batch, in outcome order."""
    return tuple(fb for o in outcomes if (fb := feedback_for(o)) is not None)


def current_status(session: Session, *, schuldeiser: str, signaal_id: str) -> Signaalstatus | None:
    """The status `schuldeiser` is told about its signal `signaal_id`: the stored signal's,
    else that of its latest refusal (a refused signal is stored as a refusal row only);
    None when it has neither (another creditor's signal is not found either)."""
    reden = session.execute(
        select(Signaal.reden).where(
            Signaal.schuldeiser == schuldeiser, Signaal.signaal_id == signaal_id
        )
    ).scalar_one_or_none()
    if reden is None:
        reden = session.execute(
            select(IntakeWeigering.reden)
            .where(
                IntakeWeigering.schuldeiser == schuldeiser,
                IntakeWeigering.signaal_id == signaal_id,
                IntakeWeigering.reden.not_in([r.value for r in _NOT_TOLD]),
            )
            .order_by(IntakeWeigering.id.desc())
            .limit(1)
        ).scalar_one_or_none()
    if reden is None:
        return None
    return creditor_status(ReasonCode(reden))
