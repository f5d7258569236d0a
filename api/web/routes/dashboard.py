# SPDX-License-Identifier: EUPL-1.2
"""The managers' dashboard: the prevention KPIs of their municipality, the comparison
with its region, downloads (CSV per table, Excel of everything shown), the monthly report
as PDF, and the DDAS delivery status.

Thin: the core (vroegsignaal/kpi/dashboard.py, vroegsignaal/ddas/status.py) checks the
rights (a manager or admin serving the municipality; a worker or creditor gets 403) and
builds the view model of published, protected cells; downloads and the report are made
from that same model, so they hold exactly the cells the page shows. Filters are a GET
form (works without JavaScript): year, month or whole year, kind of creditor, and the
municipality when the manager serves more than one.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import SessionDep
from api.web.deps import CurrentViewer, StaffPrincipal
from api.web.templating import page
from vroegsignaal.accounts.principal import Principal
from vroegsignaal.dates import today
from vroegsignaal.ddas.status import delivery_status
from vroegsignaal.kpi import export
from vroegsignaal.kpi.access import KpiForbidden
from vroegsignaal.kpi.dashboard import MONTHS_LONG, SOORTEN, Filter, manager_dashboard, years
from vroegsignaal.kpi.report import report_pdf

router = APIRouter(include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Gemeente = Annotated[str | None, Query(pattern=r"^GM\d{4}$")]
Jaar = Annotated[int | None, Query(ge=2000, le=2100)]
Maand = Annotated[int, Query(ge=0, le=12)]
Soort = Annotated[str, Query(max_length=40)]


def _scope(db: SessionDep, principal: Principal, gemeente: str | None, jaar: int | None,
           maand: int, soort: str) -> tuple[str, Filter, tuple[int, ...]]:
    """The municipality (asked for, else the first served), the filter and the years
    with figures. The core refuses what the principal may not see."""
    if gemeente is None:
        if not principal.gemeenten:
            raise KpiForbidden("kpi: geen gemeente in uw werkgebied")
        gemeente = min(principal.gemeenten)
    known = years(db, principal, gemeente)
    year = jaar or (known[0] if known else today().year)
    return gemeente, Filter(year, maand, soort), known


def _download(body: bytes, media_type: str, name: str) -> Response:
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/dashboard")
def dashboard(request: Request, viewer: CurrentViewer, principal: StaffPrincipal,
              db: SessionDep, gemeente: Gemeente = None, jaar: Jaar = None,
              maand: Maand = 0, soort: Soort = "") -> Response:
    code, flt, known = _scope(db, principal, gemeente, jaar, maand, soort)
    view = manager_dashboard(db, principal, code, flt)
    status = delivery_status(db, principal, code)
    params = {"gemeente": code if gemeente else None, "jaar": flt.jaar,
              "maand": flt.maand or None, "soort": flt.soort or None}
    return page(request, "dashboard/index.html", {
        "viewer": viewer, "theme": viewer.theme, "nav": "dashboard", "d": view,
        "ddas": status, "jaren": sorted({*known, flt.jaar}, reverse=True),
        "maanden": MONTHS_LONG, "soorten": SOORTEN, "params": params,
        "gemeenten": sorted(principal.gemeenten),
    })


@router.get("/dashboard/tabel/{key}.csv")
def table_csv(principal: StaffPrincipal, db: SessionDep, key: str,
              gemeente: Gemeente = None, jaar: Jaar = None, maand: Maand = 0,
              soort: Soort = "") -> Response:
    code, flt, _ = _scope(db, principal, gemeente, jaar, maand, soort)
    table = manager_dashboard(db, principal, code, flt).table(key)
    return _download(export.to_csv(table).encode(), "text/csv; charset=utf-8",
                     f"{code}-{flt.slug}-{key}.csv")


@router.get("/dashboard/kengetallen.xlsx")
def workbook(principal: StaffPrincipal, db: SessionDep, gemeente: Gemeente = None,
             jaar: Jaar = None, maand: Maand = 0, soort: Soort = "") -> Response:
    code, flt, _ = _scope(db, principal, gemeente, jaar, maand, soort)
    view = manager_dashboard(db, principal, code, flt)
    return _download(export.to_xlsx(view.all_tables), XLSX, f"{code}-{flt.slug}.xlsx")


@router.get("/dashboard/maandrapport.pdf")
def monthly_report(principal: StaffPrincipal, db: SessionDep, gemeente: Gemeente = None,
                   jaar: Jaar = None, maand: Maand = 0, soort: Soort = "") -> Response:
    code, flt, _ = _scope(db, principal, gemeente, jaar, maand, soort)
    return _download(report_pdf(db, principal, code, flt), "application/pdf",
                     f"maandrapport-{code}-{flt.slug}.pdf")
