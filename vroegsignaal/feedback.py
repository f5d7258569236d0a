# SPDX-License-Identifier: EUPL-1.2
"""What a schuldeiser hears about its signals: the coarse DDAS status, never the reason.

One rule for every door (DOMAIN.md step 8): the REST answer and status endpoint
(api/routes/signalen.py) and the Kafka feedback topic (streaming/) all ask this module.

- Only whether the signal was picked up: "Nog niet opgepakt" while its zaak waits in the
  werkvoorraad, "Opgepakt" once a worker picked the zaak up, and at closing the status the
  eindresultaat gives (`status_at_closing`; cases/workflow.py keeps `signaal.status`).
  The statuses that would reveal something about the resident (deceased, moved, already
  in debt help) or the municipality's own policy (minimum amount)
  become "Niet opgepakt: andere reden".
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

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import CreditorPrincipal
from vroegsignaal.audit.log import record
from vroegsignaal.contract.enums import Eindresultaat, Signaalstatus
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


def told(status: Signaalstatus) -> Signaalstatus:
    """The coarse status a schuldeiser hears for a signal whose DDAS status is `status`."""
    return status if status in _TOLD else Signaalstatus.NIET_OPGEPAKT_ANDERE_REDEN


def creditor_status(reden: ReasonCode) -> Signaalstatus | None:
    """The status a schuldeiser is told for a signal with reason `reden`; None for
    DUPLICAAT (it has no status of its own: see `status_for`)."""
    status = reden.ddas_status
    return None if status is None else told(status)


def status_for(outcome: SignalOutcome) -> Signaalstatus | None:
    """The status to tell for one outcome: its stored status where the intake knew it (a
    signal that joined a picked-up zaak; a replay: the stored signal's current status),
    else the one its reason gives (for a replay or a conflict, the reason the stored signal
    got)."""
    reden = outcome.first_reason if outcome.reden in _OF_THE_STORED_SIGNAL else outcome.reden
    if reden is None or reden in _NOT_TOLD:
        return None
    if outcome.status is not None:
        return told(outcome.status)
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
    """The status `schuldeiser` is told about its signal `signaal_id` now: the stored
    signal's (the workflow keeps `signaal.status` current: cases/workflow.py), else that of
    its latest refusal (a refused signal is stored as a refusal row only); None when it has
    neither (another creditor's signal is not found either)."""
    status = session.execute(
        select(Signaal.status).where(
            Signaal.schuldeiser == schuldeiser, Signaal.signaal_id == signaal_id
        )
    ).scalar_one_or_none()
    if status is not None:
        return told(Signaalstatus(status))
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


# The DDAS status a picked-up signal gets when its zaak is closed with an eindresultaat:
# the results that say the signal should not have been picked up, or that name a fact about
# the resident, carry it; every other result means the municipality took the signal up.
_CLOSING_STATUS: dict[Eindresultaat, Signaalstatus] = {
    Eindresultaat.NIET_OPGEPAKT_ANDERE_REDEN: Signaalstatus.NIET_OPGEPAKT_ANDERE_REDEN,
    Eindresultaat.NIET_OPGEPAKT_HERHAALD: Signaalstatus.NIET_OPGEPAKT_HERHAALD,
    Eindresultaat.NIET_OPGEPAKT_ONTERECHT: Signaalstatus.NIET_OPGEPAKT_ONTERECHT,
    Eindresultaat.GEEN_INWONER: Signaalstatus.GEEN_INWONER,
    Eindresultaat.OVERLEDEN: Signaalstatus.OVERLEDEN,
    Eindresultaat.AL_BEKEND: Signaalstatus.AL_BEKEND,
}


def status_at_closing(eindresultaat: Eindresultaat) -> Signaalstatus:
    """The DDAS status of a zaak's picked-up signals once it is closed with `eindresultaat`
    (what the creditor hears is `told` of it: "Inwoner is overleden" is told as "Niet
    opgepakt: andere reden")."""
    return _CLOSING_STATUS.get(eindresultaat, Signaalstatus.OPGEPAKT)


def told_counts(per_reason: dict[str, int]) -> dict[Signaalstatus, int]:
    """Intake counts per reason code as the creditor may see them: per coarse status (a
    reason such as OVERLEDEN is counted under "Niet opgepakt: andere reden"); replays and
    signals naming another creditor are left out, as in the feedback."""
    counts: dict[Signaalstatus, int] = {}
    for code, n in per_reason.items():
        reason = ReasonCode(code)
        status = None if reason in _NOT_TOLD else creditor_status(reason)
        if status is not None:
            counts[status] = counts.get(status, 0) + n
    return counts


@dataclass(frozen=True, slots=True)
class SignalStatus:
    """One of a creditor's own signals as the creditor may see it: its own id, dates, and
    the coarse status (`told`). Nothing about the resident."""

    signaal_id: str
    signaaldatum: dt.date
    ontvangen_op: dt.date
    status: Signaalstatus


def own_signals(
    session: Session, creditor: CreditorPrincipal, *, before: int | None = None, limit: int = 50
) -> tuple[list[SignalStatus], int | None]:
    """A page of the creditor's own stored signals, newest first, and the key of the next
    page (None at the end). Keyset paging on the row id (index `ix_signaal_schuldeiser_id`)."""
    query = (
        select(Signaal.id, Signaal.signaal_id, Signaal.signaaldatum, Signaal.ontvangen_op,
               Signaal.status)
        .where(Signaal.schuldeiser == creditor.schuldeiser)
        .order_by(Signaal.id.desc())
        .limit(limit + 1)
    )
    if before is not None:
        query = query.where(Signaal.id < before)
    rows = session.execute(query).all()
    page = [SignalStatus(r.signaal_id, r.signaaldatum, r.ontvangen_op,
                         told(Signaalstatus(r.status))) for r in rows[:limit]]
    return page, (rows[limit - 1].id if len(rows) > limit else None)


def own_status_counts(session: Session, creditor: CreditorPrincipal) -> dict[Signaalstatus, int]:
    """How many of the creditor's signals have each coarse status."""
    counts: dict[Signaalstatus, int] = {}
    rows = session.execute(
        select(Signaal.status, func.count()).where(Signaal.schuldeiser == creditor.schuldeiser)
        .group_by(Signaal.status)
    )
    for status, n in rows:
        coarse = told(Signaalstatus(status))
        counts[coarse] = counts.get(coarse, 0) + n
    return counts


def export_own_signals(
    session: Session, creditor: CreditorPrincipal, *, batch: int = 5000
) -> Iterator[SignalStatus]:
    """Every stored signal of the creditor, newest first, read in keyset batches; the
    export is logged in the audit trail (committed before the first row)."""
    record(session, creditor, actie="signalen.exporteren", doel="vroegsignalering.terugkoppeling",
           resultaat="ok", details={"gebruiker_id": creditor.gebruiker_id})
    session.commit()
    before: int | None = None
    while True:
        page, before = own_signals(session, creditor, before=before, limit=batch)
        yield from page
        if before is None:
            return
