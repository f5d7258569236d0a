# SPDX-License-Identifier: EUPL-1.2
"""Writing the audit trail: one function every part of the core calls.

The signature is the agreed interface (issue 10); the case-work work fills in the hash
chain and the Logboek Dataverwerkingen fields behind it. The row is added to the caller's
session, so it commits (or rolls back) with the action it records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import (
    AnyPrincipal,
    CreditorPrincipal,
    Principal,
    SystemPrincipal,
)
from vroegsignaal.dates import add_months, today
from vroegsignaal.storage.tables import AuditLog

# How long an audit row is kept (months); the case-work issue makes this a setting.
RETENTION_MONTHS = 24


def actor_name(actor: AnyPrincipal) -> str:
    """How the audit trail names an actor: 'gebruiker:<id>', 'schuldeiser:<code>', or a
    system job's own name (e.g. 'aanmelden'); never a person's name."""
    if isinstance(actor, Principal):
        return f"gebruiker:{actor.gebruiker_id}"
    if isinstance(actor, CreditorPrincipal):
        return f"schuldeiser:{actor.schuldeiser}"
    assert isinstance(actor, SystemPrincipal)
    return actor.naam


def record(
    session: Session,
    actor: AnyPrincipal,
    *,
    actie: str,
    doel: str,
    resultaat: str,
    zaak_id: int | None = None,
    huishouden_sleutel: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Add one audit row to `session` (committed with the caller's transaction).

    `actie` says what was done ("zaak.lezen", "gebruiker.aanmaken", ...), `doel` why (the
    processing purpose), `resultaat` how it ended ("ok", "geweigerd", ...). `details` holds
    ids and codes only, never personal data.
    """
    roles = sorted(actor.roles) if isinstance(actor, Principal) else []
    session.add(
        AuditLog(
            tijdstip=dt.datetime.now(dt.UTC),
            actor=actor_name(actor),
            actie=actie,
            zaak_id=zaak_id,
            reden=doel,
            details={
                "resultaat": resultaat,
                "roles": roles,
                "huishouden_sleutel": huishouden_sleutel,
                "request_id": getattr(actor, "request_id", None),
                **(details or {}),
            },
            bewaren_tot=add_months(today(), RETENTION_MONTHS),
        )
    )
