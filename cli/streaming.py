# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal consume | send | topics`: the Kafka door (streaming/, docs/streaming.md).

Options override the VROEGSIGNAAL_KAFKA_* variables; the database and the keys come from
the core settings (VROEGSIGNAAL_DATABASE_URL, VROEGSIGNAAL_ENCRYPTION_KEY, ...).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cli.data import _count_lines, _progress, console

Bootstrap = Annotated[
    str | None,
    typer.Option(
        "--bootstrap-servers", help="host:port[,...]; VROEGSIGNAAL_KAFKA_BOOTSTRAP_SERVERS"
    ),
]


def _settings(**overrides: Any) -> Any:
    import logging

    from streaming.settings import StreamingSettings

    logging.getLogger("kafka").setLevel(logging.WARNING)  # connection chatter

    return StreamingSettings(**{k: v for k, v in overrides.items() if v is not None})


def consume(
    bootstrap_servers: Bootstrap = None,
    topic: Annotated[str | None, typer.Option(help="Intake topic")] = None,
    group: Annotated[str | None, typer.Option(help="Consumer group id")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Consumer processes on this host (one group member each)")
    ] = None,
    batch_size: Annotated[int | None, typer.Option(help="Records per poll and transaction")] = None,
    metrics_port: Annotated[
        int | None, typer.Option(help="Prometheus /metrics port (worker i: port + i); 0 = off")
    ] = None,
    instance_id: Annotated[
        str | None, typer.Option(help="Static group membership id, e.g. the pod name")
    ] = None,
    topics: Annotated[
        bool | None, typer.Option("--topics/--no-topics", help="Create or update topics first")
    ] = None,
) -> None:
    """Consume signals from Kafka into the intake pipeline until SIGTERM or Ctrl-C."""
    import logging

    from streaming.runner import run_consumer, run_workers
    from streaming.topics import ensure_topics
    from vroegsignaal.config import get_settings

    settings = _settings(
        bootstrap_servers=bootstrap_servers, intake_topic=topic, group_id=group, workers=workers,
        batch_size=batch_size, metrics_port=metrics_port, instance_id=instance_id,
        create_topics=topics,
    )
    core = get_settings()  # refuses to start without real keys outside development
    # A service logs the pipeline's line per batch too (main() quiets it for terminals).
    logging.getLogger("vroegsignaal.intake.pipeline").setLevel(core.log_level)
    if settings.create_topics:
        ensure_topics(settings)
    if settings.workers > 1:
        code = run_workers(settings, database_url=core.database_url, level=core.log_level)
    else:
        code = run_consumer(settings, database_url=core.database_url)
    raise typer.Exit(code)


def send(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=".jsonl or .csv")],
    bootstrap_servers: Bootstrap = None,
    topic: Annotated[str | None, typer.Option(help="Intake topic")] = None,
) -> None:
    """Send a signal file (JSONL or CSV) to the intake topic; progress bar and summary."""
    from batch.files import SUFFIXES
    from streaming.producer import send_file

    if file.suffix.lower() not in SUFFIXES:
        console.print(f"[red]{file.name}: gebruik {' of '.join(SUFFIXES)}[/red]")
        raise typer.Exit(2)
    from vroegsignaal.contract.io import FileRefused

    settings = _settings(bootstrap_servers=bootstrap_servers, intake_topic=topic)
    total = _count_lines(file) - (1 if file.suffix.lower() == ".csv" else 0)
    try:
        with _progress() as progress:
            task = progress.add_task(f"verzenden {file.name}", total=max(total, 0))
            summary = send_file(
                file, settings=settings, on_progress=lambda n: progress.advance(task, n)
            )
    except FileRefused as refused:  # nothing of it was sent (docs/contract.md)
        console.print(f"[red]Bestand geweigerd ({refused.code})[/red]: {refused.detail}")
        raise typer.Exit(1) from None
    table = Table(title=f"Verzonden naar {settings.intake_topic}", title_justify="left")
    table.add_column("")
    table.add_column("aantal", justify="right")
    table.add_row("verzonden", str(summary.verzonden))
    if summary.ongetekend:
        table.add_row("niet ondertekend (geen sleutel)", str(summary.ongetekend))
    table.add_row("bevestigd door Kafka", str(summary.bevestigd))
    table.add_row("mislukt", str(summary.mislukt))
    for code, n in summary.onleesbaar.items():
        table.add_row(f"niet verzonden: {code}", str(n))
    for error, n in summary.fouten.items():
        table.add_row(f"fout: {error}", str(n))
    console.print(table)
    if summary.onleesbare_regels:
        console.print("Onleesbare regels: " + ", ".join(map(str, summary.onleesbare_regels)))
    rate = summary.verzonden / summary.seconden if summary.seconden else 0.0
    console.print(f"{summary.seconden:.1f} s, {rate:,.0f} berichten per seconde")
    if summary.mislukt:
        raise typer.Exit(1)


def topics(bootstrap_servers: Bootstrap = None) -> None:
    """Create the intake, feedback and dead-letter topics, or update their settings."""
    from streaming.topics import ensure_topics, topic_specs

    settings = _settings(bootstrap_servers=bootstrap_servers)
    done = ensure_topics(settings)
    table = Table(title="Kafka topics", title_justify="left")
    for column in ("topic", "partities", "replicatie", "bewaartermijn (dagen)", "resultaat"):
        table.add_column(column, overflow="fold")
    for spec in topic_specs(settings):
        days = int(spec.configs["retention.ms"]) // (24 * 3600 * 1000)
        table.add_row(spec.name, str(spec.partitions), str(spec.replication_factor), str(days),
                      done.get(spec.name, "?"))
    console.print(table)
    short = [name for name, result in done.items() if result == "te-weinig-partities"]
    if short:
        console.print(
            "Te weinig partities: " + ", ".join(short) + " (zie docs/streaming.md, "
            "'Changing partitions')"
        )
        raise typer.Exit(1)


def terugkoppeling(
    bootstrap_servers: Bootstrap = None,
    topic: Annotated[str | None, typer.Option(help="Feedback topic")] = None,
) -> None:
    """Send the creditor feedback of workers' moves still in the outbox (pick-up, closing)
    to the feedback topic; run it on a schedule next to the API (ADR 0016)."""
    from streaming.case_feedback import send_outbox
    from vroegsignaal.config import get_settings

    s = _settings(bootstrap_servers=bootstrap_servers, feedback_topic=topic)
    sent = send_outbox(s, get_settings().database_url, client="terugkoppeling")
    typer.echo(f"{sent} terugkoppelingen verstuurd naar {s.feedback_topic}")
