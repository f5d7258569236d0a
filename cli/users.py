# SPDX-License-Identifier: EUPL-1.2
"""`vroegsignaal users ...`: accounts, roles, teams and logins from the command line.

The operator acts as the system (`beheer-cli` in the audit trail), not limited to
municipalities: whoever runs this has the database and the keys already. The rules are
the core's (vroegsignaal/accounts/users.py, teams.py); every change is audited.
"""

from __future__ import annotations

import secrets
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from vroegsignaal.accounts.principal import SystemPrincipal, UserRole

app = typer.Typer(help="Users, roles, teams and logins.", no_args_is_help=True)
console = Console()
OPERATOR = SystemPrincipal(naam="beheer-cli")

PasswordStdin = Annotated[
    bool, typer.Option("--wachtwoord-stdin", help="Read the password from standard input")
]
GeneratePassword = Annotated[
    bool, typer.Option("--genereer-wachtwoord", help="Make a random password and print it once")
]


def _password(from_stdin: bool, generate: bool, *, required: bool) -> str | None:
    if from_stdin and generate:
        raise typer.BadParameter("--wachtwoord-stdin or --genereer-wachtwoord, not both")
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if generate:
        password = secrets.token_urlsafe(15)
        console.print(f"Wachtwoord (eenmalig getoond): [bold]{password}[/bold]")
        return password
    if required:
        return str(typer.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True))
    return None


def run_admin(action):  # type: ignore[no-untyped-def]
    """Run `action(session)` in a session; domain errors become a clear exit."""
    from vroegsignaal.config import get_settings
    from vroegsignaal.errors import VroegsignaalError
    from vroegsignaal.storage.db import session_scope

    with session_scope(get_settings().database_url) as session:
        try:
            return action(session)
        except VroegsignaalError as exc:
            console.print(f"[red]{exc.code}[/red]: {exc.detail}")
            raise typer.Exit(1) from exc


def _id(session, naam: str) -> int:  # type: ignore[no-untyped-def]
    from vroegsignaal.accounts import users

    return users.find_by_name(session, OPERATOR, naam).id


def _show(view) -> None:  # type: ignore[no-untyped-def]
    roles = ", ".join(f"{r} ({b})" for r, b in sorted(view.rollen.items())) or "geen"
    console.print(
        f"{view.gebruikersnaam} (id {view.id}): rollen {roles}; "
        f"gemeenten {', '.join(sorted(view.gemeenten)) or 'geen'}; "
        f"{'actief' if view.actief else 'gedeactiveerd'}; TOTP {'ja' if view.totp else 'nee'}"
    )


@app.command("create")
def create(
    naam: Annotated[str, typer.Argument(help="User name (lower case)")],
    weergavenaam: Annotated[str, typer.Option(help="Display name")] = "",
    gemeente: Annotated[str | None, typer.Option("--gemeente", "-g", help="Own CBS code")] = None,
    rol: Annotated[list[UserRole] | None, typer.Option("--rol", help="Role, repeatable")] = None,
    email: Annotated[str | None, typer.Option(help="Work e-mail")] = None,
    wachtwoord_stdin: PasswordStdin = False,
    genereer_wachtwoord: GeneratePassword = False,
    totp: Annotated[bool, typer.Option("--totp", help="Set up TOTP now and print it")] = False,
) -> None:
    """Create a user; without a password option the account logs in through OIDC only."""
    from vroegsignaal.accounts import users
    from vroegsignaal.config import get_settings
    from vroegsignaal.dates import utc_now

    password = _password(wachtwoord_stdin, genereer_wachtwoord, required=False)

    def action(session):  # type: ignore[no-untyped-def]
        view = users.create_user(
            session,
            OPERATOR,
            gebruikersnaam=naam,
            weergavenaam=weergavenaam or naam,
            gemeentecode=gemeente,
            email=email,
            password=password,
            now=utc_now(),
        )
        for role in rol or []:
            view = users.grant_role(session, OPERATOR, view.id, role)
        if totp:
            _print_totp(
                view.gebruikersnaam,
                users.assign_totp(session, OPERATOR, view.id, settings=get_settings()),
            )
            view = users.view(session, users.administered_user(session, OPERATOR, view.id))
        return view

    _show(run_admin(action))


def _print_totp(naam: str, secret: str) -> None:
    from vroegsignaal.accounts.totp import provisioning_uri

    console.print(f"TOTP-geheim voor {naam} (eenmalig getoond): [bold]{secret}[/bold]")
    console.print(f"  {provisioning_uri(secret, naam)}")


@app.command("list")
def list_users() -> None:
    """Every user with roles, municipalities and login state."""
    from vroegsignaal.accounts import users

    views = run_admin(lambda session: users.list_users(session, OPERATOR))
    table = Table("id", "gebruikersnaam", "rollen", "gemeenten", "actief", "TOTP", "OIDC")
    for v in views:
        table.add_row(
            str(v.id),
            v.gebruikersnaam,
            ", ".join(sorted(v.rollen)),
            ", ".join(sorted(v.gemeenten)),
            "ja" if v.actief else "nee",
            "ja" if v.totp else "nee",
            "ja" if v.oidc else "nee",
        )
    console.print(table)


@app.command("grant")
def grant(naam: str, rol: UserRole) -> None:
    """Grant ROLE to a user."""
    from vroegsignaal.accounts import users

    _show(run_admin(lambda s: users.grant_role(s, OPERATOR, _id(s, naam), rol)))


@app.command("revoke")
def revoke(naam: str, rol: UserRole) -> None:
    """Take ROLE away from a user."""
    from vroegsignaal.accounts import users

    _show(run_admin(lambda s: users.revoke_role(s, OPERATOR, _id(s, naam), rol)))


@app.command("deactivate")
def deactivate(naam: str) -> None:
    """Deactivate a user; their sessions end at once."""
    from vroegsignaal.accounts import users

    _show(run_admin(lambda s: users.set_active(s, OPERATOR, _id(s, naam), False)))


@app.command("activate")
def activate(naam: str) -> None:
    """Reactivate a user."""
    from vroegsignaal.accounts import users

    _show(run_admin(lambda s: users.set_active(s, OPERATOR, _id(s, naam), True)))


@app.command("set-password")
def set_password(
    naam: str,
    wachtwoord_stdin: PasswordStdin = False,
    genereer_wachtwoord: GeneratePassword = False,
) -> None:
    """Set a new password (prompted unless an option says otherwise); sessions end."""
    from vroegsignaal.accounts import users

    password = _password(wachtwoord_stdin, genereer_wachtwoord, required=True)
    assert password is not None
    _show(run_admin(lambda s: users.set_password(s, OPERATOR, _id(s, naam), password)))


@app.command("reset-totp")
def reset_totp(naam: str) -> None:
    """Remove the second factor; the next password login sets up a new one."""
    from vroegsignaal.accounts import users

    _show(run_admin(lambda s: users.reset_totp(s, OPERATOR, _id(s, naam))))


@app.command("unlock")
def unlock(naam: str) -> None:
    """Lift a login block after repeated failures."""
    from vroegsignaal.accounts import users
    from vroegsignaal.config import get_settings

    _show(run_admin(lambda s: users.unlock(s, OPERATOR, _id(s, naam), settings=get_settings())))


@app.command("team-create")
def team_create(
    naam: str,
    gemeente: Annotated[list[str], typer.Option("--gemeente", "-g", help="CBS code, repeatable")],
) -> None:
    """Create a team serving one or more municipalities."""
    from vroegsignaal.accounts import teams
    from vroegsignaal.dates import utc_now

    view = run_admin(
        lambda s: teams.create_team(s, OPERATOR, naam=naam, gemeenten=gemeente, now=utc_now())
    )
    console.print(f"team {view.naam} (id {view.id}): {', '.join(sorted(view.gemeenten))}")


@app.command("team-add")
def team_add(team_id: int, naam: str) -> None:
    """Make a user a member of team TEAM_ID."""
    from vroegsignaal.accounts import teams

    run_admin(lambda s: teams.add_member(s, OPERATOR, team_id, _id(s, naam)))
    console.print(f"{naam} is lid van team {team_id}")
