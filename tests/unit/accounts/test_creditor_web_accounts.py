# SPDX-License-Identifier: EUPL-1.2
"""A creditor's web account (ADR 0014): it acts as its creditor, always needs TOTP, never
gets a municipal role, team or municipality, and stops with its organisation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from tests.accounts import OPERATOR, PASSWORD
from vroegsignaal.accounts import creditors, teams, users
from vroegsignaal.accounts.login import Origin, login_with_password
from vroegsignaal.accounts.principal import UserRole, load_creditor_user, load_principal
from vroegsignaal.accounts.sessions import Step
from vroegsignaal.accounts.users import CreditorAccount
from vroegsignaal.config import Settings
from vroegsignaal.errors import NotFound

NOW = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)


def _creditor_account(session: Session, code: str = "WBV-KLEIN") -> int:
    creditors.register(session, OPERATOR, code=code, naam="Klein", signaalpartner="Huur",
                       now=NOW)
    return users.create_user(session, OPERATOR, gebruikersnaam="verhuurder",
                             weergavenaam="Vera", gemeentecode=None, password=PASSWORD,
                             schuldeiser=code, now=NOW).id


def test_the_account_acts_as_its_creditor_and_has_no_municipal_rights(session: Session) -> None:
    user_id = _creditor_account(session)

    creditor = load_creditor_user(session, user_id, request_id="r1")
    municipal = load_principal(session, user_id)

    assert creditor is not None and creditor.schuldeiser == "WBV-KLEIN"
    assert creditor.gebruiker_id == user_id and creditor.api_sleutel_id is None
    assert municipal is not None and not municipal.roles and not municipal.gemeenten


def test_the_core_refuses_municipal_rights_for_it(session: Session) -> None:
    user_id = _creditor_account(session)
    team = teams.create_team(session, OPERATOR, naam="Team", gemeenten=["GM0344"], now=NOW)

    with pytest.raises(CreditorAccount):
        users.grant_role(session, OPERATOR, user_id, UserRole.SCHULDHULPVERLENER)
    with pytest.raises(CreditorAccount):
        teams.add_member(session, OPERATOR, team.id, user_id)
    with pytest.raises(CreditorAccount):
        users.update_user(session, OPERATOR, user_id, gemeentecode="GM0344")
    with pytest.raises(CreditorAccount):
        users.create_user(session, OPERATOR, gebruikersnaam="x2", weergavenaam="x",
                          gemeentecode="GM0344", schuldeiser="WBV-KLEIN", now=NOW)
    with pytest.raises(NotFound):
        users.create_user(session, OPERATOR, gebruikersnaam="x3", weergavenaam="x",
                          gemeentecode=None, schuldeiser="BESTAAT-NIET", now=NOW)


def test_totp_is_required_even_when_the_setting_is_off(session: Session) -> None:
    _creditor_account(session)
    settings = Settings(env="development", totp_required=False)

    issued = login_with_password(session, name="verhuurder", password=PASSWORD,
                                 settings=settings, origin=Origin(), now=NOW)

    assert issued.step is Step.TOTP_ENROLMENT


def test_a_deactivated_organisation_ends_the_account(session: Session) -> None:
    user_id = _creditor_account(session)
    creditors.set_active(session, OPERATOR, "WBV-KLEIN", False)
    assert load_creditor_user(session, user_id) is None
