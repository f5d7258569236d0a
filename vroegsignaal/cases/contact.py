# SPDX-License-Identifier: EUPL-1.2
"""Contactpogingen: every attempt to reach the resident of a zaak (DOMAIN.md step 6).

An attempt has a DDAS contact kind (`Contactsoort`), a moment (stored in UTC; its date and
part of day are those in Europe/Amsterdam), reached yes or no, and at most one short
note from a closed list (`ContactNotitie`): there is no free-text field that invites
personal or health details. The proactive offer of a conversation (Wgs: "uit eigen
beweging een intakegesprek aanbieden") is an attempt too, with `aanbod` set and its
channel as the kind.

Only the worker the zaak is assigned to, or a teamleider, registers an attempt, and only
on a zaak that was picked up and is not closed. It is appended (attempts never change)
and audited; it also clears the "new signal" mark (the worker acted on the zaak).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import Principal, UserRole
from vroegsignaal.audit.log import record
from vroegsignaal.cases.access import Action, require_case
from vroegsignaal.cases.errors import CaseWorkRefused
from vroegsignaal.cases.workflow import AUDIT_PURPOSE, CaseStatus
from vroegsignaal.contract.enums import Contactsoort, Dagdeel
from vroegsignaal.storage.tables import Contactpoging, Zaak

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class ContactNotitie(StrEnum):
    """The closed list of short notes on an attempt (no free text)."""

    GEEN_GEHOOR = "Geen gehoor"
    VOICEMAIL = "Voicemail ingesproken"
    VERKEERD_NUMMER = "Nummer onjuist of buiten gebruik"
    NIET_THUIS = "Niet thuis aangetroffen"
    KAARTJE_ACHTERGELATEN = "Kaartje achtergelaten"
    BRIEF_RETOUR = "Brief retour ontvangen"
    GESPREK_GEVOERD = "Gesprek gevoerd"
    AFSPRAAK_GEMAAKT = "Afspraak gemaakt"
    BELT_TERUG = "Inwoner belt zelf terug"
    WIL_GEEN_HULP = "Inwoner wil geen hulp"
    DOORVERWEZEN = "Doorverwezen"


def dagdeel(moment: dt.datetime) -> Dagdeel:
    """DDAS part of day of `moment` in Europe/Amsterdam (DOMAIN.md step 6): Ochtend before
    12:00, Middag from 12:00 to before 18:00, Avond from 18:00. A naive `moment` is
    refused (ValueError): its zone would be a guess."""
    if moment.tzinfo is None:
        raise ValueError("a contact moment needs a time zone")
    hour = moment.astimezone(AMSTERDAM).hour
    if hour < 12:
        return Dagdeel.OCHTEND
    return Dagdeel.MIDDAG if hour < 18 else Dagdeel.AVOND


@dataclass(frozen=True, slots=True)
class NewAttempt:
    """An attempt as a worker registers it."""

    soort: Contactsoort
    tijdstip: dt.datetime  # with a zone
    bereikt: bool
    notitie: ContactNotitie | None = None
    aanbod: bool = False


def register_attempt(
    session: Session, principal: Principal, zaak_id: int, attempt: NewAttempt
) -> int:
    """Append one contactpoging to zaak `zaak_id` and commit; its id.

    Raises `Forbidden`, `CaseNotFound`, `CaseWorkRefused` ("ZAAK_NIET_OPGEPAKT": waiting
    or closed; "NIET_TOEGEWEZEN": assigned to someone else, and you are no teamleider;
    "TIJDSTIP_IN_TOEKOMST": more than five minutes ahead), ValueError for a naive moment.
    """
    part = dagdeel(attempt.tijdstip)
    now = dt.datetime.now(dt.UTC)
    try:
        row = require_case(session, principal, zaak_id, Action.WORK_CASE, for_update=True)
        if CaseStatus(row.status) is not CaseStatus.OPGEPAKT:
            raise CaseWorkRefused(f"zaak {zaak_id}: {row.status}", code="ZAAK_NIET_OPGEPAKT")
        if row.toegewezen_aan != principal.gebruiker_id and not principal.has(
            UserRole.TEAMLEIDER
        ):
            raise CaseWorkRefused(f"zaak {zaak_id}", code="NIET_TOEGEWEZEN")
        if attempt.tijdstip > now + dt.timedelta(minutes=5):
            raise CaseWorkRefused(f"zaak {zaak_id}", code="TIJDSTIP_IN_TOEKOMST")
        new_id = session.execute(
            insert(Contactpoging).returning(Contactpoging.id).values(
                zaak_id=zaak_id, soort=attempt.soort.value,
                tijdstip=attempt.tijdstip.astimezone(dt.UTC),
                datum=attempt.tijdstip.astimezone(AMSTERDAM).date(), dagdeel=part.value,
                bereikt=attempt.bereikt,
                notitie=attempt.notitie.value if attempt.notitie else None,
                aanbod=attempt.aanbod, door=principal.gebruiker_id, geregistreerd_op=now,
                bewaren_tot=row.bewaren_tot)
        ).scalar_one()
        if row.nieuw_signaal_sinds is not None:
            session.execute(update(Zaak).where(Zaak.id == zaak_id)
                            .values(nieuw_signaal_sinds=None))
        record(session, principal, actie="contactpoging.registreren", doel=AUDIT_PURPOSE,
               resultaat="ok", zaak_id=zaak_id, huishouden_sleutel=row.huishouden_sleutel,
               gemeentecode=row.gemeentecode,
               details={"contactpoging_id": int(new_id), "soort": attempt.soort.value,
                        "aanbod": attempt.aanbod})
    except Exception:
        session.rollback()
        raise
    session.commit()
    return int(new_id)
