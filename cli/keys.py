# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal keys generate`: fresh random keys for the configuration."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets

import typer

app = typer.Typer(help="Key material for encryption and pseudonymisation.", no_args_is_help=True)


@app.command("generate")
def generate(key_id: str = typer.Option("k1", help="Id of the encryption key")) -> None:
    """Print a new VROEGSIGNAAL_ENCRYPTION_KEY and VROEGSIGNAAL_HMAC_KEY."""
    enc = base64.b64encode(secrets.token_bytes(32)).decode()
    mac = base64.b64encode(secrets.token_bytes(32)).decode()
    typer.echo(f"VROEGSIGNAAL_ENCRYPTION_KEY={key_id}:{enc}")
    typer.echo(f"VROEGSIGNAAL_HMAC_KEY={mac}")


@app.command("api")
def api_key(schuldeiser: str = typer.Argument(..., help="Code of the schuldeiser")) -> None:
    """Print a new API key for a schuldeiser and the hash entry for VROEGSIGNAAL_API_KEYS."""
    key = secrets.token_urlsafe(32)
    digest = hashlib.sha256(key.encode()).hexdigest()
    typer.echo(f"API key for {schuldeiser} (give it to them once, keep no copy): {key}")
    typer.echo(f"VROEGSIGNAAL_API_KEYS entry: {json.dumps({schuldeiser: digest})}")
