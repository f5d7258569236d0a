# SPDX-License-Identifier: EUPL-1.2
"""The API documentation page: Swagger UI from the vendored npm package (swagger-ui-dist),
not FastAPI's default page, which loads it from a CDN (ADR 0011: no request outside the
app). The page has no inline script: api/static/js/api-docs.js starts Swagger UI."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

PAGE = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>vroegsignaal API - documentatie</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<main id="swagger-ui" data-openapi="/api/v1/openapi.json"></main>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/js/api-docs.js"></script>
</body>
</html>
"""


@router.get("/docs", response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    return HTMLResponse(PAGE)
