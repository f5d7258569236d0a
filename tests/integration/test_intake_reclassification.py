# SPDX-License-Identifier: EUPL-1.2
"""ADR 0003: a late signal can make a later case opeenvolgend, never undo it.

Found while loading case history for scoring: the household cases the pipeline loads
reach back 6 months from the batch's first month, not from each older case's month, so
an older case re-judged on them lost its earlier history and was downgraded.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import signaal
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.storage.tables import Zaak

pytestmark = pytest.mark.integration


def _ingest(session: Session, day: dt.date, ref: str) -> None:
    msg = signaal(signaaldatum=day, klantreferentie=ref, schuldeiser="ZV-X", signaalpartner="Zorg")
    run_intake([msg], session=session, source="test", ontvangen_op="signaaldatum")


def _types(session: Session) -> list[tuple[int, str]]:
    session.expire_all()
    rows = session.execute(select(Zaak).order_by(Zaak.matchingsperiode)).scalars()
    return [(z.matchingsperiode.month, z.zaaktype) for z in rows]


def test_a_new_signal_keeps_an_older_case_consecutive(session: Session) -> None:
    _ingest(session, dt.date(2026, 1, 12), "A")
    _ingest(session, dt.date(2026, 6, 8), "B")  # opeenvolgend because of January
    _ingest(session, dt.date(2026, 9, 7), "C")  # loads cases from March on: not January
    assert _types(session) == [(1, "enkelvoudig"), (6, "opeenvolgend"), (9, "opeenvolgend")]


def test_a_late_signal_still_makes_a_later_case_consecutive(session: Session) -> None:
    _ingest(session, dt.date(2026, 5, 11), "A")
    _ingest(session, dt.date(2026, 3, 9), "B")  # late: a signal for March arrives after May
    assert _types(session) == [(3, "enkelvoudig"), (5, "opeenvolgend")]
