# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal serve`: the API under uvicorn with production settings.

Runs behind a reverse proxy that ends TLS: uvicorn takes the client address and scheme
from X-Forwarded-For/-Proto, but only from the proxies in `--forwarded-allow-ips`
(default VROEGSIGNAAL_FORWARDED_ALLOW_IPS): the client address feeds the per-source login
lockout, so it must not be spoofable. Several worker processes use both cores; sessions
and lockout counters live in the database, so any worker serves any request. The
settings are checked before the workers start: production refuses to run without real
encryption and HMAC keys (vroegsignaal/config.py) or with an invalid OIDC claim mapping.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.console import Console

console = Console(stderr=True)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 2,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(help="Trusted proxies (comma list, '*' for all); default from settings"),
    ] = None,
    access_log: Annotated[bool, typer.Option(help="Log every request (client addresses)")] = False,
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
        "api.main:create_app",
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
