# SPDX-License-Identifier: EUPL-1.2
"""Werkbakjes: a team's saved werkvoorraad filters (use: `GET /werkvoorraad?werkbakje=`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentPrincipal, SessionDep
from vroegsignaal.cases import werkbakjes
from vroegsignaal.cases.werkvoorraad import WerkvoorraadFilter

router = APIRouter(prefix="/werkbakjes", tags=["werkbakjes"])
WerkbakjeId = Annotated[int, Path(alias="werkbakjeId", ge=1, le=2**62)]


class Werkbakje(BaseModel):
    id: int
    teamId: int
    naam: str
    filter: dict[str, Any] = Field(description="The saved werkvoorraad filter.")


class NieuwWerkbakje(BaseModel):
    model_config = ConfigDict(extra="forbid")

    teamId: int = Field(ge=1, le=2**62)
    naam: str = Field(min_length=1, max_length=80, pattern=r"^[\w .,()/-]+$")
    filter: WerkvoorraadFilter


def _out(t: werkbakjes.Tray) -> Werkbakje:
    return Werkbakje(id=t.id, teamId=t.team_id, naam=t.naam, filter=t.filter)


@router.get("", response_model=list[Werkbakje], summary="The werkbakjes of your teams",
            openapi_extra={"x-errors": ["400", "401", "403"]})
def get_werkbakjes(session: SessionDep, principal: CurrentPrincipal) -> list[Werkbakje]:
    return [_out(t) for t in werkbakjes.list_trays(session, principal)]


@router.post("", response_model=Werkbakje, status_code=status.HTTP_201_CREATED,
             summary="Save a werkbakje for your team (teamleider)",
             openapi_extra={"x-errors": ["400", "401", "403", "404", "422"]})
def post_werkbakje(
    session: SessionDep, principal: CurrentPrincipal, body: NieuwWerkbakje
) -> Werkbakje:
    return _out(werkbakjes.create_tray(session, principal, team_id=body.teamId,
                                       naam=body.naam, filters=body.filter))


@router.get("/{werkbakjeId}", response_model=Werkbakje, summary="One werkbakje",
            openapi_extra={"x-errors": ["400", "401", "403", "404"]})
def get_werkbakje(
    session: SessionDep, principal: CurrentPrincipal, werkbakje_id: WerkbakjeId
) -> Werkbakje:
    return _out(werkbakjes.get_tray(session, principal, werkbakje_id))


@router.delete("/{werkbakjeId}", status_code=status.HTTP_204_NO_CONTENT,
               response_class=Response, summary="Remove a werkbakje (teamleider)",
               openapi_extra={"x-errors": ["400", "401", "403", "404"]})
def delete_werkbakje(
    session: SessionDep, principal: CurrentPrincipal, werkbakje_id: WerkbakjeId
) -> Response:
    werkbakjes.delete_tray(session, principal, werkbakje_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
