# SPDX-License-Identifier: EUPL-1.2
"""Two workers claim the same zaak at the same moment on PostgreSQL: exactly one wins, the
other gets a clear conflict (ZAAK_INTUSSEN_GEWIJZIGD or ZAAK_AL_TOEGEWEZEN), and the zaak
is assigned once, picked up once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.casework import World, new_zaak, zaak_row
from vroegsignaal.cases.assignment import claim
from vroegsignaal.cases.errors import AlreadyAssigned, CaseChanged
from vroegsignaal.storage.db import session_factory
from vroegsignaal.storage.tables import ZaakStatuswijziging, ZaakToewijzing

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("round_", range(5))
def test_two_workers_claim_at_once(pg_url: str, pg_session: Session, world: World,
                                   round_: int) -> None:
    zaak_id = new_zaak(pg_session)
    workers = [world.principal(pg_session, n) for n in ("schuldhulpverlener", "collega")]
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def attempt(i: int) -> None:
        with session_factory(pg_url)() as s:
            s.execute(select(1))  # connection open before the race starts
            start.wait()
            try:
                outcomes[workers[i].gebruikersnaam] = claim(s, workers[i], zaak_id,
                                                            expected_version=0)
            except (CaseChanged, AlreadyAssigned) as exc:
                outcomes[workers[i].gebruikersnaam] = exc

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    won = [n for n, o in outcomes.items() if isinstance(o, int)]
    lost = [o for o in outcomes.values() if not isinstance(o, int)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert lost[0].code in ("ZAAK_INTUSSEN_GEWIJZIGD", "ZAAK_AL_TOEGEWEZEN")  # type: ignore[attr-defined]
    z = zaak_row(pg_session, zaak_id)
    assert (z.status, z.toegewezen_aan, z.versie) == ("Opgepakt", world.users[won[0]], 2)
    assert len(pg_session.execute(select(ZaakToewijzing.id)).all()) == 1
    assert len(pg_session.execute(select(ZaakStatuswijziging.id)).all()) == 1
