# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal contract schema`: (re)write the JSON Schema published for creditors."""

from __future__ import annotations

import typer

app = typer.Typer(help="The creditor message contract.", no_args_is_help=True)


@app.command("schema")
def schema(check: bool = typer.Option(False, help="Only check that the file is current")) -> None:
    """Write vroegsignaal/contract/schema/signaal-v1.schema.json from the pydantic models."""
    from vroegsignaal.contract.schema import SCHEMA_PATH, render, write

    if check:
        if SCHEMA_PATH.read_text(encoding="utf-8") != render():
            typer.echo("schema is out of date; run: vroegsignaal contract schema", err=True)
            raise typer.Exit(1)
        typer.echo("schema is current")
        return
    typer.echo(f"written {write()}")
