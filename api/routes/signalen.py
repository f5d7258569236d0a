# SPDX-License-Identifier: EUPL-1.2
"""Creditor intake: POST signals, read back the coarse status of your own signals.

The body is read as bytes (at most `MAX_BODY_BYTES`, api/limits.py) and decoded like every
other door decodes a message (vroegsignaal/contract/decode.py): each element of the array
is one message, refused on its own when it is unreadable, exactly as a Kafka record or a
JSONL line would be; the contract itself is the pipeline's (strict, contract/check.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, status
from pydantic import BaseModel, Field

from api.deps import CurrentCreditor, SessionDep
from api.errors import ApiProblem
from api.limits import BodyTooLarge
from vroegsignaal.contract.codes import uitleg
from vroegsignaal.contract.decode import MAX_BATCH, MAX_BODY_BYTES, decode_batch
from vroegsignaal.contract.enums import Signaalstatus
from vroegsignaal.contract.raw import RawInput
from vroegsignaal.feedback import current_status, status_for
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.intake.sender import require_own_signals

router = APIRouter(prefix="/signalen", tags=["signalen"])


class Fout(BaseModel):
    veld: str | None = Field(default=None, description="Field path, e.g. client.postcode.")
    fout: str = Field(description="Error code (docs/contract.md).")
    uitleg: str = Field(description="What the code means and how to write the value.")


class SignaalResultaat(BaseModel):
    positie: int = Field(description="Index of the message in the request body.")
    signaalId: str | None
    status: Signaalstatus | None = Field(
        description="Coarse DDAS status; for a replay or a conflict the status the signal "
        "stored under this id has."
    )
    herhaling: bool = Field(description="True when this signal had been received before.")
    conflict: bool = Field(
        default=False,
        description="True when this signalId was received before with other content: the "
        "message is refused (SIGNAALID_CONFLICT) and the stored signal is unchanged.",
    )
    fouten: list[Fout] = Field(
        default_factory=list, description="Contract errors: field and error code only."
    )


class IntakeAntwoord(BaseModel):
    batchId: str
    ontvangen: int
    resultaten: list[SignaalResultaat]


class SignaalStatus(BaseModel):
    signaalId: str
    status: Signaalstatus


async def request_body(request: Request) -> bytes:
    """The raw body, read up to the limit (api/limits.py counts; this stops at it too)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


RequestBody = Annotated[bytes, Depends(request_body)]

_REQUEST_BODY = {
    "required": True,
    "description": (
        f"A JSON array of 1 to {MAX_BATCH} messages in the signal contract; the body is at "
        f"most {MAX_BODY_BYTES // (1024 * 1024)} MiB, one message at most 64 KiB (as compact "
        "JSON). Each element is judged on its own: an unreadable or invalid one is refused "
        "in the answer, the others are taken in."
    ),
    "content": {
        "application/json": {
            "schema": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_BATCH,
                "items": {"$ref": "#/components/schemas/SignaalBericht"},
            }
        }
    },
}


def _fouten(details: list[dict[str, Any]]) -> list[Fout]:
    return [Fout(veld=d.get("veld"), fout=d["fout"], uitleg=uitleg(d["fout"])) for d in details]


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=IntakeAntwoord,
    summary="Deliver signals (one message per signal)",
    openapi_extra={"x-errors": ["400", "401", "403", "413"], "requestBody": _REQUEST_BODY},
)
def post_signalen(
    session: SessionDep, creditor: CurrentCreditor, body: RequestBody
) -> IntakeAntwoord:
    elements, error = decode_batch(body)
    if elements is None:
        raise ApiProblem(400, error or "ONGELDIGE_JSON", "Het verzoek is geen lijst berichten",
                         uitleg(error or "ONGELDIGE_JSON"))
    if not elements:
        raise ApiProblem(400, "LEGE_LEVERING", "Geen signalen in het verzoek")
    if len(elements) > MAX_BATCH:
        raise ApiProblem(413, "TE_GROTE_LEVERING", f"Maximaal {MAX_BATCH} signalen per verzoek")
    # A request is one delivery: a signal that names another creditor refuses all of it
    # (403, the core's rule); one naming none is a contract error the pipeline refuses.
    require_own_signals([data for data, _ in elements], creditor.schuldeiser)
    result = run_intake(
        [
            RawInput(i, data, code, afzender=creditor.schuldeiser)
            for i, (data, code) in enumerate(elements)
        ],
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
                conflict=o.reden is ReasonCode.SIGNAALID_CONFLICT,
                fouten=_fouten(o.details),
            )
            for o in result.outcomes
        ],
    )


@router.get(
    "/{signaal_id}/status",
    response_model=SignaalStatus,
    summary="Coarse status of one of your own signals, also a refused one",
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
