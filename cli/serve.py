# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal serve`: the API under uvicorn with production settings.

Runs behind a reverse proxy that ends TLS: uvicorn takes the client address and scheme
from X-Forwarded-For/-Proto, but only from the proxies in `--forwarded-allow-ips`
(default VROEGSIGNAAL_FORWARDED_ALLOW_IPS): the client address feeds the per-source login
lockout, so it must not be spoofable. Several worker processes use both cores; sessions
and lockout counters live in the database, so any worker serves any request. The
settings are checked before the workers start: production refuses to run without real
encryption and HMAC keys (vroegsignaal/config.py) or with an invalid OIDC claim mapping.

Each worker also sends the creditor feedback of workers' moves (pick-up, closing) to the
Kafka feedback topic right after the move commits (`served_app`; ADR 0016,
streaming/case_feedback.py), on a background thread so no request waits for the broker.
What a worker could not send stays in the outbox for `vroegsignaal terugkoppeling`.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from fastapi import FastAPI

console = Console(stderr=True)
BOOTSTRAP_TIMEOUT_MS = 5_000


def served_app() -> FastAPI:
    """The app as each `vroegsignaal serve` worker runs it (a uvicorn factory): the API
    with the after-commit sending of case feedback for the worker's life."""
    from api.main import create_app

    return create_app(lifespan=case_feedback)


@asynccontextmanager
async def case_feedback(app: FastAPI) -> AsyncIterator[None]:
    """Subscribe the worker's `FeedbackSender` to the moves it commits; stop it (unsent
    rows stay in the outbox) when the worker stops."""
    import logging

    import anyio
    from kafka import KafkaProducer

    from streaming.case_feedback import FeedbackSender
    from streaming.settings import StreamingSettings
    from vroegsignaal.config import get_settings
    from vroegsignaal.storage.db import session_factory

    logging.getLogger("kafka").setLevel(logging.WARNING)  # connection chatter
    kafka = StreamingSettings()

    def producer() -> KafkaProducer:
        # Without idempotence, as the consumer's own feedback producer (ADR 0006). A short
        # bootstrap: the sender retries, and a worker's shutdown waits for this at most.
        return KafkaProducer(
            **kafka.output_producer_config(),
            client_id=f"{kafka.client_id}-api",
            bootstrap_timeout_ms=BOOTSTRAP_TIMEOUT_MS,
        )

    sender = FeedbackSender(
        session_factory(get_settings().database_url), producer, kafka.feedback_topic
    )
    sender.start()
    try:
        yield
    finally:
        await anyio.to_thread.run_sync(sender.stop)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 2,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(help="Trusted proxies (comma list, '*' for all); default from settings"),
    ] = None,
    access_log: Annotated[bool, typer.Option(help="Log every request (client addresses)")] = False,
    kafka_feedback: Annotated[
        bool,
        typer.Option(help="Send creditor feedback of moves to Kafka right after commit"),
    ] = True,
) -> None:
    """Run the API (uvicorn workers, proxy headers, production settings checked first)."""
    import uvicorn

    from vroegsignaal.accounts.claims import ClaimMapping
    from vroegsignaal.config import ConfigurationError, get_settings

    try:
        settings = get_settings()
        ClaimMapping.from_settings(settings)
    except ConfigurationError as exc:
        console.print(f"[red]configuratie geweigerd[/red]: {exc}")
        raise typer.Exit(1) from exc
    if settings.env in ("development", "demo"):
        console.print(
            f"[yellow]VROEGSIGNAAL_ENV={settings.env}: publieke ontwikkelsleutels, "
            "niet voor productie[/yellow]"
        )
    if os.environ.get("VROEGSIGNAAL_API_KEYS"):
        console.print(
            "[yellow]VROEGSIGNAAL_API_KEYS wordt niet meer gelezen: neem de sleutels "
            "over met `vroegsignaal keys api import`[/yellow]"
        )
    uvicorn.run(
        "cli.serve:served_app" if kafka_feedback else "api.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips or settings.forwarded_allow_ips,
        server_header=False,
        access_log=access_log,
        log_level=settings.log_level.lower(),
    )
