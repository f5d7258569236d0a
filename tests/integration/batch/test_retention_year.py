# SPDX-License-Identifier: EUPL-1.2
"""A year of the demo generator's signals with nobody working a zaak (issue 13): the
reference date moves on month by month, each month's signals arrive, and the nightly steps
run (automatic closing, then the purge). After every run nothing with personal data is
left past its term without a recorded ground: no signal, zaak, queue item, refusal,
status-history row, contact attempt, assignment, outbox row or audit row. A zaak under a
ground stays exactly while the ground holds, and the run reports it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from sqlalchemy import and_, func, not_, select
from sqlalchemy.orm import Session

from synthetic import generate_signals
from tests.casework import UTRECHT, build_world
from vroegsignaal.contract.io import iter_batches
from vroegsignaal.dates import add_months, today
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.retention.auto_closing import close_expired
from vroegsignaal.retention.grounds import Bewaargrond, kept_by_ground, record_ground
from vroegsignaal.retention.policy import RetentionPolicy
from vroegsignaal.retention.purge import purge
from vroegsignaal.storage.db import session_factory
from vroegsignaal.storage.tables import (
    AuditLog,
    Contactpoging,
    IntakeWeigering,
    Signaal,
    Terugkoppeling,
    WerkvoorraadItem,
    Zaak,
    ZaakBewaargrond,
    ZaakStatuswijziging,
    ZaakToewijzing,
)

pytestmark = pytest.mark.integration
START = dt.date(2025, 1, 1)
GROUND = Bewaargrond.PROCEDURE
GROUND_UNTIL = dt.date(2026, 12, 31)
# Rows a zaak holds: past their term only when their zaak has no ground that holds.
HELD = (Zaak, Signaal, WerkvoorraadItem, ZaakStatuswijziging, Contactpoging, ZaakToewijzing)
ON_THEIR_OWN = (IntakeWeigering, Terugkoppeling, AuditLog)


def _past_term(session: Session, peildatum: dt.date) -> dict[str, int]:
    """Rows past their term on `peildatum` without a ground that holds, per table."""
    out = {}
    for model in HELD:
        zaak_id = Zaak.id if model is Zaak else model.zaak_id
        without = not_(kept_by_ground(zaak_id, peildatum))
        if model is Signaal:  # a signal without a zaak has no ground
            without = (zaak_id.is_(None)) | without
        out[model.__tablename__] = session.scalar(
            select(func.count()).select_from(model)
            .where(and_(model.bewaren_tot <= peildatum, without))) or 0
    for model in ON_THEIR_OWN:
        out[model.__tablename__] = session.scalar(
            select(func.count()).select_from(model).where(model.bewaren_tot <= peildatum)) or 0
    return {t: n for t, n in out.items() if n}


def _count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_year_with_nobody_working_leaves_nothing_past_its_term(pg_url: str) -> None:
    session = session_factory(pg_url)()
    world = build_world(session)
    lead = world.principal(session, "teamleider")
    policy = RetentionPolicy.load()
    by_month: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    for record in generate_signals(gemeenten=[UTRECHT], start=START, months=12, seed=1,
                                   scale=0.1):
        day = dt.date.fromisoformat(record["signaaldatum"])
        by_month[day.replace(day=1)].append(record)
    assert sum(map(len, by_month.values())) > 500

    closed: dict[str, int] = defaultdict(int)
    deleted: dict[str, int] = defaultdict(int)
    kept_zaak = None
    month = START
    while month <= dt.date(2027, 1, 1):
        for batch in iter_batches(by_month.get(month, []), 500):
            run_intake(batch, session=session, source="demo", ontvangen_op="signaaldatum")
        peildatum = add_months(month, 1)
        closing = close_expired(session, peildatum=peildatum)
        for results in closing.gesloten.values():
            for result, n in results.items():
                closed[result] += n
        if peildatum == dt.date(2025, 9, 1):
            # A closed zaak an objection is running about: kept until the ground lapses.
            kept_zaak = session.scalar(select(Zaak.id).where(
                Zaak.status == "Automatisch afgesloten").order_by(Zaak.id).limit(1))
            assert kept_zaak is not None
            record_ground(session, lead, kept_zaak, GROUND, GROUND_UNTIL)
        summary = purge(session, peildatum=peildatum, run_id=f"maand-{peildatum}",
                        policy=policy)
        for table, n in summary["verwijderd"].items():
            deleted[table] += n

        assert summary["zonder_grond"] == {}, peildatum
        assert _past_term(session, peildatum) == {}, peildatum
        zaak = session.get(Zaak, kept_zaak) if kept_zaak else None
        if zaak is not None and zaak.bewaren_tot <= peildatum:
            assert peildatum < GROUND_UNTIL
            assert summary["bewaard_over_termijn"][f"bewaargrond: {GROUND.value}"]["zaak"] == 1
        session.expire_all()
        month = peildatum

    # Every zaak was closed by the system, with the result of "nobody tried", and the
    # purge took all of them, the one under a ground once it lapsed.
    assert dict(closed) == {"Niet opgepakt: andere reden": deleted["zaak"]}
    assert kept_zaak is not None and session.get(Zaak, kept_zaak) is None
    for model in (Zaak, Signaal, WerkvoorraadItem, ZaakStatuswijziging, Terugkoppeling,
                  ZaakBewaargrond):
        assert _count(session, model) == 0, model.__tablename__
    # Left: refusals of messages without a readable signaaldatum, dated by the real day
    # they were received (ids and codes only), not by the simulated one.
    assert set(session.scalars(select(IntakeWeigering.bewaren_tot))) <= {
        add_months(today(), policy.weigering_maanden)}
    assert deleted["signaal"] > deleted["zaak"] > 300
    assert deleted["zaak_statuswijziging"] >= deleted["zaak"]
    session.close()
