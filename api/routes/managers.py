# SPDX-License-Identifier: EUPL-1.2
"""Managers: aggregates only, never a zaak (the KPIs proper come with issue 12)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import CurrentPrincipal, SessionDep
from vroegsignaal.cases.overview import overview

router = APIRouter(prefix="/overzicht", tags=["overzicht"])


class GemeenteOverzicht(BaseModel):
    gemeentecode: str
    open: dict[str, int] = Field(description="Open zaken per status.")
    teLaat: int = Field(description="Open zaken past their due date.")
    nietToegewezen: int
    afgesloten: dict[str, int] = Field(description="Closed in the period, per eindresultaat.")


@router.get("", response_model=list[GemeenteOverzicht],
            summary="Counts per municipality you serve (no case details)",
            openapi_extra={"x-errors": ["400", "401", "403"]})
def get_overzicht(
    session: SessionDep, principal: CurrentPrincipal,
    maanden: Annotated[int, Query(ge=1, le=36)] = 12,
) -> list[GemeenteOverzicht]:
    return [GemeenteOverzicht(**g) for g in overview(session, principal, maanden=maanden)]
