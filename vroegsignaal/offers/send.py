# SPDX-License-Identifier: EUPL-1.2
"""Making and sending the proactive offer for one zaak, with the worker's principal.

- `letter` / `sms`: the zaak's offer rendered from its municipality's template with the
  resident's decrypted identifiers. Reading them is `cases.detail.personal_data`, which
  checks the right and logs "persoonsgegevens.lezen": every letter a worker looks at or
  downloads is in the audit trail.
- `send`: render, hand the message to the outbox (vroegsignaal/offers/outbox.py) and
  register it as a contactpoging with the channel as its kind ("Brief" or "SMS/Whatsapp")
  and `aanbod` set, through `cases.contact.register_attempt` (which checks that the zaak is
  picked up and the worker's). When registering is refused, the message is taken back
  from the outbox: nothing goes out that the zaak does not record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import Principal
from vroegsignaal.config import Settings, get_settings
from vroegsignaal.contract.enums import Contactsoort
from vroegsignaal.dates import AMSTERDAM
from vroegsignaal.offers import letters
from vroegsignaal.offers.letters import OfferImpossible, Resident, Worker
from vroegsignaal.offers.outbox import Channel, Outbox, OutgoingOffer
from vroegsignaal.offers.templates import Kind, stored_source
from vroegsignaal.storage.tables import Gebruiker
from vroegsignaal.themes import get_logo, get_theme

KIND_OF_CHANNEL = {Channel.BRIEF: Contactsoort.BRIEF, Channel.SMS: Contactsoort.SMS_WHATSAPP}


@dataclass(frozen=True, slots=True)
class Offer:
    """A rendered offer: for the letter `html`, for the SMS `text` and the number `phone`."""

    channel: Channel
    zaak_id: int
    gemeentecode: str
    html: str | None = None
    text: str | None = None
    phone: str | None = None


def _variables(
    session: Session, principal: Principal, zaak_id: int, *, settings: Settings, day: dt.date
) -> tuple[dict[str, Any], Resident, str]:
    from vroegsignaal.cases.access import Action, require_case
    from vroegsignaal.cases.detail import personal_data

    zaak = require_case(session, principal, zaak_id, Action.READ_PERSONAL_DATA)
    resident = letters.resident_from(
        personal_data(session, principal, zaak_id, settings=settings))
    user = session.get(Gebruiker, principal.gebruiker_id)
    worker = Worker(user.weergavenaam if user else principal.gebruikersnaam,
                    (user.telefoon or "") if user else "", (user.email or "") if user else "")
    theme = get_theme(session, zaak.gemeentecode)
    logo = letters.logo_uri(get_logo(session, zaak.gemeentecode))
    variables = letters.variables(resident, worker, theme, zaak_id=zaak_id, day=day, logo=logo)
    return variables, resident, zaak.gemeentecode


def letter(
    session: Session, principal: Principal, zaak_id: int, *, day: dt.date,
    settings: Settings | None = None,
) -> Offer:
    """The offer letter of zaak `zaak_id` as printable HTML (audited read). Raises
    Forbidden, CaseNotFound, OfferImpossible ("GEEN_ADRES"), TemplateRefused."""
    settings = settings or get_settings()
    variables, resident, gemeentecode = _variables(session, principal, zaak_id,
                                                   settings=settings, day=day)
    if not resident.adresregels:
        raise OfferImpossible(f"zaak {zaak_id}", code="GEEN_ADRES")
    source = stored_source(session, gemeentecode, Kind.BRIEF)
    return Offer(Channel.BRIEF, zaak_id, gemeentecode, html=letters.letter_html(source, variables))


def sms(
    session: Session, principal: Principal, zaak_id: int, *, day: dt.date,
    settings: Settings | None = None,
) -> Offer:
    """The offer SMS of zaak `zaak_id` (audited read). Raises as `letter`, with
    OfferImpossible "GEEN_TELEFOONNUMMER"."""
    settings = settings or get_settings()
    variables, resident, gemeentecode = _variables(session, principal, zaak_id,
                                                   settings=settings, day=day)
    if not resident.telefoonnummer:
        raise OfferImpossible(f"zaak {zaak_id}", code="GEEN_TELEFOONNUMMER")
    source = stored_source(session, gemeentecode, Kind.SMS)
    return Offer(Channel.SMS, zaak_id, gemeentecode, text=letters.sms_text(source, variables),
                 phone=resident.telefoonnummer)


def send(
    session: Session, principal: Principal, zaak_id: int, channel: Channel, *, outbox: Outbox,
    now: dt.datetime, settings: Settings | None = None,
) -> int:
    """Send the offer through `outbox` and register it as a contactpoging; its id.

    Raises what `letter`/`sms` raise, OutboxUnavailable, and what `register_attempt`
    raises (then the message is withdrawn from the outbox).
    """
    from vroegsignaal.cases.contact import NewAttempt, register_attempt

    day = now.astimezone(AMSTERDAM).date()
    made = (letter if channel is Channel.BRIEF else sms)(
        session, principal, zaak_id, day=day, settings=settings)
    message = OutgoingOffer(
        channel, zaak_id, made.gemeentecode, now,
        pdf=letters.letter_pdf(made.html) if made.html is not None else None,
        text=made.text, phone=made.phone)
    message_id = outbox.deliver(message)
    try:
        return int(register_attempt(session, principal, zaak_id, NewAttempt(
            soort=KIND_OF_CHANNEL[channel], tijdstip=now, bereikt=False, aanbod=True)))
    except BaseException:
        outbox.withdraw(message_id)
        raise
