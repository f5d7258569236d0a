# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal generate | ingest | demo`: synthetic data and file intake."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console()
DEMO_GEMEENTEN = ("GM0344", "GM0193", "GM0080", "GM0153")  # Utrecht, Zwolle, Leeuwarden, Enschede
DEMO_DATABASE = "var/vroegsignaal.sqlite3"


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def _parse_ontvangst(value: str | None) -> dt.date | str | None:
    if value is None or value == "signaaldatum":
        return value
    return dt.date.fromisoformat(value)


def _track(items: Iterable[dict[str, Any]], progress: Progress, task: Any) -> Iterator[dict]:
    for item in items:
        progress.advance(task)
        yield item


def generate(
    gemeente: Annotated[list[str], typer.Option("--gemeente", "-g", help="CBS code, repeatable")],
    out: Annotated[
        Path | None, typer.Argument(help="Output file, .jsonl or .csv (or use --inbox)")
    ] = None,
    start: Annotated[str, typer.Option(help="First month, YYYY-MM-DD")] = "2025-01-01",
    maanden: Annotated[int, typer.Option(help="Number of months")] = 12,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same file")] = 1,
    schaal: Annotated[float, typer.Option(help="Multiply the calibrated rate")] = 1.0,
    inbox: Annotated[
        Path | None,
        typer.Option(
            help="Batch inbox: one file per schuldeiser in INBOX/<schuldeiser>/, as creditors "
            "deliver (docs/batch-intake.md)"
        ),
    ] = None,
    formaat: Annotated[str, typer.Option(help="File format with --inbox: csv or jsonl")] = "csv",
    met_fouten: Annotated[
        bool,
        typer.Option(
            "--met-fouten",
            help="With --inbox: keep the generator's invalid rows and unknown columns "
            "(about 0.5%); without it every row passes the batch-file checks",
        ),
    ] = False,
) -> None:
    """Generate synthetic signals in the contract format (never real personal data)."""
    from synthetic import generate_signals
    from vroegsignaal.contract.io import write_csv, write_jsonl

    if (out is None) == (inbox is None):
        raise typer.BadParameter("give an output file or --inbox, not both", param_hint="OUT")
    if formaat not in ("csv", "jsonl"):
        raise typer.BadParameter("csv or jsonl", param_hint="--formaat")
    records = generate_signals(
        gemeenten=gemeente,
        start=dt.date.fromisoformat(start),
        months=maanden,
        seed=seed,
        scale=schaal,
        config=None if out is not None or met_fouten else _clean_config(),
    )
    if inbox is not None:
        name = f"signalen-{start[:7]}-{maanden}m-seed{seed}.{formaat}"
        _write_inbox(inbox, name, records)
        return
    assert out is not None
    writer = write_csv if out.suffix.lower() == ".csv" else write_jsonl
    out.parent.mkdir(parents=True, exist_ok=True)
    with _progress() as progress:
        task = progress.add_task("genereren", total=None)
        n = writer(out, _track(records, progress, task))
    console.print(f"{n} signalen geschreven naar {out}")


def _clean_config() -> Any:
    """The calibrated generator without its deliberate defects: no invalid messages, no
    columns outside the data set (objections stay: they are valid messages)."""
    from dataclasses import replace

    from synthetic import GeneratorConfig

    return replace(GeneratorConfig(), kans_ongeldig=0.0, kans_onbekend_veld=0.0)


def _write_inbox(inbox: Path, name: str, records: Iterable[dict[str, Any]]) -> None:
    """One file per schuldeiser: <inbox>/<schuldeiser>/<name>, written under a hidden
    temporary name and renamed when complete, as the inbox expects (it skips both)."""
    from vroegsignaal.contract.io import write_csv, write_jsonl

    per_creditor: dict[str, list[dict[str, Any]]] = {}
    with _progress() as progress:
        task = progress.add_task("genereren", total=None)
        for record in _track(records, progress, task):
            per_creditor.setdefault(str(record.get("schuldeiser") or "ONBEKEND"), []).append(
                record
            )
    writer = write_csv if name.endswith(".csv") else write_jsonl
    table = Table(title=f"Geleverd in {inbox}", title_justify="left")
    table.add_column("schuldeiser")
    table.add_column("signalen", justify="right")
    for code, rows in sorted(per_creditor.items()):
        folder = inbox / code
        folder.mkdir(parents=True, exist_ok=True)
        part = folder / f".{name}.part"
        writer(part, rows)
        part.rename(folder / name)
        table.add_row(code, str(len(rows)))
    console.print(table)


def ingest(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=".jsonl or .csv")],
    schuldeiser: Annotated[
        str | None,
        typer.Option(help="The schuldeiser that delivered the file: the batch-file rule applies"),
    ] = None,
    zonder_bestandscontrole: Annotated[
        bool,
        typer.Option(
            "--zonder-bestandscontrole",
            help="Skip the batch-file rule and the own-creditor rule: a file of many "
            "schuldeisers taken in on the municipality's own authority (backfills, demo)",
        ),
    ] = False,
    rapport: Annotated[
        Path | None, typer.Option(help="Folder for the validation report (default FILE.rapport)")
    ] = None,
    bron: Annotated[str, typer.Option(help="Source label stored with each signal")] = "bestand",
    ontvangen_op: Annotated[
        str | None,
        typer.Option(help="Receipt date YYYY-MM-DD, or 'signaaldatum' to replay history"),
    ] = None,
    batch_size: Annotated[int | None, typer.Option(help="Signals per transaction")] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes (default: VROEGSIGNAAL_BATCH_WORKERS; 1 on SQLite)"),
    ] = None,
) -> None:
    """Ingest a signal file through the intake pipeline and print a summary.

    Every line of the file is accounted for: stored, refused (named with its line number
    and reason), already received, or ignored as blank; the summary adds them up to the
    file's line count.

    Exit codes: 0 at least one signal was taken in (stored now or before); 1 the file was
    refused whole (no header, another separator than a comma, not UTF-8); 2 wrong usage;
    3 the file was read but no signal in it was taken in (every record refused).

    With --schuldeiser the file goes through the same rule as a delivered batch file
    (docs/batch-intake.md): every row is validated first, and the file is ingested (its
    valid rows) or quarantined whole; exit code 1 when quarantined.
    """
    from batch.files import SUFFIXES

    if file.suffix.lower() not in SUFFIXES:
        raise typer.BadParameter(
            f"{file.name}: use one of {', '.join(SUFFIXES)}", param_hint="FILE"
        )
    named = schuldeiser is not None
    if named is zonder_bestandscontrole:  # neither, or both
        raise typer.BadParameter(
            "name the schuldeiser that delivered the file (--schuldeiser CODE), or skip the "
            "batch-file rule explicitly (--zonder-bestandscontrole); not both",
            param_hint="--schuldeiser",
        )
    ontvangst = _parse_ontvangst(ontvangen_op)
    if schuldeiser is None:
        summary = _ingest(file, bron, ontvangst, batch_size, workers).as_dict()
    else:
        summary = _ingest_checked(
            file, schuldeiser, rapport or file.with_name(file.name + ".rapport"), ontvangst
        )
    _print_summary(summary)
    raise typer.Exit(exit_code(summary))


EXIT_OK, EXIT_FILE_REFUSED, EXIT_NOTHING_TAKEN_IN = 0, 1, 3


def exit_code(summary: dict[str, Any]) -> int:
    """`vroegsignaal ingest`'s exit code for a file's summary (see its help)."""
    if summary.get("bestand_geweigerd"):
        return EXIT_FILE_REFUSED
    if summary["opgeslagen"] + summary["al_ontvangen"] == 0:
        return EXIT_NOTHING_TAKEN_IN
    return EXIT_OK


def _ingest_checked(
    file: Path, schuldeiser: str, report_dir: Path, ontvangst: Any
) -> dict[str, Any]:
    """The batch door's steps without the inbox: check the whole file, then ingest or stop
    (exit code 1 when the batch-file rule quarantines it)."""
    from batch.delivery import check_file, ingest_checked_file

    decision = check_file(file, schuldeiser=schuldeiser, run="cli", report_dir=report_dir)
    console.print(
        f"Bestandscontrole: {decision['besluit']} ({decision['grond']}), "
        f"{decision['ongeldige_regels']} van {decision['regels']} regels ongeldig; "
        f"rapport {report_dir / 'rapport.md'}"
    )
    if decision["besluit"] != "innemen":
        raise typer.Exit(EXIT_FILE_REFUSED)
    with _progress() as progress:
        task = progress.add_task(f"inlezen {file.name}", total=_count_lines(file))
        summary: dict[str, Any] = ingest_checked_file(
            file, report_dir=report_dir, run="cli", ontvangen_op=ontvangst,
            on_progress=lambda n: progress.advance(task, n),
        )
    return summary


def _ingest(
    file: Path, bron: str, ontvangst: Any, batch_size: int | None, workers: int | None = None
) -> Any:
    from batch.files import ingest_file, ingest_file_parallel
    from vroegsignaal.config import get_settings
    from vroegsignaal.storage.db import session_scope

    settings = get_settings()
    workers = settings.file_workers(workers)
    total = _count_lines(file)
    if workers > 1:
        with _progress() as progress:
            task = progress.add_task(f"inlezen {file.name} ({workers} processen)", total=total)
            return ingest_file_parallel(
                file,
                database_url=settings.database_url,
                source=bron,
                workers=workers,
                batch_size=batch_size or settings.batch_size,
                ontvangen_op=ontvangst,
                on_progress=lambda n: progress.advance(task, n),
            )
    with _progress() as progress, session_scope(settings.database_url) as session:
        task = progress.add_task(f"inlezen {file.name}", total=total)
        return ingest_file(
            file,
            session=session,
            source=bron,
            ontvangen_op=ontvangst,
            batch_size=batch_size or settings.batch_size,
            on_batch=lambda r: progress.advance(task, len(r.outcomes)),
        )


def demo(
    gemeente: Annotated[
        list[str] | None, typer.Option("--gemeente", "-g", help="CBS code, repeatable")
    ] = None,
    start: Annotated[str, typer.Option(help="First month")] = "2025-01-01",
    maanden: Annotated[int, typer.Option(help="Months of signals")] = 12,
    seed: Annotated[int, typer.Option(help="Random seed")] = 1,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Then serve the web app until Ctrl-C")
    ] = False,
    port: Annotated[int, typer.Option(help="Port of the web app with --serve")] = 8000,
) -> None:
    """A year of synthetic signals for a few municipalities, ingested on SQLite, summarised;
    with --serve the web app runs on http://127.0.0.1:<port> afterwards."""
    os.environ.setdefault("VROEGSIGNAAL_ENV", "demo")
    os.environ.setdefault("VROEGSIGNAAL_DATABASE_URL", f"sqlite:///{DEMO_DATABASE}")
    from vroegsignaal.config import get_settings
    from vroegsignaal.reference import load_reference
    from vroegsignaal.storage.seed import prepare_database

    get_settings.cache_clear()
    settings = get_settings()
    url = settings.database_url
    if url == f"sqlite:///{DEMO_DATABASE}":
        # The demo database is rebuilt on every run so the figures are reproducible.
        for suffix in ("", "-wal", "-shm"):
            Path(DEMO_DATABASE + suffix).unlink(missing_ok=True)
    prepare_database(url)
    codes = gemeente or list(DEMO_GEMEENTEN)
    ref = load_reference()
    console.print(
        "Gemeenten: "
        + ", ".join(f"{ref.gemeenten[c].naam} ({c})" for c in codes)
        + f"; {maanden} maanden vanaf {start}; seed {seed}"
    )
    data_file = Path("var/demo-signalen.jsonl")
    generate(
        gemeente=codes, out=data_file, start=start, maanden=maanden, seed=seed, schaal=1.0,
        inbox=None, formaat="csv", met_fouten=True,
    )
    totals = _ingest(data_file, "demo", "signaaldatum", settings.batch_size)
    summary = totals.as_dict()
    summary["per_zaaktype"] = _case_types(url)
    names = {c: ref.gemeenten[c].naam for c in ref.gemeenten}
    _print_summary(summary, names=names)
    from cli.demo_accounts import create_demo_accounts, print_demo_accounts

    demo_accounts = create_demo_accounts(url, codes, names)
    if demo_accounts is None:
        console.print("Demo-accounts bestaan al in deze database; niet opnieuw gemaakt.")
    else:
        print_demo_accounts(console, *demo_accounts)
    console.print(f"Database: {url} (blijft staan voor de webapplicatie)")
    if serve:
        _serve_demo(port)


def _serve_demo(port: int) -> None:
    """The web app on loopback, one process, until Ctrl-C (the demo's settings)."""
    import uvicorn

    console.print(
        f"\n[bold]Webapplicatie: http://127.0.0.1:{port}[/bold] (meld u aan met een "
        "account hierboven; Ctrl-C stopt)"
    )
    uvicorn.run("api.main:create_app", factory=True, host="127.0.0.1", port=port,
                workers=1, server_header=False, access_log=False, log_level="warning")


def _case_types(url: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from vroegsignaal.storage.db import session_scope
    from vroegsignaal.storage.tables import Zaak

    with session_scope(url) as session:
        rows = session.execute(select(Zaak.zaaktype, func.count()).group_by(Zaak.zaaktype))
        return {t: n for t, n in sorted(rows, key=lambda r: -r[1])}


def _print_lines(summary: dict[str, Any]) -> None:
    """Where every line of the file went, and the refused ones by line number."""
    from vroegsignaal.contract.codes import uitleg

    if summary.get("bestand_geweigerd"):
        code = summary["bestand_geweigerd"]
        console.print(f"\n[bold]Bestand geweigerd ({code})[/bold]: {uitleg(code)}")
    regels = summary.get("regels") or {}
    if regels:
        console.print(
            f"\nRegels in het bestand: {regels['regels']} = kopregel {regels['kopregels']} + "
            f"opgeslagen {summary['opgeslagen']} + geweigerd {summary['geweigerd']} + "
            f"al eerder ontvangen {summary['al_ontvangen']} + lege regels genegeerd "
            f"{regels['genegeerd_leeg']} + vervolgregels {regels['vervolgregels']}"
            + (" (het hele bestand is geweigerd)" if regels.get("bestand_geweigerd") else "")
        )
    refused = summary.get("geweigerde_regels") or []
    if refused:
        table = Table(title="Geweigerde regels", title_justify="left")
        table.add_column("regel", justify="right")
        table.add_column("reden")
        table.add_column("fouten")
        for r in refused[:50]:
            table.add_row(str(r["regel"]), r["reden"], ", ".join(str(f) for f in r["fouten"]))
        console.print(table)
        if summary["geweigerd"] > len(refused[:50]):
            console.print(f"... en nog {summary['geweigerd'] - len(refused[:50])} geweigerd")


def _print_summary(summary: dict[str, Any], names: dict[str, str] | None = None) -> None:
    from vroegsignaal.intake.reason_codes import ReasonCode

    names = names or {}
    console.print(
        f"\nOntvangen: {summary['ontvangen']}  opgepakt: {summary['opgepakt']}  "
        f"nieuwe zaken: {summary['nieuwe_zaken']}  batches: {summary['batches']}"
    )
    _print_lines(summary)
    tables = [
        (
            "Per gemeente (opgeslagen signalen)",
            "per_gemeente",
            lambda k: f"{names.get(k, k)} ({k})",
        ),
        ("Per signaalpartner", "per_signaalpartner", str),
        ("Per reden", "per_reden", lambda k: f"{k}: {ReasonCode(k).dutch}"),
        ("Verwijderde velden (niet opgeslagen)", "verwijderde_velden", str),
        ("Zaken per zaaktype", "per_zaaktype", str),
    ]
    for title, key, label in tables:
        if not summary.get(key):
            continue
        table = Table(title=title, title_justify="left")
        table.add_column("")
        table.add_column("aantal", justify="right")
        for k, v in summary[key].items():
            table.add_row(label(k), str(v))
        console.print(table)
