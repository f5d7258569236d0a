# SPDX-License-Identifier: EUPL-1.2
"""One zaak: read it (audited), reach the resident, assign, close and reopen.

Every handler passes the principal into the core (vroegsignaal/cases/), which decides
rights and scope; errors come back as problem+json (api/errors.py): 404 for a zaak that
is not yours to know of, 403 for a role that may never, 409 for a stale `versie`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.deps import CurrentPrincipal, SessionDep
from api.errors import ApiProblem
from vroegsignaal.cases import assignment, closing, contact, detail
from vroegsignaal.contract.enums import Contactsoort, Eindresultaat

router = APIRouter(prefix="/zaken", tags=["zaken"])
ZaakId = Annotated[int, Path(alias="zaakId", ge=1, le=2**62, description="Id of the zaak.")]
READ_ERRORS = {"x-errors": ["400", "401", "403", "404"]}
WRITE_ERRORS = {"x-errors": ["400", "401", "403", "404", "409", "422"]}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ZaakDetail(BaseModel):
    zaak: dict[str, Any]
    risico: dict[str, Any] | None = Field(description="Score, its reasons, the due date.")
    signalen: list[dict[str, Any]] = Field(description="Timeline; `nieuw` marks late joins.")
    eerdereZaken: list[dict[str, Any]] = Field(description="The household's, 6 months back.")
    contactpogingen: list[dict[str, Any]]
    historie: list[dict[str, Any]] = Field(description="Status moves and assignments.")


class Persoonsgegevens(BaseModel):
    signalen: list[dict[str, Any]] = Field(description="Decrypted identifiers per signal.")


class NieuweContactpoging(Strict):
    soort: Contactsoort
    tijdstip: AwareDatetime = Field(description="When, with its time zone.")
    bereikt: bool
    notitie: contact.ContactNotitie | None = Field(None, description="From a closed list.")
    aanbod: bool = Field(False, description="This attempt is the proactive offer.")


class Contactpoging(BaseModel):
    id: int
    datum: dt.date
    dagdeel: str


class Versie(Strict):
    versie: int | None = Field(None, ge=0, description="The zaak version you saw.")


class Toewijzing(Strict):
    gebruikerId: int | None = Field(None, ge=1, le=2**62)
    teamId: int | None = Field(None, ge=1, le=2**62)
    versie: int | None = Field(None, ge=0)


class BulkToewijzing(Strict):
    zaakIds: list[Annotated[int, Field(ge=1, le=2**62)]] = Field(min_length=1, max_length=1000)
    gebruikerId: int | None = Field(None, ge=1, le=2**62)
    teamId: int | None = Field(None, ge=1, le=2**62)


class BulkResultaat(BaseModel):
    gewijzigd: int
    ongewijzigd: int
    geweigerd: dict[str, int] = Field(description="Refused zaken per reason code.")


class Afsluiting(Strict):
    eindresultaat: Eindresultaat
    versie: int | None = Field(None, ge=0)


class ZaakVersie(BaseModel):
    zaakId: int
    versie: int


@router.get("/{zaakId}", response_model=ZaakDetail, summary="One zaak (an audited read)",
            openapi_extra=READ_ERRORS)
def get_zaak(session: SessionDep, principal: CurrentPrincipal, zaak_id: ZaakId) -> ZaakDetail:
    d = detail.zaak_detail(session, principal, zaak_id)
    return ZaakDetail(zaak=d.zaak, risico=d.risico, signalen=d.signalen,
                      eerdereZaken=d.eerdere_zaken, contactpogingen=d.contactpogingen,
                      historie=d.historie)


@router.get("/{zaakId}/persoonsgegevens", response_model=Persoonsgegevens,
            summary="The resident's contact details (an audited read of personal data)",
            openapi_extra=READ_ERRORS)
def get_persoonsgegevens(
    session: SessionDep, principal: CurrentPrincipal, zaak_id: ZaakId
) -> Persoonsgegevens:
    return Persoonsgegevens(signalen=detail.personal_data(session, principal, zaak_id))


@router.post("/{zaakId}/contactpogingen", response_model=Contactpoging,
             status_code=status.HTTP_201_CREATED, summary="Register a contact attempt",
             openapi_extra=WRITE_ERRORS)
def post_contactpoging(
    session: SessionDep, principal: CurrentPrincipal, zaak_id: ZaakId, body: NieuweContactpoging
) -> Contactpoging:
    attempt = contact.NewAttempt(body.soort, body.tijdstip, body.bereikt, body.notitie,
                                 body.aanbod)
    new_id = contact.register_attempt(session, principal, zaak_id, attempt)
    local = body.tijdstip.astimezone(contact.AMSTERDAM)
    return Contactpoging(id=new_id, datum=local.date(),
                         dagdeel=contact.dagdeel(body.tijdstip).value)


@router.post("/{zaakId}/toewijzing-aan-mij", response_model=ZaakVersie,
             summary="Claim a zaak (toewijzen aan mij); picks it up when it waits",
             openapi_extra=WRITE_ERRORS)
def post_toewijzing_aan_mij(
    session: SessionDep, principal: CurrentPrincipal, zaak_id: ZaakId, body: Versie
) -> ZaakVersie:
    versie = assignment.claim(session, principal, zaak_id, expected_version=body.versie)
    return ZaakVersie(zaakId=zaak_id, versie=versie)


@router.put("/{zaakId}/toewijzing", response_model=ZaakVersie,
            summary="Assign a zaak to a colleague or a team (teamleider)",
            openapi_extra=WRITE_ERRORS)
def put_toewijzing(
    session: SessionDep, principal: CurrentPrincipal, zaak_id: ZaakId, body: Toewijzing
) -> ZaakVersie:
    if body.gebruikerId is None and body.teamId is None:
        raise ApiProblem(400, "ONGELDIG_VERZOEK", "Noem een collega of een team")
    versie = assignment.assign(session, principal, zaak_id, gebruiker_id=body.gebruikerId,
                               team_id=body.teamId, expected_version=body.versie)
    return ZaakVersie(zaakId=zaak_id, versie=versie)


@router.delete("/{zaakId}/toewijzing", response_model=ZaakVersie,
               summary="Release a zaak back to its team", openapi_extra=WRITE_ERRORS)
def delete_toewijzing(
    session: SessionDep, principal: CurrentPrincipal, zaak_id: ZaakId,
    versie: Annotated[int | None, Query(ge=0)] = None,
) -> ZaakVersie:
    new = assignment.release(session, principal, zaak_id, expected_version=versie)
    return ZaakVersie(zaakId=zaak_id, versie=new)


@router.post("/toewijzingen", response_model=BulkResultaat,
             summary="Assign many zaken at once (teamleider), with counts",
             openapi_extra={"x-errors": ["400", "401", "403"]})
def post_toewijzingen(
    session: SessionDep, principal: CurrentPrincipal, body: BulkToewijzing
) -> BulkResultaat:
    if body.gebruikerId is None and body.teamId is None:
        raise ApiProblem(400, "ONGELDIG_VERZOEK", "Noem een collega of een team")
    done = assignment.bulk_assign(session, principal, body.zaakIds,
                                  gebruiker_id=body.gebruikerId, team_id=body.teamId)
    return BulkResultaat(gewijzigd=done.gewijzigd, ongewijzigd=done.ongewijzigd,
                         geweigerd=done.geweigerd)


@router.post("/{zaakId}/afsluiting", response_model=ZaakVersie,
             summary="Close a zaak with its DDAS eindresultaat", openapi_extra=WRITE_ERRORS)
def post_afsluiting(
    session: SessionDep, principal: CurrentPrincipal, zaak_id: ZaakId, body: Afsluiting
) -> ZaakVersie:
    done = closing.close(session, principal, zaak_id, body.eindresultaat,
                         expected_version=body.versie)
    return ZaakVersie(zaakId=zaak_id, versie=done.version)


@router.post("/{zaakId}/heropening", response_model=ZaakVersie,
             summary="Reopen a closed zaak", openapi_extra=WRITE_ERRORS)
def post_heropening(
    session: SessionDep, principal: CurrentPrincipal, zaak_id: ZaakId, body: Versie
) -> ZaakVersie:
    done = closing.reopen(session, principal, zaak_id, expected_version=body.versie)
    return ZaakVersie(zaakId=zaak_id, versie=done.version)
