# SPDX-License-Identifier: EUPL-1.2
"""The request body limit, enforced before anything is parsed (issue 9, kind 7).

A request that announces a larger body (`Content-Length`) is answered 413 problem+json at
once, unread; a body sent without a length (chunked) is counted as it arrives and stops
being read at the limit (`BodyTooLarge`, rendered as the same 413 by api/errors.py). The
limit is `vroegsignaal.contract.decode.MAX_BODY_BYTES`, for every route but the `exempt`
paths (the creditor's web upload, which refuses a body over its own setting unread).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vroegsignaal.contract.decode import MAX_BODY_BYTES

TITLE = "Te groot verzoek"
DETAIL = f"Een verzoek is ten hoogste {MAX_BODY_BYTES // (1024 * 1024)} MiB."


class BodyTooLarge(Exception):
    """The body grew past the limit while it was read."""


class BodyLimit:
    """ASGI middleware: at most `limit` bytes of request body per request."""

    def __init__(
        self, app: ASGIApp, limit: int = MAX_BODY_BYTES, exempt: tuple[str, ...] = ()
    ) -> None:
        self.app = app
        self.limit = limit
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "") in self.exempt:
            await self.app(scope, receive, send)
            return
        announced = _content_length(scope)
        if announced is not None and announced > self.limit:
            await _too_large(send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send: Send) -> None:
    from api.errors import problem_body

    body, headers = problem_body(413, "TE_GROOT_VERZOEK", TITLE, DETAIL)
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
