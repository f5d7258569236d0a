# SPDX-License-Identifier: EUPL-1.2
"""Workers decide on "mogelijk hetzelfde adres" (vroegsignaal/cases/address_links.py).

Two households that may be one dwelling (a number written with and without letter or
addition) are linked by the intake; a schuldhulpverlener or teamleider of the municipality
confirms (one dwelling: the household without addition follows the other from then on) or
separates them. The core checks the role and the municipality and raises the domain errors
api/errors.py maps: another municipality's link 404, a role that may never decide 403, a
link already decided 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from api.deps import CurrentPrincipal, SessionDep
from vroegsignaal.cases import address_links as links

router = APIRouter(prefix="/adreskoppelingen", tags=["adreskoppelingen"])
KoppelingId = Annotated[
    int, Path(alias="koppelingId", ge=1, le=2**62, description="Id of the link.")
]
DECIDE_ERRORS = {"x-errors": ["401", "403", "404", "409"]}


class Adreskoppeling(BaseModel):
    id: int
    gemeentecode: str
    status: links.LinkStatus = Field(description="mogelijk, bevestigd or gescheiden.")
    zaakIds: list[int] = Field(description="The zaak written without letter or addition, "
                                           "then the zaak written with one.")
    aangemaaktOp: dt.datetime
    beslotenOp: dt.datetime | None


def _out(view: links.LinkView) -> Adreskoppeling:
    return Adreskoppeling(id=view.id, gemeentecode=view.gemeentecode, status=view.status,
                          zaakIds=list(view.zaak_ids), aangemaaktOp=view.aangemaakt_op,
                          beslotenOp=view.besloten_op)


@router.get("", response_model=list[Adreskoppeling],
            summary="Links of your municipalities, by status (default: still to decide)",
            openapi_extra={"x-errors": ["400", "401", "403"]})
def list_adreskoppelingen(
    session: SessionDep,
    principal: CurrentPrincipal,
    status: Annotated[links.LinkStatus | None, Query()] = links.LinkStatus.MOGELIJK,
) -> list[Adreskoppeling]:
    return [_out(v) for v in links.list_links(session, principal, status=status)]


@router.post("/{koppelingId}/bevestigen", response_model=Adreskoppeling,
             summary="Confirm: one dwelling", openapi_extra=DECIDE_ERRORS)
def bevestigen(
    session: SessionDep, principal: CurrentPrincipal, koppeling_id: KoppelingId
) -> Adreskoppeling:
    return _out(links.decide(session, principal, koppeling_id, links.LinkStatus.BEVESTIGD))


@router.post("/{koppelingId}/scheiden", response_model=Adreskoppeling,
             summary="Separate: two dwellings", openapi_extra=DECIDE_ERRORS)
def scheiden(
    session: SessionDep, principal: CurrentPrincipal, koppeling_id: KoppelingId
) -> Adreskoppeling:
    return _out(links.decide(session, principal, koppeling_id, links.LinkStatus.GESCHEIDEN))
