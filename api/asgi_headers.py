# SPDX-License-Identifier: EUPL-1.2
"""Plain ASGI middleware for the headers every answer carries.

Plain ASGI, not `@app.middleware("http")` (Starlette's BaseHTTPMiddleware): that one runs
each request through an extra task and memory stream, and with two of them a werkvoorraad
request spent measurably longer in the middleware than in its three queries
(benchmarks/bench_casework.py under py-spy). These only add headers to the response's
start message.

- `RequestIdAndVersion`: the request id (a caller's X-Request-ID when it looks like an
  id, else a new one) in `request.state.request_id` for the audit trail's trace_id, and
  back in `X-Request-ID`; `API-Version` on every answer.
- `PageHeaders`: the web pages' security headers (CSP, nosniff, referrer policy, no
  caching of pages that may show personal data); the Swagger UI its own CSP.
"""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A caller's X-Request-ID is kept when it looks like an id; it becomes the audit trail's
# trace_id (32 characters, as a W3C trace id), so a longer one is replaced by a fresh id.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,32}$")


class RequestIdAndVersion:
    def __init__(self, app: ASGIApp, version: str) -> None:
        self.app = app
        self.version = version

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["API-Version"] = self.version
                headers["X-Request-ID"] = request_id
            await send(message)

        await self.app(scope, receive, send_with_headers)


class PageHeaders:
    def __init__(self, app: ASGIApp, *, csp: str, docs_csp: str) -> None:
        self.app = app
        self.csp = csp
        self.docs_csp = docs_csp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or (path.startswith("/api/") and path != "/api/v1/docs"):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if path == "/api/v1/docs":
                    headers.setdefault("Content-Security-Policy", self.docs_csp)
                else:
                    headers.setdefault("Content-Security-Policy", self.csp)
                    headers.setdefault("X-Content-Type-Options", "nosniff")
                    headers.setdefault("Referrer-Policy", "same-origin")
                    if not path.startswith(("/static/", "/thema/")):
                        # Pages may show personal data: never in a shared or back-forward
                        # cache.
                        headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
