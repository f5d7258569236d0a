# SPDX-License-Identifier: EUPL-1.2
"""OpenAPI document shaped to the NL GOV API Design Rules (checked with their Spectral rules).

FastAPI's defaults are adjusted after generation: the major version lives in the server
URL, every response declares the API-Version header, errors are problem+json.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PREFIX = "/api/v1"
TAGS = [
    {"name": "signalen", "description": "Signalen van schuldeisers aanleveren en hun status."},
    {"name": "werkvoorraad", "description": "De werkvoorraad van schuldhulpverleners."},
    {"name": "zaken", "description": "Een zaak: lezen, contactpogingen, toewijzen, afsluiten."},
    {"name": "werkbakjes", "description": "Opgeslagen filters van een team."},
    {"name": "overzicht", "description": "Aantallen voor managers; geen zaakgegevens."},
    {"name": "adreskoppelingen",
     "description": "Mogelijk hetzelfde adres: twee huishoudens bevestigen of scheiden."},
    {"name": "kpi", "description": "KPI's voor managers, na afscherming van kleine aantallen."},
    {
        "name": "sessies",
        "description": "Aanmelden (wachtwoord met TOTP, of via de identity provider van de "
        "gemeente met OIDC), de huidige gebruiker, afmelden.",
    },
    {
        "name": "beheer",
        "description": "Beheer van gebruikers, rollen, teams, schuldeisers en hun API-sleutels; "
        "drempels per gemeente; inzage in de auditlog.",
    },
    {"name": "health", "description": "Beschikbaarheid van de dienst."},
]
# The NL GOV rules allow only the RFC 9457 members in the schema; responses also carry the
# extension members `code` (stable error code) and `invalidParams`, as RFC 9457 permits.
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details; extension members: code, invalidParams.",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string", "format": "uri"},
    },
    "required": ["status", "title", "detail"],
}
VERSION_HEADER = {
    "description": "Full version of the API (semantic versioning).",
    "schema": {"type": "string", "example": "1.0.0"},
}
ERRORS = {
    "400": "Ongeldig verzoek",
    "401": "Niet geauthenticeerd",
    "403": "Geen toegang",
    "404": "Niet gevonden",
    "409": "Conflict met de huidige toestand (bijv. de zaak is intussen gewijzigd)",
    "413": "Te groot verzoek",
    "422": "Verzoek voldoet niet aan de regels, of de handeling is nu niet mogelijk",
    "429": "Te veel mislukte pogingen",
    "503": "Dienst niet beschikbaar",
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"API-Version": {"$ref": "#/components/headers/API-Version"}},
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def build_openapi(app: FastAPI, server: str) -> dict[str, Any]:
    spec = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        contact=app.contact,
        license_info=app.license_info,
        tags=TAGS,
    )
    spec["servers"] = [{"url": server.rstrip("/") + PREFIX, "description": "productie"}]
    paths: dict[str, Any] = {}
    for path, item in spec["paths"].items():
        item = copy.deepcopy(item)
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            for code, response in responses.items():
                if code[0] in "23":
                    response.setdefault("headers", {})["API-Version"] = {
                        "$ref": "#/components/headers/API-Version"
                    }
            for code in operation.pop("x-errors", ["400", "401", "404"]):
                responses.setdefault(code, _problem(ERRORS[code]))
            operation.setdefault("description", operation.get("summary", ""))
        paths[path.removeprefix(PREFIX) or "/"] = item
    spec["paths"] = paths
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas.update(contract_schemas())
    components["headers"] = {"API-Version": VERSION_HEADER}
    return spec


def contract_schemas() -> dict[str, Any]:
    """The published signal contract (vroegsignaal/contract/schema) as OpenAPI component
    schemas: `SignaalBericht` and its parts, the request body's items."""
    from vroegsignaal.contract.schema import contract_json_schema

    schema = contract_json_schema()
    defs = schema.pop("$defs", {})
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    text = json.dumps({"SignaalBericht": schema, **defs})
    return dict(json.loads(text.replace('"#/$defs/', '"#/components/schemas/')))


def install(app: FastAPI, server: str = "https://vroegsignaal.example") -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app, server)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
