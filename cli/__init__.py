# SPDX-License-Identifier: EUPL-1.2
"""The `vroegsignaal` command line. Configuration comes from VROEGSIGNAAL_* variables."""

from __future__ import annotations

import logging

import typer

from cli import audit, contract, data, database, keys, model, reporting, serve, streaming, users

app = typer.Typer(
    name="vroegsignaal",
    help="Vroegsignalering van schulden: intake, matching and outreach queue.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(database.app, name="db")
app.add_typer(audit.app, name="audit")
app.add_typer(keys.app, name="keys")
app.add_typer(contract.app, name="contract")
app.add_typer(reporting.app, name="kpi")
app.add_typer(users.app, name="users")
app.command("generate")(data.generate)
app.command("ingest")(data.ingest)
app.command("demo")(data.demo)
app.command("train")(model.train)
app.command("evaluate")(model.evaluate)
app.command("consume")(streaming.consume)
app.command("send")(streaming.send)
app.command("topics")(streaming.topics)
app.command("terugkoppeling")(streaming.terugkoppeling)
app.command("export-ddas")(reporting.export_ddas)
app.command("serve")(serve.serve)


def main() -> None:
    from vroegsignaal.config import get_settings

    try:
        level = get_settings().log_level
    except Exception:  # configuration errors are reported by the command itself
        level = "INFO"
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # One line per intake batch is for services; on the terminal the progress bar says enough.
    logging.getLogger("vroegsignaal.intake.pipeline").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # kafka-python logs whole protocol frames (message values: personal data) at DEBUG;
    # never below INFO, whatever VROEGSIGNAAL_LOG_LEVEL says.
    logging.getLogger("kafka").setLevel(max(logging.INFO, logging.getLogger().level))
    app()
