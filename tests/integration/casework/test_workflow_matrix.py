# SPDX-License-Identifier: EUPL-1.2
"""The workflow table on the database, with principals: every allowed move succeeds, every
other is refused with a reason (STATUSOVERGANG_NIET_TOEGESTAAN, or GEEN_TOEGANG for a
principal who is no worker), and a refused move changes nothing."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.casework import World, new_zaak, zaak_row
from vroegsignaal.accounts.principal import SystemPrincipal
from vroegsignaal.cases.errors import Forbidden, TransitionRefused
from vroegsignaal.cases.workflow import (
    ALLOWED_TRANSITIONS,
    SYSTEM_ONLY,
    WORKER_SETTABLE,
    CaseStatus,
    transition,
)
from vroegsignaal.contract.enums import Eindresultaat
from vroegsignaal.storage.tables import Zaak

pytestmark = pytest.mark.integration
S = CaseStatus
ACTORS = ("schuldhulpverlener", "teamleider", "manager", "admin", "zonder-rol", "systeem")


@pytest.fixture
def zaken(pg_session: Session, world: World) -> World:
    return world


def _expected(old: CaseStatus, new: CaseStatus, actor: str) -> str:
    if actor in ("manager", "admin", "zonder-rol"):
        return "GEEN_TOEGANG"
    settable = SYSTEM_ONLY if actor == "systeem" else WORKER_SETTABLE
    if new in ALLOWED_TRANSITIONS[old] and new in settable:
        return "ok"
    return "STATUSOVERGANG_NIET_TOEGESTAAN"


def test_every_move_for_every_actor(pg_session: Session, world: World) -> None:
    outcomes = []
    for old, new, actor in itertools.product(S, S, ACTORS):
        zaak_id = new_zaak(pg_session)
        if old is not S.NOG_NIET_OPGEPAKT:
            pg_session.execute(update(Zaak).where(Zaak.id == zaak_id).values(
                status=old.value,
                eindresultaat=Eindresultaat.GEEN_CONTACT.value if old in (
                    S.AFGESLOTEN, S.AUTOMATISCH_AFGESLOTEN) else None))
            pg_session.commit()
        by = SystemPrincipal("bewaartermijn") if actor == "systeem" else world.principal(
            pg_session, actor)
        result = Eindresultaat.GEEN_CONTACT if new in (S.AFGESLOTEN,
                                                       S.AUTOMATISCH_AFGESLOTEN) else None
        expected = _expected(old, new, actor)
        try:
            change = transition(pg_session, zaak_id, new, by=by, reason="test",
                                eindresultaat=result)
            got = "ok"
            assert zaak_row(pg_session, zaak_id).status == new.value
            assert change.version == 1
        except (TransitionRefused, Forbidden) as exc:
            got = exc.code
            assert exc.detail  # a reason
            z = zaak_row(pg_session, zaak_id)
            assert (z.status, z.versie) == (old.value, 0), "a refused move changes nothing"
        outcomes.append((old.value, new.value, actor, got, expected))
    wrong = [o for o in outcomes if o[3] != o[4]]
    assert not wrong, wrong
    # The eight moves of the table: four a worker makes (two worker roles), four the system.
    assert sum(o[3] == "ok" for o in outcomes) == 4 * 2 + 4
