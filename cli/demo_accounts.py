# SPDX-License-Identifier: EUPL-1.2
"""Demo accounts for `make demo`: one of each kind, for the demo municipalities.

Made through the core's administration functions (audited, as the operator would), with
fresh random passwords on every run (the demo database is rebuilt each time), printed
once. Accounts that need TOTP (admins always; everyone when VROEGSIGNAAL_TOTP_REQUIRED is
on) get a secret, printed with its otpauth URI and the code of this moment.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from rich.console import Console

from cli.users import OPERATOR
from vroegsignaal.accounts.principal import UserRole

DEMO_CREDITOR = ("WBV-WOONGOED", "Woningcorporatie Woongoed (fictief)", "Huur")
# Demo themes (fictional colours, each checked for WCAG contrast by the core) and debt-help
# contact details in the reserved example ranges: the web app shows one per municipality.
DEMO_THEMES = (
    ("#1f4e79", "#ffffff", "#1a5c96"),
    ("#7a1f3d", "#ffffff", "#8a1c43"),
    ("#245c2e", "#ffffff", "#1f6b2c"),
    ("#4a3c8c", "#ffffff", "#4a3c8c"),
)


@dataclass(frozen=True)
class DemoAccount:
    gebruikersnaam: str
    rol: str
    gemeenten: str
    wachtwoord: str
    totp_secret: str | None


def create_demo_accounts(
    url: str, codes: list[str], names: dict[str, str]
) -> tuple[list[DemoAccount], tuple[str, str]]:
    """Teams, users and a creditor key for the municipalities `codes` (at least one).

    The worker and the teamleider belong to a regional team serving the second and third
    municipality (or the first, when there is only one): the worker serves two.
    Returns the accounts and (creditor code, API key).
    """
    from vroegsignaal.accounts import api_keys, creditors, teams, users
    from vroegsignaal.config import get_settings
    from vroegsignaal.dates import utc_now
    from vroegsignaal.storage.db import session_scope
    from vroegsignaal.storage.tables import SchuldeiserOrganisatie

    settings = get_settings()
    home = codes[0]
    region = codes[1:3] or codes[:1]
    region_name = "Regioteam " + " en ".join(names.get(c, c) for c in region)
    plan = [
        ("werker", "Sanne Schuldhulp", UserRole.SCHULDHULPVERLENER, None, True),
        ("teamleider", "Tom Teamleider", UserRole.TEAMLEIDER, None, True),
        ("manager", "Mila Manager", UserRole.MANAGER, home, False),
        ("beheerder", "Bas Beheer", UserRole.ADMIN, home, False),
    ]
    made: list[DemoAccount] = []
    now = utc_now()
    with session_scope(url) as session:
        if session.get(SchuldeiserOrganisatie, DEMO_CREDITOR[0]) is not None:
            return None
        team = teams.create_team(session, OPERATOR, naam=region_name, gemeenten=region, now=now)
        teams.create_team(
            session,
            OPERATOR,
            naam=f"Vroeg Eropaf {names.get(home, home)}",
            gemeenten=[home],
            now=now,
        )
        for naam, weergave, role, gemeente, in_region in plan:
            password = secrets.token_urlsafe(12)
            view = users.create_user(
                session,
                OPERATOR,
                gebruikersnaam=naam,
                weergavenaam=weergave,
                gemeentecode=gemeente,
                password=password,
                now=now,
            )
            users.grant_role(session, OPERATOR, view.id, role)
            if in_region:
                teams.add_member(session, OPERATOR, team.id, view.id)
            secret = None
            if role is UserRole.ADMIN or settings.totp_required_for_all:
                secret = users.assign_totp(session, OPERATOR, view.id, settings=settings)
            served = region if in_region else [gemeente or home]
            made.append(
                DemoAccount(
                    naam, role.value, ", ".join(names.get(c, c) for c in served), password, secret
                )
            )
        code, org_name, partner = DEMO_CREDITOR
        creditors.register(
            session, OPERATOR, code=code, naam=org_name, signaalpartner=partner, now=now
        )
        key = api_keys.create_key(session, OPERATOR, code, now=now).key
        password = secrets.token_urlsafe(12)
        view = users.create_user(
            session, OPERATOR, gebruikersnaam="verhuurder", weergavenaam="Vera Verhuur",
            gemeentecode=None, password=password, schuldeiser=code, now=now)
        secret = users.assign_totp(session, OPERATOR, view.id, settings=settings)
        made.append(DemoAccount("verhuurder", f"schuldeiser {code}", "aanleverpagina",
                                password, secret))
        _demo_themes(session, codes, names, now)
    return made, (code, key)


def _demo_themes(session: object, codes: list[str], names: dict[str, str], now: object) -> None:
    from vroegsignaal.themes import ThemeInput, set_theme

    for index, gemeente in enumerate(codes):
        primary, text, link = DEMO_THEMES[index % len(DEMO_THEMES)]
        set_theme(session, OPERATOR, gemeente, ThemeInput(  # type: ignore[arg-type]
            weergavenaam=f"Gemeente {names.get(gemeente, gemeente)}", kleur_primair=primary,
            kleur_primair_tekst=text, kleur_link=link,
            schuldhulp_telefoon=f"030 {700 + index} 00 00",
            schuldhulp_email=f"schuldhulp@{gemeente.lower()}.gemeente.example",
            schuldhulp_website=f"https://{gemeente.lower()}.gemeente.example/schuldhulp",
            schuldhulp_adres="Stadhuisplein 1"), now=now)  # type: ignore[arg-type]


def print_demo_accounts(
    console: Console, accounts: list[DemoAccount], creditor: tuple[str, str]
) -> None:
    """One line per account (no table: a password must never be cut off)."""
    from vroegsignaal.accounts.totp import code_at, provisioning_uri
    from vroegsignaal.dates import utc_now

    console.print("\n[bold]Demo-accounts[/bold] (wachtwoorden eenmalig getoond)")
    for a in accounts:
        console.print(
            f"  {a.gebruikersnaam} ({a.rol}; {a.gemeenten}): wachtwoord {a.wachtwoord}",
            soft_wrap=True,
        )
        if a.totp_secret:
            console.print(
                f"    TOTP-geheim {a.totp_secret} (code nu: {code_at(a.totp_secret, utc_now())})"
                f"\n    {provisioning_uri(a.totp_secret, a.gebruikersnaam)}",
                soft_wrap=True,
            )
    code, key = creditor
    console.print(f"  schuldeiser {code}: API-sleutel (header X-Api-Key) {key}", soft_wrap=True)
