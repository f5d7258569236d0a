# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal export-ddas` and `vroegsignaal kpi refresh`: the command-line doors to the
DDAS delivery (vroegsignaal/ddas/) and the KPI refresh (vroegsignaal/kpi/)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="KPI's voor managers: ververs de cijfers.", no_args_is_help=True)


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        message = f"{text!r} is geen datum (JJJJ-MM-DD)"
        raise typer.BadParameter(message, param_hint=option) from None


def export_ddas(
    gemeente: Annotated[str, typer.Option("--gemeente", help="CBS-code, bv. GM0363")],
    van: Annotated[str, typer.Option("--van", help="Eerste dag van de periode (JJJJ-MM-DD)")],
    tot: Annotated[str, typer.Option("--tot", help="Laatste dag van de periode (JJJJ-MM-DD)")],
    out: Annotated[Path, typer.Option("--out", help="Het DDAS-bestand (JSON) dat ontstaat")],
) -> None:
    """Write the DDAS v1.2 delivery of a municipality over a period to OUT, validated
    against the exchange model; the validation report goes next to it (OUT.rapport.json).
    An invalid delivery writes no file and exits with code 1."""
    from vroegsignaal.config import get_settings
    from vroegsignaal.ddas.delivery import DeliveryInvalid, DeliverySpec
    from vroegsignaal.ddas.status import export_file
    from vroegsignaal.storage.db import session_scope

    spec = DeliverySpec(gemeente, _date(van, "--van"), _date(tot, "--tot"))
    report_path = out.with_name(out.name + ".rapport.json")
    with session_scope(get_settings().database_url) as session:
        try:
            report = export_file(session, spec, out)
        except DeliveryInvalid as exc:
            typer.echo(f"ongeldige levering: {exc.report.problem_count} schendingen; "
                       f"zie {report_path}; geen bestand geschreven", err=True)
            raise typer.Exit(1) from None
    typer.echo(f"{out}: {report.vroegsignalen} vroegsignalen, {report.vroegsignaalzaken} "
               f"vroegsignaalzaken, geldig volgens DDAS v1.2")


@app.command("refresh")
def refresh(
    jaar: Annotated[int | None, typer.Option(help="Kalenderjaar (standaard: dit jaar)")] = None,
    peildatum: Annotated[str | None, typer.Option(help="'Vandaag' (JJJJ-MM-DD)")] = None,
) -> None:
    """Rebuild the KPI counts of a year and publish them with small-cell protection."""
    from vroegsignaal.config import get_settings
    from vroegsignaal.dates import today
    from vroegsignaal.kpi.publish import refresh_kpis
    from vroegsignaal.storage.db import session_scope

    day = _date(peildatum, "--peildatum") if peildatum else today()
    with session_scope(get_settings().database_url) as session:
        report = refresh_kpis(session, jaar=jaar or day.year, peildatum=day)
    typer.echo(f"{report.units} eenheden, {report.cells} cellen gepubliceerd, "
               f"{report.withheld} afgeschermd")


@app.command("rapport")
def report(
    gemeente: Annotated[str, typer.Option("--gemeente", help="CBS-code, bv. GM0344")],
    out: Annotated[Path, typer.Option("--out", help="Het PDF-bestand dat ontstaat")],
    jaar: Annotated[int | None, typer.Option(
        help="Kalenderjaar (standaard: dat van vorige maand)")] = None,
    maand: Annotated[int | None, typer.Option(
        min=0, max=12, help="1-12, of 0 voor het hele jaar (standaard: vorige maand; met "
        "alleen --jaar het hele jaar)")] = None,
) -> None:
    """Write the monthly report of a municipality as PDF (the dashboard's published,
    protected figures in the municipality's theme) for the college and the council."""
    from vroegsignaal.accounts.principal import SYSTEM
    from vroegsignaal.config import get_settings
    from vroegsignaal.dates import add_months, today
    from vroegsignaal.kpi.dashboard import Filter
    from vroegsignaal.kpi.report import report_pdf
    from vroegsignaal.storage.db import session_scope

    last = add_months(today().replace(day=1), -1)
    if maand is None:
        maand = 0 if jaar else last.month
    flt = Filter(jaar or last.year, maand)
    with session_scope(get_settings().database_url) as session:
        pdf = report_pdf(session, SYSTEM, gemeente, flt)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    typer.echo(f"{out}: maandrapport {gemeente} {flt.period}")
