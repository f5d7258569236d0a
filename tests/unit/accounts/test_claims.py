# SPDX-License-Identifier: EUPL-1.2
"""Claims to rights: the mapping by configuration, and what each OIDC login replaces."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from vroegsignaal.accounts.claims import ClaimMapping, map_claims
from vroegsignaal.accounts.oidc import sync_account
from vroegsignaal.accounts.principal import UserRole, load_principal
from vroegsignaal.config import ConfigurationError, Settings
from vroegsignaal.storage.tables import GebruikerRol, Team, TeamGemeente, TeamLid

NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
ISSUER = "https://idp.gemeente.example/realms/medewerkers"


def _mapping(**settings: object) -> ClaimMapping:
    return ClaimMapping.from_settings(Settings(env="development", **settings))  # type: ignore[arg-type]


def _claims(**extra: object) -> dict[str, object]:
    return {"iss": ISSUER, "sub": "abc-123", "preferred_username": "j.jansen", **extra}


def test_default_mapping_takes_role_names_as_they_are() -> None:
    mapped = map_claims(
        {
            "vroegsignaal_rollen": ["teamleider", "koffiezetter"],
            "vroegsignaal_gemeenten": ["gm0344"],
        },
        _mapping(),
    )
    assert mapped.roles == {UserRole.TEAMLEIDER}
    assert mapped.gemeenten == {"GM0344"}
    assert mapped.unmapped == 1


def test_municipality_maps_its_own_claim_names_and_values() -> None:
    mapping = _mapping(
        oidc_roles_claim="groups",
        oidc_role_map={"/Sociaal Domein/SHV": "schuldhulpverlener"},
        oidc_municipalities_claim="gemeente",
        oidc_team_claim="afdeling",
        oidc_team_map={"VE-Noord": "Vroeg Eropaf Noord"},
    )
    mapped = map_claims(
        {
            "groups": ["/Sociaal Domein/SHV", "/Iedereen"],
            "gemeente": "GM0344",
            "afdeling": "VE-Noord",
        },
        mapping,
    )
    assert mapped.roles == {UserRole.SCHULDHULPVERLENER}
    assert mapped.gemeenten == {"GM0344"} and mapped.team == "Vroeg Eropaf Noord"
    nothing = map_claims({"groups": ["schuldhulpverlener"], "afdeling": "Onbekend"}, mapping)
    assert nothing.roles == frozenset() and nothing.team is None and nothing.unmapped == 2


def test_role_map_to_an_unknown_role_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="OIDC_ROLE_MAP"):
        _mapping(oidc_role_map={"x": "superuser"})


def test_a_user_without_claims_gets_an_account_without_rights(session: Session) -> None:
    user, details = sync_account(session, _claims(), map_claims(_claims(), _mapping()), now=NOW)

    principal = load_principal(session, user.id)
    assert principal is not None and principal.roles == frozenset()
    assert principal.gemeenten == frozenset() and user.gebruikersnaam == "j.jansen"
    assert details["nieuw_account"] is True


def test_claims_are_applied_at_every_login_and_admin_grants_stay(session: Session) -> None:
    mapping = _mapping()
    first = _claims(vroegsignaal_rollen=["schuldhulpverlener"], vroegsignaal_gemeenten=["GM0344"])
    user, _ = sync_account(session, first, map_claims(first, mapping), now=NOW)
    session.add(GebruikerRol(gebruiker_id=user.id, rol="manager", bron="beheer"))
    session.flush()

    later = _claims(vroegsignaal_rollen=["teamleider"], vroegsignaal_gemeenten=["GM0193"])
    again, details = sync_account(session, later, map_claims(later, mapping), now=NOW)

    assert again.id == user.id and details["nieuw_account"] is False
    rows = session.execute(
        select(GebruikerRol.rol, GebruikerRol.bron).where(GebruikerRol.gebruiker_id == user.id)
    ).all()
    assert sorted(rows) == [("manager", "beheer"), ("teamleider", "oidc")]
    assert again.gemeentecode == "GM0193"

    gone = _claims()
    sync_account(session, gone, map_claims(gone, mapping), now=NOW)
    principal = load_principal(session, user.id)
    assert principal is not None
    assert principal.roles == {UserRole.MANAGER} and principal.gemeenten == frozenset()


def test_several_municipalities_come_through_the_claimed_team(session: Session) -> None:
    team = Team(naam="regio-zwolle", aangemaakt_op=NOW)
    session.add(team)
    session.flush()
    session.add_all(TeamGemeente(team_id=team.id, gemeentecode=c) for c in ("GM0193", "GM0148"))
    claims = _claims(
        vroegsignaal_rollen=["schuldhulpverlener"],
        vroegsignaal_gemeenten=["GM0193", "GM0148", "GM9999"],
        vroegsignaal_team="regio-zwolle",
    )
    user, details = sync_account(session, claims, map_claims(claims, _mapping()), now=NOW)

    principal = load_principal(session, user.id)
    assert principal is not None and principal.gemeenten == {"GM0193", "GM0148"}
    assert user.gemeentecode is None and details["genegeerd"] == 1  # GM9999 does not exist

    moved = _claims(vroegsignaal_rollen=["schuldhulpverlener"], vroegsignaal_gemeenten=["GM0344"])
    sync_account(session, moved, map_claims(moved, _mapping()), now=NOW)
    assert session.execute(select(TeamLid).where(TeamLid.gebruiker_id == user.id)).first() is None


def test_a_taken_name_gives_the_oidc_account_a_name_of_its_own(session: Session) -> None:
    first, _ = sync_account(session, _claims(), map_claims(_claims(), _mapping()), now=NOW)
    other = _claims(sub="someone-else")
    second, _ = sync_account(session, other, map_claims(other, _mapping()), now=NOW)

    assert first.gebruikersnaam == "j.jansen"
    assert second.gebruikersnaam.startswith("oidc-") and second.id != first.id


@pytest.mark.parametrize(
    ("asked", "goes_to"),
    [
        ("/werkvoorraad", "/werkvoorraad"),
        ("/zaken/12?tab=contact", "/zaken/12?tab=contact"),
        ("//elders.example/", "/"),
        ("/\\elders.example", "/"),
        ("https://elders.example/", "/"),
        ("/a\x00b", "/"),
        (None, "/"),
        ("/" + "a" * 250, "/"),
    ],
)
def test_return_path_stays_in_the_app(asked: str | None, goes_to: str) -> None:
    from vroegsignaal.accounts.oidc import safe_return_path

    assert safe_return_path(asked) == goes_to
