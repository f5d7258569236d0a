# SPDX-License-Identifier: EUPL-1.2
"""FastAPI application: `uvicorn api.main:app`. Settings are read per request, not at import."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI
from fastapi.routing import APIRoute

import vroegsignaal
from api import errors, openapi, web
from api.asgi_headers import RequestIdAndVersion
from api.ddas.app import create_ddas_app
from api.limits import BodyLimit
from api.metrics import CoreMetrics
from api.metrics import router as metrics_router
from api.routes import (
    adreskoppelingen,
    beheer,
    beheer_instellingen,
    docs,
    health,
    kpi,
    managers,
    sessies,
    signalen,
    werkbakjes,
    werkvoorraad,
    zaken,
)
from api.web.errors import render_error
from vroegsignaal.events import BUS

API_VERSION = errors.API_VERSION


def _operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}".replace("_", "-") if route.tags else route.name


def create_app(
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
) -> FastAPI:
    """The API. `lifespan` runs around the served process's life (`vroegsignaal serve`
    wires the after-commit creditor feedback there: cli/serve.py)."""
    app = FastAPI(
        lifespan=lifespan,
        title="vroegsignaal API",
        version=API_VERSION,
        summary="Vroegsignalering van schulden: signalen van schuldeisers, werkvoorraad, KPI's.",
        description=(
            "Creditors deliver early-warning signals (one message per signal, DDAS vocabulary) "
            "and read back the coarse status of their own signals. Errors are RFC 9457 "
            "problem+json. Follows the NL GOV API Design Rules."
        ),
        contact={
            "name": "vroegsignaal maintainers",
            "url": "https://github.com/vroegsignaal/vroegsignaal",
            "email": "beheer@vroegsignaal.example",
        },
        license_info={"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served from the vendored Swagger UI instead (api/routes/docs.py)
        redoc_url=None,
        generate_unique_id_function=_operation_id,
    )
    errors.install(app, html=render_error)
    openapi.install(app)
    # The creditor's web upload checks its own (configurable) limit before reading.
    app.add_middleware(BodyLimit, exempt=("/schuldeiser/aanleveren",))
    for router in (
        signalen.router,
        adreskoppelingen.router,
        sessies.router,
        werkvoorraad.router,
        zaken.router,
        werkbakjes.router,
        managers.router,
        beheer.router,
        beheer_instellingen.router,
        kpi.router,
        health.router,
        docs.router,
    ):
        app.include_router(router, prefix="/api/v1")
    # The DDAS pull API for CBS: VNG's interface, its own OpenAPI (api/ddas/).
    app.mount("/ddas/v1", create_ddas_app())
    web.install(app)
    # Counted from the core's events after commit (api/metrics.py), served at /metrics.
    app.state.metrics = CoreMetrics()
    app.state.metrics.subscribe(BUS)
    app.include_router(metrics_router)

    # Outermost: the request id is set before anything else runs.
    app.add_middleware(RequestIdAndVersion, version=API_VERSION)
    app.state.version = vroegsignaal.__version__
    return app


app = create_app()
