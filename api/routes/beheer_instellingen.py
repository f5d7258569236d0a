# SPDX-License-Identifier: EUPL-1.2
"""Admin: a municipality's thresholds (every change audited), and the audit trail's answer
to "who looked at this zaak or household, and why"."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from api.deps import CurrentPrincipal, SessionDep
from api.errors import ApiProblem
from vroegsignaal.audit.log import who_looked
from vroegsignaal.cases.access import Action, require
from vroegsignaal.eligibility.admin import GemeenteDrempels, get_thresholds, set_thresholds

router = APIRouter(prefix="/beheer", tags=["beheer"])
Gemeentecode = Annotated[str, Path(pattern=r"^GM[0-9]{4}$", description="CBS code.")]
ERRORS = {"x-errors": ["400", "401", "403", "404"]}


@router.get("/gemeenten/{gemeentecode}/drempels", response_model=GemeenteDrempels,
            response_model_by_alias=True, summary="A municipality's thresholds",
            openapi_extra=ERRORS)
def get_drempels(
    session: SessionDep, principal: CurrentPrincipal, gemeentecode: Gemeentecode
) -> GemeenteDrempels:
    return get_thresholds(session, principal, gemeentecode)


@router.put("/gemeenten/{gemeentecode}/drempels", response_model=GemeenteDrempels,
            summary="Change a municipality's thresholds (audited)", openapi_extra=ERRORS)
def put_drempels(
    session: SessionDep, principal: CurrentPrincipal, gemeentecode: Gemeentecode,
    body: GemeenteDrempels,
) -> GemeenteDrempels:
    return set_thresholds(session, principal, gemeentecode, body)


class Inzage(BaseModel):
    tijdstip: dt.datetime
    actor: str
    rollen: str
    actie: str
    doel: str
    resultaat: str
    zaakId: int | None
    traceId: str


@router.get("/auditlog", response_model=list[Inzage],
            summary="Who looked at a zaak or household, and why", openapi_extra=ERRORS)
def get_auditlog(
    session: SessionDep, principal: CurrentPrincipal,
    zaakId: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    huishouden: Annotated[str | None, Query(pattern=r"^[0-9a-f]{32}$",
                                            description="Pseudonymous household key.")] = None,
) -> list[Inzage]:
    require(principal, Action.READ_AUDIT)
    if zaakId is None and huishouden is None:
        raise ApiProblem(400, "ONGELDIG_VERZOEK", "Noem een zaak of een huishouden")
    rows = who_looked(session, zaak_id=zaakId, huishouden_sleutel=huishouden,
                      gemeenten=principal.gemeenten)
    return [Inzage(tijdstip=r.tijdstip, actor=r.actor, rollen=r.rollen, actie=r.actie,
                   doel=r.doel, resultaat=r.resultaat, zaakId=r.zaak_id, traceId=r.trace_id)
            for r in rows]
