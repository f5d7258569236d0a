# SPDX-License-Identifier: EUPL-1.2
"""An administrator reads and changes a municipality's thresholds (`gemeente_instelling`,
the one place for them: eligibility/rules.py); every change is audited with the old and
new values (numbers and flags only). An admin changes only municipalities they serve."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel
from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import Principal
from vroegsignaal.audit.log import record
from vroegsignaal.cases.access import Action, require
from vroegsignaal.contract.enums import Signaalpartner
from vroegsignaal.errors import NotFound
from vroegsignaal.storage.tables import GemeenteInstelling

PURPOSE = "vroegsignalering.beheer"


class GemeenteDrempels(BaseModel):
    """A municipality's thresholds (docs/rules.md); days, months and whole euros."""

    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True)

    actief: bool
    minimumbedragen: dict[Signaalpartner, int] = Field(
        description="Whole euros per kind of creditor; crisis signals are exempt.")
    termijn_min_dagen: int = Field(ge=0, le=365)
    termijn_max_dagen: int = Field(ge=1, le=730)
    herhaal_periode_dagen: int = Field(ge=0, le=730)
    opeenvolgend_maanden: int = Field(ge=1, le=24)
    contact_termijn_dagen: int = Field(ge=1, le=90)
    crisis_werkdagen: int = Field(ge=1, le=30)
    bewaartermijn_maanden: int = Field(ge=1, le=120)
    bewaartermijn_schuldhulp_maanden: int = Field(ge=1, le=240)

    @model_validator(mode="after")
    def _window(self) -> GemeenteDrempels:
        if self.termijn_min_dagen >= self.termijn_max_dagen:
            raise ValueError("termijn_min_dagen ligt niet voor termijn_max_dagen")
        if any(v < 0 for v in self.minimumbedragen.values()):
            raise ValueError("een minimumbedrag is nooit negatief")
        return self


FIELDS = tuple(GemeenteDrempels.model_fields)


def _row(session: Session, principal: Principal, gemeentecode: str) -> GemeenteInstelling:
    require(principal, Action.MANAGE_SETTINGS)
    row = session.get(GemeenteInstelling, gemeentecode)
    if row is None or not principal.serves(gemeentecode):
        raise NotFound(f"gemeente {gemeentecode}")
    return row


def _values(row: GemeenteInstelling) -> dict[str, Any]:
    return {f: getattr(row, f) for f in FIELDS}


def get_thresholds(session: Session, principal: Principal, gemeentecode: str) -> GemeenteDrempels:
    """The thresholds of a municipality the admin serves (else `Forbidden`/`NotFound`)."""
    return GemeenteDrempels(**_values(_row(session, principal, gemeentecode)))


def set_thresholds(
    session: Session, principal: Principal, gemeentecode: str, new: GemeenteDrempels
) -> GemeenteDrempels:
    """Replace the thresholds; audited with what changed (old and new values)."""
    row = _row(session, principal, gemeentecode)
    old = _values(row)
    values = new.model_dump(mode="json")
    changed = {k: {"oud": old[k], "nieuw": v} for k, v in values.items() if old[k] != v}
    for key, value in values.items():
        setattr(row, key, value)
    row.bijgewerkt_op = dt.datetime.now(dt.UTC)
    record(session, principal, actie="instellingen.wijzigen", doel=PURPOSE, resultaat="ok",
           gemeentecode=gemeentecode, details={"gewijzigd": changed})
    session.commit()
    return GemeenteDrempels(**_values(row))
