# SPDX-License-Identifier: EUPL-1.2
"""Creditor intake: POST signals, read back the coarse status of your own signals."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, status
from pydantic import BaseModel, Field

from api.deps import CurrentCreditor, SessionDep
from api.errors import ApiProblem
from vroegsignaal.contract.enums import Signaalstatus
from vroegsignaal.contract.raw import RawInput
from vroegsignaal.feedback import current_status, status_for
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.intake.sender import require_own_signals

router = APIRouter(prefix="/signalen", tags=["signalen"])
MAX_BATCH = 10_000


class SignaalResultaat(BaseModel):
    positie: int = Field(description="Index of the message in the request body.")
    signaalId: str | None
    status: Signaalstatus | None = Field(
        description="Coarse DDAS status; for a replay the status the signal already has."
    )
    herhaling: bool = Field(description="True when this signal had been received before.")
    fouten: list[dict[str, Any]] = Field(
        default_factory=list, description="Contract errors: field and error type only."
    )


class IntakeAntwoord(BaseModel):
    batchId: str
    ontvangen: int
    resultaten: list[SignaalResultaat]


class SignaalStatus(BaseModel):
    signaalId: str
    status: Signaalstatus


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=IntakeAntwoord,
    summary="Deliver signals (one message per signal)",
    openapi_extra={"x-errors": ["400", "401", "403", "413"]},
)
def post_signalen(
    session: SessionDep,
    creditor: CurrentCreditor,
    berichten: Annotated[
        list[dict[str, Any]],
        Body(description="Messages in the signal contract (see the published JSON Schema)."),
    ],
) -> IntakeAntwoord:
    if not berichten:
        raise ApiProblem(400, "LEGE_LEVERING", "Geen signalen in het verzoek")
    if len(berichten) > MAX_BATCH:
        raise ApiProblem(413, "TE_GROTE_LEVERING", f"Maximaal {MAX_BATCH} signalen per verzoek")
    # A request is one delivery: a signal of another creditor refuses all of it (403).
    require_own_signals(berichten, creditor.schuldeiser)
    result = run_intake(
        [RawInput(i, m, afzender=creditor.schuldeiser) for i, m in enumerate(berichten)],
        session=session,
        source="api",
    )
    return IntakeAntwoord(
        batchId=result.batch_id,
        ontvangen=len(result.outcomes),
        resultaten=[
            SignaalResultaat(
                positie=o.positie,
                signaalId=o.signaal_id,
                status=status_for(o),
                herhaling=o.reden is ReasonCode.DUPLICAAT,
                fouten=o.details,
            )
            for o in result.outcomes
        ],
    )


@router.get(
    "/{signaal_id}/status",
    response_model=SignaalStatus,
    summary="Coarse status of one of your own signals",
)
def get_status(
    session: SessionDep,
    creditor: CurrentCreditor,
    signaal_id: Annotated[str, Path(max_length=64)],
) -> SignaalStatus:
    coarse = current_status(session, schuldeiser=creditor.schuldeiser, signaal_id=signaal_id)
    if coarse is None:
        raise ApiProblem(404, "NIET_GEVONDEN", "Signaal niet gevonden")
    return SignaalStatus(signaalId=signaal_id, status=coarse)
