# SPDX-License-Identifier: EUPL-1.2
"""Closing a zaak with its eindresultaat, and reopening it: who may, then the workflow.

`close` moves the zaak to "Afgesloten" with one DDAS `Eindresultaat`; the workflow sets
the closing time, the retention date by result and the last score shown
(`workflow.closing_facts`), and tells the creditors (vroegsignaal/feedback.py).
`reopen` is workflow move (2): a worker closed too early (a wrong result, the resident
calls back); the zaak is "Opgepakt" again, its result cleared, the closing kept in the
history. Both are for the zaak's assignee, a member of its owning team when nobody has
it, or a teamleider.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import Principal, UserRole
from vroegsignaal.cases.access import Action, may_claim, require_case
from vroegsignaal.cases.errors import CaseWorkRefused
from vroegsignaal.cases.workflow import CaseStatus, transition
from vroegsignaal.contract.enums import Eindresultaat
from vroegsignaal.events import CaseStatusChanged, EventBus


def _may_work(session: Session, principal: Principal, row: Row[Any]) -> None:
    if principal.has(UserRole.TEAMLEIDER) or row.toegewezen_aan == principal.gebruiker_id:
        return
    if row.toegewezen_aan is None and may_claim(session, principal, row):
        return
    raise CaseWorkRefused(f"zaak {row.id}", code="NIET_TOEGEWEZEN")


def close(
    session: Session, principal: Principal, zaak_id: int, eindresultaat: Eindresultaat, *,
    expected_version: int | None = None, bus: EventBus | None = None,
) -> CaseStatusChanged:
    """Close zaak `zaak_id` with `eindresultaat`. Raises `Forbidden`, `CaseNotFound`,
    `CaseWorkRefused`, `TransitionRefused` (already closed), `CaseChanged`."""
    row = require_case(session, principal, zaak_id, Action.WORK_CASE)
    _may_work(session, principal, row)
    return transition(session, zaak_id, CaseStatus.AFGESLOTEN, by=principal,
                      reason="afgesloten", eindresultaat=eindresultaat,
                      expected_version=expected_version, bus=bus)


def reopen(
    session: Session, principal: Principal, zaak_id: int, *,
    expected_version: int | None = None, bus: EventBus | None = None,
) -> CaseStatusChanged:
    """Reopen closed zaak `zaak_id` (workflow move (2)). Same errors as `close`."""
    row = require_case(session, principal, zaak_id, Action.WORK_CASE)
    _may_work(session, principal, row)
    return transition(session, zaak_id, CaseStatus.OPGEPAKT, by=principal, reason="heropend",
                      expected_version=expected_version, bus=bus)
