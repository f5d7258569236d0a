# SPDX-License-Identifier: EUPL-1.2
"""The werkvoorraad of workers and teamleiders: one page at a time, scoped in the core."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, ValidationError

from api.deps import CurrentPrincipal, SessionDep
from api.errors import ApiProblem
from vroegsignaal.cases import werkvoorraad
from vroegsignaal.cases.workflow import CaseStatus
from vroegsignaal.contract.enums import Signaalpartner, Zaaktype

router = APIRouter(prefix="/werkvoorraad", tags=["werkvoorraad"])
ERRORS = {"x-errors": ["400", "401", "403", "404"]}


class WerkvoorraadRegel(BaseModel):
    zaakId: int
    gemeentecode: str
    status: str
    zaaktype: str
    aantalSignalen: int
    prioriteit: float = Field(description="Eviction-risk score that orders the werkvoorraad.")
    prioriteitRedenen: list[Any] = Field(description="The score's top reasons.")
    uitersteDatum: dt.date = Field(description="Last day for contact.")
    crisis: bool
    teLaat: bool
    toegewezenAan: int | None = Field(description="User id of the assigned worker.")
    teamId: int | None
    nieuwSignaal: bool = Field(description="A signal joined after the zaak was picked up.")
    versie: int


class WerkvoorraadPagina(BaseModel):
    regels: list[WerkvoorraadRegel]
    volgende: str | None = Field(description="Cursor of the next page; null at the end.")


@router.get(
    "", response_model=WerkvoorraadPagina, summary="One page of your werkvoorraad",
    description="Open zaken of the municipalities you serve, by risk then due date. "
    "Filters narrow; a werkbakje adds its saved filter.", openapi_extra=ERRORS,
)
def get_werkvoorraad(
    session: SessionDep,
    principal: CurrentPrincipal,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=werkvoorraad.MAX_PAGE)] = 50,
    signaalpartner: Annotated[list[Signaalpartner] | None, Query()] = None,
    zaaktype: Annotated[list[Zaaktype] | None, Query()] = None,
    status: Annotated[list[CaseStatus] | None, Query()] = None,
    crisis: bool | None = None,
    teLaat: bool | None = None,
    pc4Van: Annotated[str | None, Query(pattern=r"^[1-9][0-9]{3}$")] = None,
    pc4Tot: Annotated[str | None, Query(pattern=r"^[1-9][0-9]{3}$")] = None,
    toegewezenAanMij: bool = False,
    nietToegewezen: bool = False,
    werkbakje: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> WerkvoorraadPagina:
    try:
        filters = werkvoorraad.WerkvoorraadFilter(
            signaalpartner=signaalpartner, zaaktype=zaaktype, status=status, crisis=crisis,
            teLaat=teLaat, pc4Van=pc4Van, pc4Tot=pc4Tot, toegewezenAanMij=toegewezenAanMij,
            nietToegewezen=nietToegewezen,
        )
    except ValidationError as exc:
        raise ApiProblem(400, "ONGELDIG_FILTER", "Het filter is ongeldig",
                         "; ".join(e["msg"] for e in exc.errors())) from exc
    page = werkvoorraad.page(session, principal, filters, cursor=cursor, limit=limit,
                             werkbakje_id=werkbakje)
    return WerkvoorraadPagina(
        regels=[
            WerkvoorraadRegel(
                zaakId=r.zaak_id, gemeentecode=r.gemeentecode, status=r.status,
                zaaktype=r.zaaktype, aantalSignalen=r.aantal_signalen, prioriteit=r.prioriteit,
                prioriteitRedenen=r.prioriteit_redenen, uitersteDatum=r.uiterste_datum,
                crisis=r.crisis, teLaat=r.te_laat, toegewezenAan=r.toegewezen_aan,
                teamId=r.team_id, nieuwSignaal=r.nieuw_signaal, versie=r.versie,
            )
            for r in page.rows
        ],
        volgende=page.cursor,
    )
