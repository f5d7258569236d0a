# SPDX-License-Identifier: EUPL-1.2
"""The zaak page and its actions: the household's signals across creditors, earlier zaken,
the risk and its reasons, contact attempts, the offer (letter and SMS), closing with a DDAS
result, what each creditor is told, and the history.

Every read and change goes through the case-work core with the viewer's principal
(vroegsignaal/cases: `zaak_detail` logs "zaak.lezen"; `personal_data`, which the contact
details and the offer need, logs "persoonsgegevens.lezen"), so a zaak of a municipality
the worker does not serve is "not found" whatever the URL. Actions are forms with
POST-redirect-GET; the contact details and the contact-attempt form are also swapped in
place by htmx.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from vroegsignaal.cases.contact import AMSTERDAM, ContactNotitie, NewAttempt, register_attempt
from vroegsignaal.cases.detail import personal_data, zaak_detail

from api.deps import SessionDep, SettingsDep
from api.web.deps import CurrentViewer, StaffPrincipal
from api.web.routes.werkvoorraad import _back, _names
from api.web.templating import is_htmx, page
from vroegsignaal import feedback
from vroegsignaal.cases import assignment, closing
from vroegsignaal.contract.enums import Contactsoort, Eindresultaat, Signaalstatus
from vroegsignaal.dates import today, utc_now
from vroegsignaal.errors import VroegsignaalError
from vroegsignaal.offers import letters, send
from vroegsignaal.offers.outbox import Channel, outbox_from_settings
from vroegsignaal.storage.tables import Team

router = APIRouter(include_in_schema=False, prefix="/zaken/{zaak_id}")
# The letter is shown as its own printable page; it may load nothing (the template is an
# admin's HTML; the logo is a data: URI).
LETTER_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
# Errors an action answers on the zaak page itself (anything else is an error page).
SHOWN_ON_PAGE = frozenset({
    "ZAAK_AL_TOEGEWEZEN", "ZAAK_INTUSSEN_GEWIJZIGD", "STATUSOVERGANG_NIET_TOEGESTAAN",
    "NIET_IN_TEAM", "NIET_TOEGEWEZEN", "ZAAK_NIET_OPGEPAKT", "ZAAK_AFGESLOTEN",
    "TIJDSTIP_IN_TOEKOMST", "GEEN_ADRES", "GEEN_TELEFOONNUMMER", "SJABLOON_ONGELDIG",
    "UITVOER_NIET_BESCHIKBAAR", "HANDELING_NIET_MOGELIJK", "TIJDSTIP_ONGELDIG",
})


def _actor_ids(detail: Any) -> set[int]:
    ids = {a["door"] for a in detail.contactpogingen if a.get("door")}
    ids |= {h["gebruikerId"] for h in detail.historie if h.get("gebruikerId")}
    ids |= {int(h["door"].split(":")[1]) for h in detail.historie
            if str(h.get("door", "")).startswith("gebruiker:")}
    if detail.zaak["toegewezenAan"]:
        ids.add(detail.zaak["toegewezenAan"])
    return ids


def _page(
    request: Request, viewer: CurrentViewer, principal: StaffPrincipal, db: SessionDep,
    zaak_id: int, *, contact: list[dict[str, Any]] | None = None, sms: send.Offer | None = None,
    fout: str | None = None, status_code: int = 200,
) -> Response:
    detail = zaak_detail(db, principal, zaak_id)
    teams = {t.id: t.naam for t in db.execute(select(Team)).scalars()}
    creditors = {}
    for s in detail.signalen:
        creditors.setdefault(s["schuldeiser"], []).append(
            (s["signaalId"], feedback.told(Signaalstatus(s["status"]))))
    now = utc_now().astimezone(AMSTERDAM)
    return page(request, "zaak/zaak.html", {
        "viewer": viewer, "theme": viewer.theme, "nav": "werkvoorraad", "d": detail,
        "z": detail.zaak, "namen": _names(db, _actor_ids(detail)), "teams": teams,
        "ik": principal.gebruiker_id, "vandaag": today(), "schuldeisers": creditors,
        "contact": contact, "sms": sms, "soorten": [s.value for s in Contactsoort],
        "notities": [n.value for n in ContactNotitie],
        "resultaten": [r.value for r in Eindresultaat], "nu_datum": now.date().isoformat(),
        "nu_tijd": now.strftime("%H:%M"), "melding": request.query_params.get("melding"),
        "fout": fout or request.query_params.get("fout"),
    }, status_code=status_code, headers={"Cache-Control": "no-store"})


@router.get("")
def zaak_page(
    request: Request, viewer: CurrentViewer, principal: StaffPrincipal, db: SessionDep,
    s: SettingsDep, zaak_id: int,
    contactgegevens: Annotated[bool, Query()] = False,
    aanbod: Annotated[str | None, Query(pattern="^sms$")] = None,
) -> Response:
    contact = personal_data(db, principal, zaak_id, settings=s) if contactgegevens else None
    offer, error = None, None
    if aanbod == "sms":
        try:
            offer = send.sms(db, principal, zaak_id, day=today(), settings=s)
        except VroegsignaalError as exc:
            error = exc.code
    return _page(request, viewer, principal, db, zaak_id, contact=contact, sms=offer, fout=error)


@router.get("/contactgegevens")
def contact_details(
    request: Request, principal: StaffPrincipal, db: SessionDep, s: SettingsDep, zaak_id: int,
) -> Response:
    """htmx: the resident's contact details (an audited read); otherwise the zaak page."""
    if not is_htmx(request):
        return RedirectResponse(f"/zaken/{zaak_id}?contactgegevens=1#contactgegevens",
                                status_code=303)
    contact = personal_data(db, principal, zaak_id, settings=s)
    return page(request, "zaak/_contactgegevens.html", {"contact": contact, "zaak_id": zaak_id},
                headers={"Cache-Control": "no-store"})


def _act(zaak_id: int, action: Any, melding: str, anchor: str = "") -> Response:
    url = f"/zaken/{zaak_id}"
    try:
        action()
    except VroegsignaalError as exc:
        if exc.code not in SHOWN_ON_PAGE:
            raise
        return RedirectResponse(_back(url, fout=exc.code) + anchor, status_code=303)
    return RedirectResponse(_back(url, melding=melding) + anchor, status_code=303)


@router.post("/vrijgeven")
def release(principal: StaffPrincipal, db: SessionDep, zaak_id: int,
            versie: Annotated[int | None, Form()] = None) -> Response:
    return _act(zaak_id, lambda: assignment.release(db, principal, zaak_id,
                                                    expected_version=versie), "vrijgegeven")


def _moment(datum: str, tijd: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(datum)
        clock = dt.time.fromisoformat(tijd)
    except ValueError as exc:
        raise ContactMomentInvalid() from exc
    return dt.datetime.combine(day, clock, AMSTERDAM)


class ContactMomentInvalid(VroegsignaalError):
    code = "TIJDSTIP_ONGELDIG"
    title = "Ongeldige datum of tijd"


@router.post("/contactpogingen")
def register_contact(
    principal: StaffPrincipal, db: SessionDep, zaak_id: int,
    soort: Annotated[Contactsoort, Form()],
    datum: Annotated[str, Form(max_length=10)],
    tijd: Annotated[str, Form(max_length=5)],
    bereikt: Annotated[str, Form(pattern="^(ja|nee)$")],
    notitie: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    """Register a contact attempt. Date and time are the worker's (Dutch time); the core
    derives the part of day. The note is one of the closed list, never free text."""
    note = ContactNotitie(notitie) if notitie else None
    return _act(zaak_id, lambda: register_attempt(db, principal, zaak_id, NewAttempt(
        soort=soort, tijdstip=_moment(datum, tijd), bereikt=bereikt == "ja", notitie=note)),
        "contactpoging", "#contactpogingen")


@router.post("/afsluiten")
def close(principal: StaffPrincipal, db: SessionDep, zaak_id: int,
          eindresultaat: Annotated[Eindresultaat, Form()],
          versie: Annotated[int | None, Form()] = None) -> Response:
    return _act(zaak_id, lambda: closing.close(db, principal, zaak_id, eindresultaat,
                                               expected_version=versie), "afgesloten")


@router.post("/heropenen")
def reopen(principal: StaffPrincipal, db: SessionDep, zaak_id: int,
           versie: Annotated[int | None, Form()] = None) -> Response:
    return _act(zaak_id, lambda: closing.reopen(db, principal, zaak_id,
                                                expected_version=versie), "heropend")


@router.get("/aanbod/brief")
def letter_preview(principal: StaffPrincipal, db: SessionDep, s: SettingsDep,
                   zaak_id: int) -> Response:
    """The offer letter as a printable page (an audited read of the resident's data)."""
    offer = send.letter(db, principal, zaak_id, day=today(), settings=s)
    assert offer.html is not None
    return HTMLResponse(offer.html, headers={"Content-Security-Policy": LETTER_CSP,
                                             "Cache-Control": "no-store"})


@router.get("/aanbod/brief.pdf")
def letter_pdf(principal: StaffPrincipal, db: SessionDep, s: SettingsDep,
               zaak_id: int) -> Response:
    offer = send.letter(db, principal, zaak_id, day=today(), settings=s)
    assert offer.html is not None
    return Response(letters.letter_pdf(offer.html), media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="aanbod-VS-{zaak_id}.pdf"',
        "Cache-Control": "no-store"})


@router.post("/aanbod/{kanaal}")
def send_offer(principal: StaffPrincipal, db: SessionDep, s: SettingsDep, zaak_id: int,
               kanaal: Channel) -> Response:
    """Send the letter or SMS through the outbox; recorded as a contact attempt."""
    return _act(zaak_id, lambda: send.send(db, principal, zaak_id, kanaal,
                                           outbox=outbox_from_settings(s), now=utc_now(),
                                           settings=s), kanaal.value, "#contactpogingen")
