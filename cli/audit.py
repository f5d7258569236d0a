# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal audit ...`: check the audit trail's hash chain; who looked at a household."""

from __future__ import annotations

import typer

from vroegsignaal.config import get_settings

app = typer.Typer(help="The audit trail: verify its chain, answer who looked.",
                  no_args_is_help=True)


@app.command("verify")
def verify() -> None:
    """Recompute the hash chain; exit 1 at the first changed, removed or foreign row.

    Prints the chain's head (sequence number and hash): keep it outside the database to
    detect a removed tail later (docs/privacy.md)."""
    from vroegsignaal.audit.log import verify as do_verify
    from vroegsignaal.storage.db import session_scope

    with session_scope(get_settings().database_url) as session:
        report = do_verify(session)
    if report.ok:
        typer.echo(f"auditlog in orde: {report.checked} regels; kop {report.head_volgnummer} "
                   f"{report.head_hash}")
        return
    typer.echo(f"auditlog NIET in orde: {report.fout} bij volgnummer {report.volgnummer} "
               f"(na {report.checked} goede regels)")
    raise typer.Exit(1)


@app.command("wie-keek")
def who_looked(
    zaak: int | None = typer.Option(None, "--zaak", help="Zaak id."),
    huishouden: str | None = typer.Option(None, "--huishouden",
                                          help="Pseudonymous household key (32 hex)."),
) -> None:
    """Every logged action on a zaak or household: when, who (id and roles), what, why."""
    from vroegsignaal.audit.log import who_looked as query
    from vroegsignaal.storage.db import session_scope

    if zaak is None and huishouden is None:
        raise typer.BadParameter("noem --zaak of --huishouden")
    with session_scope(get_settings().database_url) as session:
        rows = query(session, zaak_id=zaak, huishouden_sleutel=huishouden)
    for r in rows:
        typer.echo(f"{r.tijdstip.isoformat()}  {r.actor:<16} {r.rollen:<30} {r.actie:<24} "
                   f"{r.doel:<30} {r.resultaat:<9} zaak={r.zaak_id} verzoek={r.trace_id}")
    typer.echo(f"{len(rows)} regels")
