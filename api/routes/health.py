# SPDX-License-Identifier: EUPL-1.2
"""Liveness and readiness for orchestrators."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from api.deps import SessionDep
from api.errors import ApiProblem

router = APIRouter(prefix="/health", tags=["health"])


class Health(BaseModel):
    status: str


@router.get(
    "",
    response_model=Health,
    summary="Liveness: the process answers",
    openapi_extra={"x-errors": []},
)
def live() -> Health:
    return Health(status="ok")


@router.get(
    "/ready",
    response_model=Health,
    summary="Readiness: the database answers",
    openapi_extra={"x-errors": ["503"]},
)
def ready(session: SessionDep) -> Health:
    try:
        session.execute(text("SELECT 1"))
    except Exception as exc:
        raise ApiProblem(503, "DATABASE_ONBEREIKBAAR", "Database niet bereikbaar") from exc
    return Health(status="ok")
