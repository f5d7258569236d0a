# SPDX-License-Identifier: EUPL-1.2
"""POST /gegevens: transport only. Token (api/ddas/auth.py), the request's Digest and
signature (vroegsignaal/ddas/signing.py), the body as GegevensRequest; then the core
(vroegsignaal/ddas/pull.py) writes the validated page, which is signed and sent.

Errors: FSC-shaped problem+json with `Fsc-Error-Code` for authentication (401), access
(403) and unknown routes (404/405), RFC 9457 problem details for a bad request (400),
one that cannot be served (422) and a delivery that failed the schema (500).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from functools import lru_cache
from typing import Any

import orjson
from cryptography import x509
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.ddas import openapi
from api.ddas.auth import TokenProblem, caller_from
from api.errors import PROBLEM, problem
from vroegsignaal.config import get_settings
from vroegsignaal.ddas import pull, signing
from vroegsignaal.ddas.delivery import DeliveryInvalid, InvalidPeriod
from vroegsignaal.storage.db import session_factory

MAX_BODY = 64 * 1024  # a GegevensRequest is a few hundred bytes
SPOOL = 64 * 1024 * 1024  # a page (at most 50,000 signals) stays in memory below this


class GegevensRequest(BaseModel):
    """DDAS-VS.yaml GegevensRequest."""

    model_config = ConfigDict(extra="forbid", strict=False)
    aanleverperiodeStartdatum: dt.date | None = None
    aanleverperiodeEinddatum: dt.date | None = None
    aanleverendeOrganisatie: str | None = Field(default=None, max_length=200)
    page: int = Field(default=1, ge=1, le=1_000_000)
    pageSize: int | None = Field(default=None, ge=1)

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        """Every field may be left out, none may be null (DDAS-VS.yaml: no nullable)."""
        if isinstance(data, dict):
            nulls = [k for k, v in data.items() if v is None]
            if nulls:
                raise ValueError(f"null niet toegestaan: {', '.join(sorted(nulls))}")
        return data


def fsc_problem(status: int, fsc_code: str, title: str, detail: str,
                extra: dict[str, str] | None = None) -> JSONResponse:
    headers = {"Fsc-Error-Code": fsc_code, **(extra or {})}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    body = {"code": fsc_code, "domain": "ERROR_DOMAIN_INWAY", "title": title, "detail": detail,
            "status": status}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


@lru_cache(maxsize=2)
def _anchors(path: str) -> list[x509.Certificate]:
    return signing.load_anchors(path) if path else []


@lru_cache(maxsize=2)
def _signer(key_file: str, cert_file: str, kid: str) -> signing.Signer:
    return signing.Signer.from_files(key_file, cert_file, kid)


def create_ddas_app() -> FastAPI:
    app = FastAPI(title="DDAS Gegevens Uitwissel API - VS", version="2.0.0",
                  openapi_url="/openapi.json", docs_url=None, redoc_url=None)

    def _openapi() -> dict[str, Any]:
        return openapi.build("https://vroegsignaal.example")

    app.openapi = _openapi  # type: ignore[method-assign]

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:
            return fsc_problem(405, "ERROR_CODE_METHOD_UNSUPPORTED", "Methode niet toegestaan",
                               "Alleen POST /gegevens", {"Allow": "POST"})  # RFC 9110 15.5.6
        return fsc_problem(404, "ERROR_CODE_SERVICE_NOT_FOUND", "Niet gevonden",
                           "Onbekende service of resource")

    @app.post("/gegevens", include_in_schema=False)
    async def gegevens(request: Request) -> Response:
        settings = get_settings()
        try:
            caller = caller_from(request.headers.get("authorization"),
                                 settings.ddas_oauth_issuer)
        except TokenProblem as exc:
            return fsc_problem(401, exc.fsc_code, "Ongeldige access token", exc.detail)
        body = await request.body()
        if len(body) > MAX_BODY:
            return problem(400, "ONGELDIG_VERZOEK", "Ongeldig verzoek", "body te groot")
        try:
            signing.verify(body, request.headers.get(signing.DIGEST_HEADER),
                           request.headers.get(signing.SIGNATURE_HEADER),
                           anchors=_anchors(settings.ddas_trust_anchors_file))
        except signing.SignatureInvalid as exc:
            return problem(400, exc.code, "Ongeldige digest of handtekening", exc.detail)
        try:
            parsed = GegevensRequest.model_validate(orjson.loads(body))
        except (orjson.JSONDecodeError, ValidationError) as exc:
            fields = ([".".join(str(p) for p in e["loc"]) for e in exc.errors()]
                      if isinstance(exc, ValidationError) else [])
            return problem(400, "ONGELDIG_VERZOEK", "Ongeldig verzoek",
                           "Ongeldige velden: " + ", ".join(fields) if fields
                           else "Geen geldige JSON")
        return await run_in_threadpool(_answer, caller, parsed)  # the database work blocks

    return app


def _answer(caller: pull.DdasCaller, parsed: GegevensRequest) -> Response:
    settings = get_settings()
    with tempfile.SpooledTemporaryFile(max_size=SPOOL) as out, \
            session_factory(settings.database_url)() as session:
        try:
            pull.answer(session, caller, pull.PullRequest(**parsed.model_dump()), out)
        except pull.CallerNotAllowed as exc:
            return fsc_problem(403, "ERROR_CODE_WRONG_GROUP_ID_IN_TOKEN", "Toegang geweigerd",
                               exc.detail)
        except (pull.UnknownOrganisation, InvalidPeriod) as exc:
            return problem(422, exc.code, exc.title, exc.detail)
        except DeliveryInvalid as exc:
            return problem(500, exc.code, exc.title, exc.detail)
        out.seek(0)
        content = out.read()
    signer = _signer(settings.ddas_signing_key_file, settings.ddas_signing_cert_file,
                     settings.ddas_signing_kid)
    return Response(content, media_type="application/json", headers=signer.sign(content))
