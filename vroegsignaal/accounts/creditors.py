# SPDX-License-Identifier: EUPL-1.2
"""The register of creditor organisations (`schuldeiser_organisatie`).

A creditor delivers to every municipality of the deployment (a health insurer serves the
whole country), so the register is the deployment's, not one municipality's: every admin
may keep it, and every change is audited. The code is the contract's `schuldeiser` field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vroegsignaal.accounts.access import require_role
from vroegsignaal.accounts.principal import AnyPrincipal, UserRole
from vroegsignaal.audit.log import record
from vroegsignaal.contract.enums import Signaalpartner
from vroegsignaal.dates import utc
from vroegsignaal.errors import Conflict, NotFound, VroegsignaalError
from vroegsignaal.storage.tables import SchuldeiserOrganisatie

PURPOSE = "vroegsignalering.beheer"  # docs/privacy.md, processing purposes
# The contract's pattern for the `schuldeiser` field (vroegsignaal/contract/signaal.py)
# without "/": a registered code is also a path segment of the admin API.
CODE = re.compile(r"^[\w.\-:]{1,64}$")


class InvalidCreditor(VroegsignaalError):
    """A creditor code outside 1-64 of letters, digits and . - _ :, or an unknown signaalpartner."""

    code = "ONGELDIGE_SCHULDEISER"
    title = "Schuldeisercode (1-64 tekens: letters, cijfers, . - _ :) of signaalpartner ongeldig"


@dataclass(frozen=True, slots=True)
class CreditorView:
    """A registered creditor organisation as administrators see it."""

    code: str
    naam: str
    signaalpartner: str | None
    actief: bool
    aangemaakt_op: dt.datetime


def _view(row: SchuldeiserOrganisatie) -> CreditorView:
    return CreditorView(row.code, row.naam, row.signaalpartner, row.actief, utc(row.aangemaakt_op))


def register(
    session: Session,
    actor: AnyPrincipal,
    *,
    code: str,
    naam: str,
    signaalpartner: str | None,
    now: dt.datetime,
) -> CreditorView:
    """Register a creditor (committed). Raises Forbidden, InvalidCreditor, Conflict."""
    require_role(actor, UserRole.ADMIN)
    if not CODE.match(code):
        raise InvalidCreditor(f"code {code!r}")
    if signaalpartner is not None and signaalpartner not in set(Signaalpartner):
        raise InvalidCreditor(f"signaalpartner {signaalpartner!r}")
    if session.get(SchuldeiserOrganisatie, code) is not None:
        raise Conflict(f"schuldeiser {code} bestaat al")
    row = SchuldeiserOrganisatie(
        code=code, naam=naam, signaalpartner=signaalpartner, actief=True, aangemaakt_op=now
    )
    session.add(row)
    record(
        session,
        actor,
        actie="schuldeiser.aanmaken",
        doel=PURPOSE,
        resultaat="ok",
        details={"schuldeiser": code},
    )
    session.commit()
    return _view(row)


def set_active(session: Session, actor: AnyPrincipal, code: str, actief: bool) -> CreditorView:
    """Switch a creditor on or off; its keys stop working while it is off (committed)."""
    require_role(actor, UserRole.ADMIN)
    row = session.get(SchuldeiserOrganisatie, code)
    if row is None:
        raise NotFound(f"schuldeiser {code} is niet geregistreerd")
    row.actief = actief
    record(
        session,
        actor,
        actie="schuldeiser.activeren" if actief else "schuldeiser.deactiveren",
        doel=PURPOSE,
        resultaat="ok",
        details={"schuldeiser": code},
    )
    session.commit()
    return _view(row)


def list_creditors(session: Session, actor: AnyPrincipal) -> list[CreditorView]:
    """Every registered creditor, by code; administrators only (Forbidden otherwise)."""
    require_role(actor, UserRole.ADMIN)
    rows = session.execute(select(SchuldeiserOrganisatie).order_by(SchuldeiserOrganisatie.code))
    return [_view(row) for row in rows.scalars()]


def get_creditor(session: Session, actor: AnyPrincipal, code: str) -> CreditorView:
    """One creditor by code; administrators only. Raises NotFound when it is not registered."""
    require_role(actor, UserRole.ADMIN)
    row = session.get(SchuldeiserOrganisatie, code)
    if row is None:
        raise NotFound(f"schuldeiser {code} is niet geregistreerd")
    return _view(row)
