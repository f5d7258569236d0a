# SPDX-License-Identifier: EUPL-1.2
"""The werkvoorraad page: work trays as tabs with counts, filters as removable tags,
sortable columns, due dates with overdue marks, the risk with its top reasons, "Toewijzen
aan mij" per row, and for a teamleider distributing a selection at once.

Everything comes from the case-work core with the viewer's principal
(vroegsignaal/cases/werkvoorraad.py scopes the queue to the municipalities they serve and
pages it with a keyset cursor; claiming and distributing check the team in
cases/assignment.py). Paging keeps the cursors of the pages before in the URL, so "back"
needs no count. The page works without JavaScript; htmx swaps the list (filters, sorting,
paging) and a claimed row in place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from api.deps import SessionDep
from api.web.deps import CurrentViewer, StaffPrincipal
from api.web.templating import is_htmx, page
from vroegsignaal.accounts.oidc import safe_return_path
from vroegsignaal.accounts.principal import Principal, UserRole
from vroegsignaal.cases import assignment, werkbakjes, werkvoorraad
from vroegsignaal.cases.werkvoorraad import WerkvoorraadFilter
from vroegsignaal.contract.enums import Signaalpartner, Zaaktype
from vroegsignaal.dates import today
from vroegsignaal.errors import VroegsignaalError
from vroegsignaal.storage.tables import Gebruiker, Team

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
COUNT_CAP = 1000  # tray counts stop here ("1000+"): the page stays as fast at any size
Order = Literal["urgentie", "risico", "termijn"]


@dataclass(frozen=True, slots=True)
class Filters:
    """The page's filters as the URL has them (Dutch parameter names)."""

    partner: tuple[str, ...] = ()
    zaaktype: tuple[str, ...] = ()
    crisis: bool = False
    te_laat: bool = False
    toegewezen: str | None = None  # "mij" | "niemand"
    pc4_van: str | None = None
    pc4_tot: str | None = None
    bijna_verlopen: bool = False  # closed by the system within the warning days

    def core(self) -> WerkvoorraadFilter:
        """The core's filter (raises ValidationError for a bad value)."""
        return WerkvoorraadFilter(
            signaalpartner=[Signaalpartner(p) for p in self.partner] or None,
            zaaktype=[Zaaktype(z) for z in self.zaaktype] or None,
            crisis=True if self.crisis else None,
            teLaat=True if self.te_laat else None,
            toegewezenAanMij=self.toegewezen == "mij",
            nietToegewezen=self.toegewezen == "niemand",
            pc4Van=self.pc4_van or None,
            pc4Tot=self.pc4_tot or None,
            bijnaVerlopen=True if self.bijna_verlopen else None,
        )

    def params(self) -> dict[str, Any]:
        return {"partner": list(self.partner), "zaaktype": list(self.zaaktype),
                "crisis": self.crisis, "te_laat": self.te_laat, "toegewezen": self.toegewezen,
                "pc4_van": self.pc4_van, "pc4_tot": self.pc4_tot,
                "bijna_verlopen": self.bijna_verlopen}

    def tags(self) -> list[tuple[str, dict[str, Any]]]:
        """(label, the parameters without this filter) for each active filter."""
        base = self.params()
        out: list[tuple[str, dict[str, Any]]] = []
        for p in self.partner:
            rest = [x for x in self.partner if x != p]
            out.append((f"Soort: {p}", {**base, "partner": rest}))
        for z in self.zaaktype:
            rest = [x for x in self.zaaktype if x != z]
            out.append((f"Zaaktype: {z}", {**base, "zaaktype": rest}))
        if self.crisis:
            out.append(("Alleen crisis", {**base, "crisis": False}))
        if self.te_laat:
            out.append(("Alleen te laat", {**base, "te_laat": False}))
        if self.bijna_verlopen:
            out.append(("Alleen bijna verlopen", {**base, "bijna_verlopen": False}))
        if self.toegewezen:
            label = "Aan mij toegewezen" if self.toegewezen == "mij" else "Niet toegewezen"
            out.append((label, {**base, "toegewezen": None}))
        if self.pc4_van or self.pc4_tot:
            label = f"Postcode {self.pc4_van or '1000'}-{self.pc4_tot or '9999'}"
            out.append((label, {**base, "pc4_van": None, "pc4_tot": None}))
        return out


def _names(db: SessionDep, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.execute(select(Gebruiker.id, Gebruiker.weergavenaam)
                      .where(Gebruiker.id.in_(sorted(ids))))
    return {i: naam for i, naam in rows}


def _days(due: dt.date, day: dt.date) -> int:
    return (due - day).days


def _tray_counts(db: SessionDep, principal: Principal, trays: list[Any]) -> dict[Any, int]:
    """The count of the whole werkvoorraad (key None) and of each tray, in one statement.
    The trays are the principal's teams' (`werkbakjes.list_trays`), so their saved filters
    are counted as they are; a filter an older version saved counts 0."""
    counted: list[tuple[Any, WerkvoorraadFilter]] = [(None, WerkvoorraadFilter())]
    out: dict[Any, int] = {}
    for tray in trays:
        try:
            counted.append((tray.id, WerkvoorraadFilter(**tray.filter)))
        except ValidationError:
            out[tray.id] = 0
    numbers = werkvoorraad.counts(db, principal, [f for _, f in counted], cap=COUNT_CAP)
    out.update(zip([key for key, _ in counted], numbers, strict=True))
    return out


def _targets(db: SessionDep, principal: Principal) -> dict[str, list[tuple[int, str]]]:
    """Whom a teamleider can distribute to: colleagues and teams (the core checks each)."""
    if not principal.has(UserRole.TEAMLEIDER):
        return {"collegas": [], "teams": []}
    teams = [(t.id, t.naam) for t in db.execute(
        select(Team).where(Team.id.in_(sorted(principal.teams))).order_by(Team.naam)).scalars()]
    return {"collegas": assignment.colleagues(db, principal), "teams": teams}


@router.get("/werkvoorraad")
def werkvoorraad_page(
    request: Request, viewer: CurrentViewer, principal: StaffPrincipal, db: SessionDep,
    bakje: Annotated[int | None, Query(ge=1)] = None,
    partner: Annotated[list[str], Query(max_length=12)] = [],  # noqa: B006
    zaaktype: Annotated[list[str], Query(max_length=3)] = [],  # noqa: B006
    crisis: bool = False,
    te_laat: bool = False,
    toegewezen: Annotated[str | None, Query(pattern="^(mij|niemand)$")] = None,
    pc4_van: Annotated[str | None, Query(max_length=4)] = None,
    pc4_tot: Annotated[str | None, Query(max_length=4)] = None,
    bijna_verlopen: bool = False,
    volgorde: Order = "urgentie",
    na: Annotated[str | None, Query(max_length=200)] = None,
    eerder: Annotated[str | None, Query(max_length=4000)] = None,
    melding: Annotated[str | None, Query(max_length=40)] = None,
    fout: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    filters = Filters(tuple(partner), tuple(zaaktype), crisis, te_laat, toegewezen,
                      pc4_van or None, pc4_tot or None, bijna_verlopen)
    trays = werkbakjes.list_trays(db, principal)
    error = fout
    try:
        core_filter = filters.core()
    except (ValidationError, ValueError):
        core_filter, error = WerkvoorraadFilter(), "ONGELDIG_VERZOEK"
    try:
        result = werkvoorraad.page(db, principal, core_filter, cursor=na, limit=PAGE_SIZE,
                                   werkbakje_id=bakje, order=volgorde)
    except VroegsignaalError as exc:
        if exc.code not in ("ONGELDIGE_CURSOR", "WERKBAKJE_ONGELDIG"):
            raise
        result, error = werkvoorraad.Page([], None), exc.code
    day = today()
    rows = result.rows
    previous = [c for c in (eerder or "").split(",") if c]
    state = {"bakje": bakje, **filters.params(), "volgorde": volgorde}
    return page(request, "werkvoorraad/werkvoorraad.html", {
        "viewer": viewer, "theme": viewer.theme, "nav": "werkvoorraad",
        "rijen": rows, "namen": _names(db, {r.toegewezen_aan for r in rows if r.toegewezen_aan}),
        "vandaag": day, "dagen": _days, "bakjes": trays, "bakje": bakje,
        "tellingen": _tray_counts(db, principal, trays), "cap": COUNT_CAP,
        "filters": filters, "tags": filters.tags(), "staat": state, "volgorde": volgorde,
        "volgende": result.cursor, "na": na, "eerder": previous,
        "partners": [p.value for p in Signaalpartner], "zaaktypes": [z.value for z in Zaaktype],
        "doelen": _targets(db, principal), "melding": melding, "fout": error,
        "terug": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "ik": principal.gebruiker_id,
    })


def _back(terug: str, **message: str) -> str:
    """`terug` (a path in this app) with a fresh message in place of any earlier one."""
    path, _, query = safe_return_path(terug).partition("?")
    kept = [p for p in query.split("&") if p and not p.startswith(_MESSAGE_KEYS)]
    kept.append(urlencode(message))
    return f"{path}?{'&'.join(kept)}"


_MESSAGE_KEYS = ("melding=", "fout=", "gewijzigd=", "ongewijzigd=", "geweigerd=", "redenen=")


@router.post("/werkvoorraad/verdelen")
def distribute(
    principal: StaffPrincipal, db: SessionDep,
    zaak: Annotated[list[int], Form()] = [],  # noqa: B006
    aan: Annotated[str, Form(pattern=r"^(|gebruiker:\d+|team:\d+)$")] = "",
    terug: Annotated[str, Form(max_length=4000)] = "/werkvoorraad",
) -> Response:
    """A teamleider assigns the selected zaken to a colleague or a team; the page then says
    how many changed, were already so, and were refused (with the reason codes)."""
    if not zaak:
        return RedirectResponse(_back(terug, fout="GEEN_SELECTIE"), status_code=303)
    if not aan:
        return RedirectResponse(_back(terug, fout="GEEN_ONTVANGER"), status_code=303)
    kind, _, ident = aan.partition(":")
    result = assignment.bulk_assign(
        db, principal, zaak, gebruiker_id=int(ident) if kind == "gebruiker" else None,
        team_id=int(ident) if kind == "team" else None)
    refused = sum(result.geweigerd.values())
    summary = {"melding": "verdeeld", "gewijzigd": str(result.gewijzigd),
               "ongewijzigd": str(result.ongewijzigd), "geweigerd": str(refused)}
    if result.geweigerd:
        summary["redenen"] = ",".join(sorted(result.geweigerd))
    return RedirectResponse(_back(terug, **summary), status_code=303)


@router.post("/zaken/{zaak_id}/toewijzen-aan-mij")
def claim(
    request: Request, viewer: CurrentViewer, principal: StaffPrincipal, db: SessionDep,
    zaak_id: int,
    versie: Annotated[int | None, Form()] = None,
    terug: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Claim the zaak. From the werkvoorraad with htmx: the row, updated in place;
    otherwise back to where the form was (the werkvoorraad or the zaak page)."""
    target = terug or f"/zaken/{zaak_id}"
    try:
        assignment.claim(db, principal, zaak_id, expected_version=versie)
    except VroegsignaalError as exc:
        if is_htmx(request) and terug.startswith("/werkvoorraad"):
            return _row(request, viewer, principal, db, zaak_id, fout=exc.code,
                        status_code=409 if exc.code.startswith("ZAAK_") else 422)
        if exc.code in ("GEEN_TOEGANG", "ZAAK_NIET_GEVONDEN"):
            raise
        return RedirectResponse(_back(target, fout=exc.code), status_code=303)
    if is_htmx(request) and terug.startswith("/werkvoorraad"):
        return _row(request, viewer, principal, db, zaak_id, melding="toegewezen")
    return RedirectResponse(_back(target, melding="toegewezen"), status_code=303)


def _local(url: str) -> str:
    """The path and query of an absolute URL of this app (htmx's HX-Current-URL)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.path else ""


def _row(
    request: Request, viewer: CurrentViewer, principal: Principal, db: SessionDep, zaak_id: int,
    *, melding: str | None = None, fout: str | None = None, status_code: int = 200,
) -> Response:
    """One werkvoorraad row (htmx), re-read through the core."""
    row = werkvoorraad.row(db, principal, zaak_id)
    return page(request, "werkvoorraad/_rij.html", {
        "viewer": viewer, "r": row, "vandaag": today(), "dagen": _days,
        "namen": _names(db, {row.toegewezen_aan} if row and row.toegewezen_aan else set()),
        "rij_melding": melding, "rij_fout": fout, "doelen": _targets(db, principal),
        "terug": _local(request.headers.get("hx-current-url", "")) or "/werkvoorraad",
        "ik": principal.gebruiker_id,
    }, status_code=status_code)
