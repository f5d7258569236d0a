# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal keys ...`: encryption keys for the configuration, and creditors' API keys.

- `keys generate`: fresh VROEGSIGNAAL_ENCRYPTION_KEY and VROEGSIGNAAL_HMAC_KEY values.
- `keys api create|rotate|revoke|list|import`: API keys of creditor organisations, in the
  database (vroegsignaal/accounts/api_keys.py): shown once, only a hash is kept.
- `keys schuldeiser CODE`: a Kafka sender key with which a creditor signs its messages
  (ADR 0017, streaming/sender.py).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.users import OPERATOR, run_admin

app = typer.Typer(
    help="Key material: encryption keys, creditors' API keys and Kafka sender keys.",
    no_args_is_help=True,
)
api_app = typer.Typer(
    help="API keys of creditor organisations (shown once; only a hash is stored).",
    no_args_is_help=True,
)
app.add_typer(api_app, name="api")
console = Console()


@app.command("generate")
def generate(key_id: str = typer.Option("k1", help="Id of the encryption key")) -> None:
    """Print a new VROEGSIGNAAL_ENCRYPTION_KEY and VROEGSIGNAAL_HMAC_KEY."""
    enc = base64.b64encode(secrets.token_bytes(32)).decode()
    mac = base64.b64encode(secrets.token_bytes(32)).decode()
    typer.echo(f"VROEGSIGNAAL_ENCRYPTION_KEY={key_id}:{enc}")
    typer.echo(f"VROEGSIGNAAL_HMAC_KEY={mac}")


def _print_issued(issued) -> None:  # type: ignore[no-untyped-def]
    typer.echo(
        f"API-sleutel {issued.id} voor {issued.schuldeiser} (eenmalig getoond; bewaar geen kopie):"
    )
    typer.echo(issued.key)
    if issued.expires_predecessor_at is not None:
        typer.echo(f"de vorige sleutel werkt tot {issued.expires_predecessor_at.isoformat()}")


@api_app.command("create")
def create(
    schuldeiser: Annotated[str, typer.Argument(help="Code of the schuldeiser")],
    naam: Annotated[
        str | None, typer.Option(help="Register the creditor first under this name")
    ] = None,
    signaalpartner: Annotated[str | None, typer.Option(help="DDAS signaalpartner")] = None,
) -> None:
    """Issue an API key for SCHULDEISER (registering it first when --naam is given)."""
    from vroegsignaal.accounts import api_keys, creditors
    from vroegsignaal.dates import utc_now
    from vroegsignaal.storage.tables import SchuldeiserOrganisatie

    def action(session):  # type: ignore[no-untyped-def]
        if naam is not None and session.get(SchuldeiserOrganisatie, schuldeiser) is None:
            creditors.register(
                session,
                OPERATOR,
                code=schuldeiser,
                naam=naam,
                signaalpartner=signaalpartner,
                now=utc_now(),
            )
        return api_keys.create_key(session, OPERATOR, schuldeiser, now=utc_now())

    _print_issued(run_admin(action))


@api_app.command("rotate")
def rotate(
    schuldeiser: Annotated[str, typer.Argument(help="Code of the schuldeiser")],
    sleutel_id: Annotated[int, typer.Argument(help="Id of the key to replace")],
    overlap_uren: Annotated[
        int | None,
        typer.Option(help="Hours the old key keeps working (default: the setting)"),
    ] = None,
) -> None:
    """Issue the successor of a key; the old one stops after the overlap."""
    from vroegsignaal.accounts import api_keys
    from vroegsignaal.config import get_settings
    from vroegsignaal.dates import utc_now

    hours = get_settings().api_key_overlap_hours if overlap_uren is None else overlap_uren
    issued = run_admin(
        lambda s: api_keys.rotate_key(
            s, OPERATOR, schuldeiser, sleutel_id, overlap=dt.timedelta(hours=hours), now=utc_now()
        )
    )
    _print_issued(issued)


@api_app.command("revoke")
def revoke(schuldeiser: str, sleutel_id: int) -> None:
    """End a key at once."""
    from vroegsignaal.accounts import api_keys
    from vroegsignaal.dates import utc_now

    view = run_admin(
        lambda s: api_keys.revoke_key(s, OPERATOR, schuldeiser, sleutel_id, now=utc_now())
    )
    typer.echo(f"API-sleutel {view.id} ({view.prefix}) van {view.schuldeiser} ingetrokken")


@api_app.command("list")
def list_keys(
    schuldeiser: Annotated[str | None, typer.Argument(help="Only this schuldeiser")] = None,
) -> None:
    """Keys with prefix, dates and last use; never the key itself."""
    from vroegsignaal.accounts import api_keys
    from vroegsignaal.dates import utc_now

    views = run_admin(lambda s: api_keys.list_keys(s, OPERATOR, schuldeiser))
    now = utc_now()
    table = Table(
        "id",
        "schuldeiser",
        "prefix",
        "aangemaakt",
        "verloopt",
        "ingetrokken",
        "laatst gebruikt",
        "geldig",
    )
    for v in views:
        table.add_row(
            str(v.id),
            v.schuldeiser,
            v.prefix,
            f"{v.aangemaakt_op:%Y-%m-%d %H:%M}",
            f"{v.verloopt_op:%Y-%m-%d %H:%M}" if v.verloopt_op else "",
            f"{v.ingetrokken_op:%Y-%m-%d %H:%M}" if v.ingetrokken_op else "",
            f"{v.laatst_gebruikt_op:%Y-%m-%d %H:%M}" if v.laatst_gebruikt_op else "",
            "ja" if v.valid_at(now) else "nee",
        )
    console.print(table)


@api_app.command("import")
def import_settings(
    naam: Annotated[str, typer.Option(help="Name for creditors not yet registered")] = "",
) -> None:
    """Carry the keys of the former VROEGSIGNAAL_API_KEYS setting (JSON of code -> SHA-256)
    over into the database; registers unknown creditors under --naam (default: the code)."""
    from vroegsignaal.accounts import api_keys, creditors
    from vroegsignaal.dates import utc_now
    from vroegsignaal.storage.tables import SchuldeiserOrganisatie

    raw = os.environ.get("VROEGSIGNAAL_API_KEYS", "").strip()
    if not raw:
        raise typer.BadParameter("VROEGSIGNAAL_API_KEYS is not set")
    entries: dict[str, str] = json.loads(raw)

    def action(session):  # type: ignore[no-untyped-def]
        done = []
        for code, digest in entries.items():
            if session.get(SchuldeiserOrganisatie, code) is None:
                creditors.register(
                    session,
                    OPERATOR,
                    code=code,
                    naam=naam or code,
                    signaalpartner=None,
                    now=utc_now(),
                )
            done.append(api_keys.import_hash(session, OPERATOR, code, digest, now=utc_now()))
        return done

    for view in run_admin(action):
        typer.echo(f"API-sleutel {view.id} van {view.schuldeiser} overgenomen")
    typer.echo("VROEGSIGNAAL_API_KEYS wordt niet meer gelezen; haal de variabele weg.")


@app.command("schuldeiser")
def sender_key(schuldeiser: str = typer.Argument(..., help="Code of the schuldeiser")) -> None:
    """Print a new Kafka sender key for a schuldeiser (ADR 0017): the creditor signs what it
    sends with it, the consumer checks; both configure it in VROEGSIGNAAL_KAFKA_SENDER_KEYS."""
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    typer.echo(f"Kafka sender key for {schuldeiser} (give it to them over a secure channel):")
    typer.echo(f"VROEGSIGNAAL_KAFKA_SENDER_KEYS entry: {json.dumps({schuldeiser: key})}")
