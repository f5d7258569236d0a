# SPDX-License-Identifier: EUPL-1.2
"""The managers' dashboard: its place in the web app.

The KPI pages themselves come with the KPI issue (vroegsignaal/kpi, `/api/v1/kpi`); this
route and api/templates/dashboard/ are where they go: the page extends the base layout,
is in the main menu for managers and teamleiders, and the manager's start page
(/overzicht) links here. Aggregates only: a manager never sees a zaak.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.web.deps import CurrentViewer
from api.web.templating import page
from vroegsignaal.accounts.principal import UserRole
from vroegsignaal.errors import Forbidden

router = APIRouter(include_in_schema=False)


@router.get("/dashboard")
def dashboard(request: Request, viewer: CurrentViewer) -> Response:
    if not viewer.has(UserRole.MANAGER, UserRole.TEAMLEIDER):
        raise Forbidden("alleen voor managers en teamleiders")
    return page(request, "dashboard/index.html",
                {"viewer": viewer, "theme": viewer.theme, "nav": "dashboard"})
