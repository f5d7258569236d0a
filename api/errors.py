# SPDX-License-Identifier: EUPL-1.2
"""RFC 9457 problem+json for every error, 5xx included; details name fields and ids,
never people, and an unexpected error says nothing of its cause (it is logged)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.limits import DETAIL as TOO_LARGE_DETAIL
from api.limits import TITLE as TOO_LARGE_TITLE
from api.limits import BodyTooLarge
from vroegsignaal.errors import (
    Conflict,
    Forbidden,
    NotAuthenticated,
    NotFound,
    ServiceUnavailable,
    TooManyAttempts,
    VroegsignaalError,
)

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"
# The HTTP status of a domain error by its kind (first match in the class's MRO); any
# other domain error is a request the rules refuse: 422.
STATUS_OF: dict[type[VroegsignaalError], int] = {
    NotAuthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooManyAttempts: 429,
    ServiceUnavailable: 503,
}
TYPE_BASE = "https://vroegsignaal.example/problemen/"
API_VERSION = "1.0.0"


def problem_body(
    status: int, code: str, title: str, detail: str = "", **extra: Any
) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The problem document and its headers, for responses made outside FastAPI."""
    body = {
        "type": TYPE_BASE + code.lower().replace("_", "-"),
        "title": title,
        "status": status,
        "detail": detail or title,
        "code": code,
        **extra,
    }
    data = orjson.dumps(body)
    headers = [
        (b"content-type", PROBLEM.encode()),
        (b"content-length", str(len(data)).encode()),
        (b"api-version", API_VERSION.encode()),
    ]
    return data, headers


def problem(
    status: int,
    code: str,
    title: str,
    detail: str = "",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    data, _ = problem_body(status, code, title, detail, **extra)
    return Response(data, status_code=status, media_type=PROBLEM, headers=headers)


def status_of(exc: VroegsignaalError) -> int:
    for kind in type(exc).__mro__:
        if kind in STATUS_OF:
            return STATUS_OF[kind]
    return 422


class ApiProblem(Exception):
    """Raised by routes and dependencies; rendered as problem+json."""

    def __init__(self, status: int, code: str, title: str, detail: str = "") -> None:
        super().__init__(title)
        self.status, self.code, self.title, self.detail = status, code, title, detail


# Renders an error on a web page (api/web/errors.py): (request, status, code, title, exc).
HtmlRenderer = Callable[[Request, int, str, str, Exception | None], Response]


def install(app: FastAPI, html: HtmlRenderer | None = None) -> None:
    """Error handlers: problem+json under /api/, and `html` (when given) everywhere else."""

    def web(request: Request) -> bool:
        return html is not None and not request.url.path.startswith("/api/")

    @app.exception_handler(ApiProblem)
    async def _api_problem(request: Request, exc: ApiProblem) -> Response:
        if web(request):
            assert html is not None
            return html(request, exc.status, exc.code, exc.title, exc)
        return problem(exc.status, exc.code, exc.title, exc.detail)

    @app.exception_handler(VroegsignaalError)
    async def _domain(request: Request, exc: VroegsignaalError) -> Response:
        status = status_of(exc)
        if web(request):
            assert html is not None
            return html(request, status, exc.code, exc.title, exc)
        # A 403 or 404 names no ids and explains nothing beyond its title: it must not
        # confirm what exists (issue 10: nothing of the resource in a refusal).
        detail = exc.title if status in (403, 404) else exc.detail
        response = problem(status, exc.code, exc.title, detail)
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if web(request):
            assert html is not None
            return html(request, 400, "ONGELDIG_VERZOEK", "Het verzoek is ongeldig", exc)
        # Location and error type only: the input itself may be personal data.
        fouten = [
            {"veld": ".".join(str(p) for p in e["loc"]), "fout": e["type"]} for e in exc.errors()
        ]
        return problem(
            400,
            "ONGELDIG_VERZOEK",
            "Het verzoek is ongeldig",
            "Zie 'invalidParams'.",
            invalidParams=fouten,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "NIET_GEVONDEN", 405: "METHODE_NIET_TOEGESTAAN"}.get(exc.status_code, "FOUT")
        if web(request):
            assert html is not None
            return html(request, exc.status_code, code, str(exc.detail), exc)
        response = problem(exc.status_code, code, str(exc.detail))
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(BodyTooLarge)
    async def _too_large(request: Request, exc: BodyTooLarge) -> Response:
        if web(request):
            assert html is not None
            return html(request, 413, "TE_GROOT_VERZOEK", TOO_LARGE_TITLE, exc)
        return problem(413, "TE_GROOT_VERZOEK", TOO_LARGE_TITLE, TOO_LARGE_DETAIL)

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def _database(request: Request, exc: Exception) -> Response:
        # The database is busy or away (the SQLite writer lock after its retries, no free
        # connection, a lost PostgreSQL connection): worth retrying, and said so. Never
        # the statement.
        orig = getattr(exc, "orig", None)
        log.error("database unavailable path=%s error=%s", request.url.path,
                  type(orig or exc).__name__)
        if web(request):
            assert html is not None
            return html(request, 503, "DATABASE_BEZET", "Dienst tijdelijk niet beschikbaar", exc)
        return problem(503, "DATABASE_BEZET", "Dienst tijdelijk niet beschikbaar",
                       "Probeer het over enkele seconden opnieuw.", headers={"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # Starlette's ServerErrorMiddleware sends this and re-raises for the server's log;
        # the traceback names code, not data (bound SQL parameters are hidden: storage/db.py).
        log.error("unexpected error path=%s error=%s", request.url.path, type(exc).__name__)
        if web(request):
            assert html is not None
            return html(request, 500, "INTERNE_FOUT", "Er ging iets mis", exc)
        return problem(500, "INTERNE_FOUT", "Er ging iets mis",
                       "Een onverwachte fout; de beheerder kan hem in het log terugvinden.")
