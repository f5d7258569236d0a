# SPDX-License-Identifier: EUPL-1.2
"""A small world for the worker flow in the browser: a team with two workers and a
teamleider in Utrecht, a worker of another municipality, a creditor with a web account,
and households whose signals come in through the real intake.

Every world has its own team, werkbakje and postcode area (PC4), so the tests that share
one served app do not see each other's zaken in their werkbakje.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from vroegsignaal.cases.werkvoorraad import WerkvoorraadFilter

from tests.accounts import OPERATOR, PASSWORD, TestAccount, make_team
from tests.browser.web import account, unique
from tests.factories import signaal
from vroegsignaal.accounts import creditors, users
from vroegsignaal.accounts.principal import UserRole, load_principal
from vroegsignaal.cases import werkbakjes
from vroegsignaal.config import get_settings
from vroegsignaal.dates import today, utc_now
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.storage.db import session_scope

# Utrecht's PC4 areas (all in GM0344), one per world.
_PC4 = itertools.cycle(["3581", "3582", "3583", "3584", "3585", "3531", "3532", "3533"])


@dataclass
class World:
    database_url: str
    pc4: str
    creditor: str
    worker: TestAccount
    colleague: TestAccount
    teamleider: TestAccount
    outsider: TestAccount
    creditor_user: TestAccount
    werkbakje: str
    team_id: int
    zaken: dict[str, int] = field(default_factory=dict)  # household name -> zaak id
    signal_ids: dict[str, list[str]] = field(default_factory=dict)


def _with_phone(database_url: str, who: TestAccount, phone: str, email: str) -> None:
    with session_scope(database_url) as session:
        users.update_user(session, OPERATOR, who.id, telefoon=phone, email=email)


def build(database_url: str) -> World:
    """Accounts, a team with a werkbakje "Buurtteam <pc4>" (that PC4 area only), a creditor."""
    pc4 = next(_PC4) + ""
    worker = account(database_url, "werker", UserRole.SCHULDHULPVERLENER)
    colleague = account(database_url, "collega", UserRole.SCHULDHULPVERLENER)
    teamleider = account(database_url, "teamleider", UserRole.TEAMLEIDER)
    outsider = account(database_url, "zwolle", UserRole.SCHULDHULPVERLENER,
                       gemeentecode="GM0193")
    _with_phone(database_url, worker, "030 286 00 17", "s.werker@utrecht.example")
    team_id = make_team(database_url, unique("Vroeg Eropaf "), ["GM0344"],
                        [worker.id, colleague.id, teamleider.id])
    make_team(database_url, unique("Vroeg Eropaf Zwolle "), ["GM0193"], [outsider.id])
    code = unique("WBV-")
    tray = f"Buurtteam {pc4}"
    with session_scope(database_url) as session:
        creditors.register(session, OPERATOR, code=code, naam=f"Woningcorporatie {code}",
                           signaalpartner="Huur", now=utc_now())
        view = users.create_user(session, OPERATOR, gebruikersnaam=unique("wbv"),
                                 weergavenaam="Wim Woning", gemeentecode=None,
                                 password=PASSWORD, schuldeiser=code, now=utc_now())
        secret = users.assign_totp(session, OPERATOR, view.id, settings=get_settings())
        leader = load_principal(session, teamleider.id)
        assert leader is not None
        werkbakjes.create_tray(session, leader, team_id=team_id, naam=tray,
                               filters=WerkvoorraadFilter(pc4Van=pc4, pc4Tot=pc4))
    return World(database_url, pc4, code, worker, colleague, teamleider, outsider,
                 TestAccount(view.id, view.gebruikersnaam, PASSWORD, secret), tray, team_id)


def household(
    world: World, name: str, number: int, *signals: dict[str, Any], initials: str = "J."
) -> int:
    """Signals of one household (same address) through the real intake; its zaak id."""
    day = today()
    messages = []
    for extra in signals or ({},):
        msg = signaal(
            schuldeiser=world.creditor, signaaldatum=day - dt.timedelta(days=2),
            ontstaansdatum=day - dt.timedelta(days=47), klantreferentie=unique("K-"),
            client__voorletters=initials, client__voorvoegsel=None, client__achternaam=name,
            client__postcode=f"{world.pc4} AB", client__huisnummer=str(number),
            client__straatnaam="Proefstraat", client__woonplaats="Utrecht",
            client__huisnummertoevoeging=None, **extra)
        messages.append(msg)
    with session_scope(world.database_url) as session:
        result = run_intake(messages, session=session, source="test", ontvangen_op=day)
    zaak_ids = {o.zaak_id for o in result.outcomes}
    assert len(zaak_ids) == 1 and None not in zaak_ids, result.outcomes
    zaak_id = zaak_ids.pop()
    assert zaak_id is not None
    world.zaken[name] = zaak_id
    world.signal_ids[name] = [m["signaalId"] for m in messages]
    return zaak_id
