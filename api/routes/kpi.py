# SPDX-License-Identifier: EUPL-1.2
"""Managers' KPIs: aggregates only, after small-cell protection (vroegsignaal/kpi/).

Thin: the core checks the principal (manager or admin, serving the municipalities asked
for) and builds the view models; this module returns them as JSON or as a CSV or Excel
download of one table.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from api.deps import CurrentPrincipal, SessionDep
from vroegsignaal.dates import today
from vroegsignaal.kpi import export, views

router = APIRouter(prefix="/kpi", tags=["kpi"])
ERRORS = {"x-errors": ["400", "401", "403", "404"]}
Jaar = Annotated[int | None, Query(ge=2021, le=2100, description="Kalenderjaar (standaard dit)")]
Gemeentecode = Annotated[str, Path(pattern=r"^GM\d{4}$", description="CBS-code, bv. GM0344")]
Regio = Annotated[str, Path(pattern=r"^[A-Z0-9-]{2,16}$", description="Regiocode, bv. RG-U16")]
Tabel = Annotated[str, Path(pattern=r"^[a-z0-9_]{3,48}$", description="Sleutel van de tabel")]
Formaat = Annotated[Literal["csv", "xlsx"], Query(description="csv of xlsx")]
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
DOWNLOAD = {200: {"description": "De tabel als CSV of Excel", "content": {
    "text/csv": {"schema": {"type": "string"}},
    MEDIA["xlsx"]: {"schema": {"type": "string", "format": "binary"}}}}}


@router.get("/gemeenten/{gemeentecode}", response_model=views.Overview,
            summary="Dashboard figures of a municipality for a year", openapi_extra=ERRORS)
def municipality(session: SessionDep, principal: CurrentPrincipal,
                 gemeentecode: Gemeentecode, jaar: Jaar = None) -> views.Overview:
    return views.municipality_overview(session, principal, gemeentecode, jaar or today().year)


@router.get("/regios/{regio}", response_model=views.Overview,
            summary="Dashboard figures of a region for a year", openapi_extra=ERRORS)
def region(session: SessionDep, principal: CurrentPrincipal, regio: Regio,
           jaar: Jaar = None) -> views.Overview:
    return views.region_overview(session, principal, regio, jaar or today().year)


@router.get("/regios/{regio}/vergelijking", response_model=views.KpiTable,
            summary="The municipalities of a region side by side", openapi_extra=ERRORS)
def comparison(session: SessionDep, principal: CurrentPrincipal, regio: Regio,
               jaar: Jaar = None) -> views.KpiTable:
    return views.comparison(session, principal, regio, jaar or today().year)


def _download(table: views.KpiTable, formaat: str, name: str) -> Response:
    body = export.to_csv(table).encode() if formaat == "csv" else export.to_xlsx([table])
    return Response(body, media_type=MEDIA[formaat], headers={
        "Content-Disposition": f'attachment; filename="{name}.{formaat}"'})


@router.get("/gemeenten/{gemeentecode}/tabellen/{tabel}", response_class=Response,
            responses=DOWNLOAD, summary="One table of a municipality as CSV or Excel",
            openapi_extra=ERRORS)
def municipality_table(session: SessionDep, principal: CurrentPrincipal,
                       gemeentecode: Gemeentecode, tabel: Tabel, formaat: Formaat = "csv",
                       jaar: Jaar = None) -> Response:
    year = jaar or today().year
    overview = views.municipality_overview(session, principal, gemeentecode, year)
    return _download(views.table(overview, tabel), formaat, f"{gemeentecode}-{year}-{tabel}")


@router.get("/regios/{regio}/tabellen/{tabel}", response_class=Response,
            responses=DOWNLOAD, summary="One table of a region as CSV or Excel",
            openapi_extra=ERRORS)
def region_table(session: SessionDep, principal: CurrentPrincipal, regio: Regio,
                 tabel: Tabel, formaat: Formaat = "csv", jaar: Jaar = None) -> Response:
    year = jaar or today().year
    if tabel == "vergelijking":
        table = views.comparison(session, principal, regio, year)
    else:
        table = views.table(views.region_overview(session, principal, regio, year), tabel)
    return _download(table, formaat, f"{regio}-{year}-{tabel}")
