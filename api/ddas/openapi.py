# SPDX-License-Identifier: EUPL-1.2
"""The pull API's OpenAPI document: the interface of VNG's DDAS-VS.yaml (v1.2 of the
exchange model, API 2.0.0), with the exchange model's JSON Schema inlined so that tools
(schemathesis in the tests) need no network. Its `$defs` become component schemas.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from vroegsignaal.ddas.validation import schema as exchange_schema

SIG_PATTERN = r"^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$"
DIGEST_PATTERN = r"^SHA-256=[A-Za-z0-9+/=]{43,44}$"
FSC_CODES = [
    "ERROR_CODE_ACCESS_TOKEN_MISSING", "ERROR_CODE_ACCESS_TOKEN_INVALID",
    "ERROR_CODE_ACCESS_TOKEN_EXPIRED", "ERROR_CODE_WRONG_GROUP_ID_IN_TOKEN",
    "ERROR_CODE_SERVICE_NOT_FOUND", "ERROR_CODE_SERVICE_UNREACHABLE",
    "ERROR_CODE_METHOD_UNSUPPORTED",
]


def _exchange_model() -> tuple[dict[str, Any], dict[str, Any]]:
    """The Uitwisselmodel schema and its $defs, with refs pointing at components."""
    model = copy.deepcopy(exchange_schema())
    defs = model.pop("$defs", {})
    for key in ("$schema", "$id"):
        model.pop(key, None)
    text = json.dumps({"model": model, "defs": defs}).replace(
        '"#/$defs/', '"#/components/schemas/')
    moved = json.loads(text)
    return moved["model"], moved["defs"]


def _fsc(description: str, *, www_authenticate: bool = False) -> dict[str, Any]:
    headers: dict[str, Any] = {"Fsc-Error-Code": {"$ref": "#/components/headers/Fsc-Error-Code"}}
    if www_authenticate:
        headers["WWW-Authenticate"] = {"description": "Bearer", "schema": {"type": "string"}}
    return {"description": description, "headers": headers, "content": {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/FscError"}}}}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}}


def build(server: str) -> dict[str, Any]:
    """The document, served at /ddas/v1/openapi.json; `server` is the API's base URL."""
    model, defs = _exchange_model()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "DDAS Gegevens Uitwissel API - VS",
            "version": "2.0.0",
            "description": (
                "Vroegsignaleringsgegevens (DDAS uitwisselmodel v1.2) voor het CBS, volgens "
                "VNG DDAS-VS.yaml. OAuth 2.0 client credentials; Digest en JAdES payload "
                "signing (nlgov-adr-payload-sig, PS256, detached, x5c) op verzoek en antwoord."
            ),
            "contact": {"name": "vroegsignaal maintainers",
                        "email": "beheer@vroegsignaal.example"},
        },
        "servers": [{"url": server.rstrip("/") + "/ddas/v1"}],
        "security": [{"OAuth2": ["read"]}],
        "paths": {"/gegevens": {"post": {
            "summary": "Aanvragen en ontvangen van VS-gegevens",
            "operationId": "postGegevens",
            "description": "Een pagina van de levering over een periode en organisatie.",
            "security": [{"OAuth2": ["read"]}],
            "parameters": [
                {"name": "Digest", "in": "header", "required": True,
                 "schema": {"type": "string", "pattern": DIGEST_PATTERN}},
                {"name": "nlgov-adr-payload-sig", "in": "header", "required": True,
                 "schema": {"type": "string", "pattern": SIG_PATTERN}},
            ],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/GegevensRequest"}}}},
            "responses": {
                "200": {
                    "description": "Succesvol antwoord met de gevraagde VS-gegevens",
                    "headers": {
                        "Digest": {"required": True,
                                   "schema": {"type": "string", "pattern": DIGEST_PATTERN}},
                        "nlgov-adr-payload-sig": {
                            "required": True,
                            "schema": {"type": "string", "pattern": SIG_PATTERN}},
                    },
                    "content": {"application/json": {"schema": {
                        "type": "object", "required": ["gegevens"],
                        "properties": {
                            "gegevens": {"$ref": "#/components/schemas/Uitwisselmodel"},
                            "paginering": {"$ref": "#/components/schemas/Paginering"},
                        }}}},
                },
                "400": _problem("Ongeldig verzoek (filters, syntaxis, digest of handtekening)"),
                "401": _fsc("Geen of ongeldige authenticatie", www_authenticate=True),
                "403": _fsc("Toegang geweigerd"),
                "404": _fsc("Service of resource niet gevonden"),
                "405": _fsc("Niet-ondersteunde HTTP-methode"),
                "422": _problem("Verzoek inhoudelijk niet verwerkbaar"),
                "500": _problem("De levering voldoet niet aan het uitwisselmodel"),
            },
        }}},
        "components": {
            "securitySchemes": {"OAuth2": {"type": "oauth2", "flows": {"clientCredentials": {
                "tokenUrl": "/token", "scopes": {"read": "VS-gegevens ophalen"}}}}},
            "headers": {"Fsc-Error-Code": {"schema": {"type": "string", "enum": FSC_CODES}}},
            "schemas": {
                **defs,
                "Uitwisselmodel": model,
                "Paginering": {
                    "type": "object",
                    "required": ["pageSize", "currentPage", "totalPages", "totalRecords"],
                    "properties": {
                        "pageSize": {"type": "integer", "minimum": 1},
                        "currentPage": {"type": "integer", "minimum": 1},
                        "totalPages": {"type": "integer", "minimum": 1},
                        "totalRecords": {"type": "integer", "minimum": 0},
                    },
                },
                "GegevensRequest": {
                    "type": "object", "additionalProperties": False,
                    "properties": {
                        "aanleverperiodeStartdatum": {"type": "string", "format": "date"},
                        "aanleverperiodeEinddatum": {"type": "string", "format": "date"},
                        "aanleverendeOrganisatie": {"type": "string"},
                        "page": {"type": "integer", "minimum": 1},
                        "pageSize": {"type": "integer", "minimum": 1},
                    },
                },
                "FscError": {
                    "type": "object", "required": ["code", "domain"],
                    "properties": {
                        "code": {"type": "string"},
                        "domain": {"type": "string",
                                   "enum": ["ERROR_DOMAIN_INWAY", "ERROR_DOMAIN_OUTWAY"]},
                        "title": {"type": "string"}, "detail": {"type": "string"},
                        "status": {"type": "integer"},
                    },
                },
                "ProblemDetails": {
                    "type": "object", "required": ["type", "title", "status"],
                    "properties": {
                        "type": {"type": "string", "format": "uri"},
                        "title": {"type": "string"}, "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "instance": {"type": "string", "format": "uri-reference"},
                    },
                },
            },
        },
    }
