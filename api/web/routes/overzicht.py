# SPDX-License-Identifier: EUPL-1.2
"""The operational overview for teamleiders and managers: per municipality they serve, the
open zaken per status, unassigned, overdue and "bijna verlopen" (closed by the system
within the warning days unless someone acts, issue 13), and the zaken closed in the last
months per eindresultaat. Counts only, never a zaak (DESIGN.md "Users and rights").

Thin: the core (vroegsignaal/cases/overview.py) checks the right (READ_AGGREGATES: a
manager or teamleider; anyone else gets 403) and counts. Unlike the KPI dashboard these
are live working figures of the municipality's own queue, not published statistics, so
no small-cell protection applies (the same counts as GET /api/v1/overzicht).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import SessionDep
from api.web.deps import CurrentViewer, StaffPrincipal
from api.web.routes.beheer import municipality_names
from api.web.templating import page
from vroegsignaal.cases.overview import overview
from vroegsignaal.cases.workflow import OPEN

router = APIRouter(include_in_schema=False)
PERIODS = (3, 6, 12, 24)


@router.get("/overzicht")
def overview_page(request: Request, viewer: CurrentViewer, principal: StaffPrincipal,
                  db: SessionDep,
                  maanden: Annotated[int, Query(ge=1, le=36)] = 12) -> Response:
    rows = overview(db, principal, maanden=maanden)
    return page(request, "overzicht/index.html", {
        "viewer": viewer, "theme": viewer.theme, "nav": "overzicht", "gemeenten": rows,
        "namen": municipality_names(db, [row["gemeentecode"] for row in rows]),
        "open_statussen": [s.value for s in sorted(OPEN)], "maanden": maanden,
        "perioden": sorted({*PERIODS, maanden}),
    })
