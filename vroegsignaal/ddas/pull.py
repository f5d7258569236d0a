# SPDX-License-Identifier: EUPL-1.2
"""The pull API's service: who may pull, which delivery a request means, one page of it.

The door (api/ddas/) checks the transport: the bearer token's signature and lifetime,
the request's digest and signature. What is decided here: the caller must be one of the
configured OAuth clients (CBS; `Settings.ddas_oauth_clients`), the organisation must be
one this installation delivers for (`Settings.ddas_gemeenten`), the period must be a
period. Then `delivery.write_page` writes and validates the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from vroegsignaal.config import get_settings
from vroegsignaal.dates import today
from vroegsignaal.ddas import status
from vroegsignaal.ddas.delivery import (
    DeliveryInvalid,
    DeliverySpec,
    InvalidPeriod,
    plan_page,
    write_page,
)
from vroegsignaal.errors import VroegsignaalError
from vroegsignaal.storage.tables import Gemeente


class CallerNotAllowed(VroegsignaalError):
    """The pull API's caller is not an allowed DDAS recipient."""

    code = "AFNEMER_NIET_TOEGESTAAN"
    title = "Deze afnemer mag geen DDAS-gegevens ophalen"


class UnknownOrganisation(VroegsignaalError):
    """The asked-for delivering organisation is not one this installation delivers for."""

    code = "ORGANISATIE_ONBEKEND"
    title = "Voor deze aanleverende organisatie levert deze installatie niet"


@dataclass(frozen=True, slots=True)
class DdasCaller:
    """An authenticated OAuth 2.0 client (client credentials grant): its client id."""

    client_id: str


@dataclass(frozen=True, slots=True)
class PullRequest:
    """The fields of DDAS-VS.yaml's GegevensRequest (all optional; DDAS names)."""

    aanleverperiodeStartdatum: dt.date | None = None
    aanleverperiodeEinddatum: dt.date | None = None
    aanleverendeOrganisatie: str | None = None
    page: int = 1
    pageSize: int | None = None


def require_caller(caller: DdasCaller) -> None:
    """Raise `CallerNotAllowed` unless the client is configured to pull."""
    if caller.client_id not in get_settings().ddas_oauth_clients:
        raise CallerNotAllowed(f"client {caller.client_id}")


def resolve(session: Session, request: PullRequest) -> DeliverySpec:
    """The delivery a request asks for. The organisation is a CBS code ("GM0344"), a
    municipality's name or "Gemeente <name>"; without one, the only configured
    municipality. Without dates: from 1 January of the end date's year to today.
    Raises `UnknownOrganisation`, `InvalidPeriod`."""
    served = get_settings().ddas_gemeenten
    wanted = (request.aanleverendeOrganisatie or "").strip()
    if not wanted:
        if len(served) != 1:
            raise UnknownOrganisation("geef aanleverendeOrganisatie op")
        code = served[0]
    else:
        names = dict(session.execute(select(Gemeente.gemeentecode, Gemeente.naam)
                                     .where(Gemeente.gemeentecode.in_(served))).all())
        matches = [g for g in served if wanted.casefold() in
                   {g.casefold(), names.get(g, "").casefold(),
                    f"gemeente {names.get(g, '')}".casefold()}]
        if not matches:
            raise UnknownOrganisation("onbekende aanleverendeOrganisatie")
        code = matches[0]
    tot = request.aanleverperiodeEinddatum or today()
    van = request.aanleverperiodeStartdatum or tot.replace(month=1, day=1)
    if tot < van:
        raise InvalidPeriod("aanleverperiodeStartdatum ligt na aanleverperiodeEinddatum")
    return DeliverySpec(code, van, tot)


def answer(session: Session, caller: DdasCaller, request: PullRequest, out: IO[bytes]) -> None:
    """Write the page the request asks for to `out` (validated; `DeliveryInvalid`
    otherwise) and log it in the delivery status (vroegsignaal/ddas/status.py). Raises
    `CallerNotAllowed`, `UnknownOrganisation`, `InvalidPeriod`."""
    require_caller(caller)
    spec = resolve(session, request)
    page = plan_page(session, spec, request.page, request.pageSize)
    try:
        report = write_page(session, spec, page, out)
    except DeliveryInvalid as exc:
        session.rollback()
        status.record(session, status.PULL, exc.report, afnemer=caller.client_id,
                      pagina=page.number, paginas=page.total_pages)
        raise
    session.rollback()  # end the read transaction before the log's own
    status.record(session, status.PULL, report, afnemer=caller.client_id, pagina=page.number,
                  paginas=page.total_pages)
