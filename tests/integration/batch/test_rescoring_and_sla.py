# SPDX-License-Identifier: EUPL-1.2
"""Nightly work on PostgreSQL: rescoring open items whose inputs changed (and only those),
and marking items past their due date overdue (DOMAIN.md step 5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.factories import signaal
from vroegsignaal.cases.features import CaseFeatures
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.queue.rescoring import rescore_open_items
from vroegsignaal.queue.sla import mark_overdue
from vroegsignaal.scoring import RuleScorer, Score
from vroegsignaal.storage.db import session_factory
from vroegsignaal.storage.tables import Signaal, WerkvoorraadItem, Zaak

pytestmark = pytest.mark.integration
APRIL = dt.date(2026, 4, 8)


@pytest.fixture
def session(pg_url: str) -> Iterator[Session]:
    s = session_factory(pg_url)()
    yield s
    s.close()


def _ingest(session: Session, *messages: dict, received: dt.date) -> None:
    run_intake(list(messages), session=session, source="test", ontvangen_op=received)


def _item_of(session: Session, signaal_id: str) -> WerkvoorraadItem:
    return session.scalars(
        select(WerkvoorraadItem)
        .join(Signaal, Signaal.zaak_id == WerkvoorraadItem.zaak_id)
        .where(Signaal.signaal_id == signaal_id)
    ).one()


def test_only_items_whose_inputs_changed_are_rescored(session: Session) -> None:
    household = {"client__huisnummer": "5", "client__postcode": "3511 AB"}
    _ingest(
        session,
        signaal(signaalId="A-1", klantreferentie="KA", signaaldatum=APRIL, **household),
        *(
            signaal(
                signaalId=f"O-{i}",
                klantreferentie=f"KO-{i}",
                client__huisnummer=str(50 + i),
                signaaldatum=APRIL,
            )
            for i in range(4)
        ),
        received=APRIL,
    )
    # Intake stored what each score was computed from: nothing to do tonight.
    first = rescore_open_items(session, scorer=RuleScorer(), peildatum=APRIL)
    assert (first.open_items, first.herberekend, first.prioriteit_gewijzigd) == (5, 0, 0)

    # A late March signal of the same household makes the April case opeenvolgend without
    # touching its queue item (ADR 0003): its score is now stale.
    april_item = _item_of(session, "A-1")
    before = april_item.prioriteit
    _ingest(
        session,
        signaal(
            signaalId="A-0",
            klantreferentie="KB",
            signaalpartner="Zorg",
            bedrag=300,
            signaaldatum=dt.date(2026, 3, 20),
            **household,
        ),
        received=APRIL,
    )
    session.expire_all()
    assert session.get(Zaak, april_item.zaak_id).zaaktype == "opeenvolgend"  # type: ignore[union-attr]
    assert _item_of(session, "A-1").prioriteit == before

    night = rescore_open_items(session, scorer=RuleScorer(), peildatum=APRIL)
    # Only the reclassified April case; the new March case was scored by its intake.
    assert (night.open_items, night.herberekend, night.prioriteit_gewijzigd) == (6, 1, 1)
    session.expire_all()
    refreshed = _item_of(session, "A-1")
    assert refreshed.prioriteit == pytest.approx(before + 0.10)
    assert "Eerder signaal in de afgelopen zes maanden" in refreshed.prioriteit_redenen


class _NewModel:
    version = "risico-test-2"

    def score(self, cases: Sequence[CaseFeatures]) -> list[Score]:
        return [Score(0.5 + 0.01 * len(c.historie), ("Testmodel",), self.version) for c in cases]


def test_a_new_model_rescores_every_open_item_but_not_handled_ones(session: Session) -> None:
    _ingest(
        session,
        *(
            signaal(signaalId=f"N-{i}", klantreferentie=f"KN-{i}", client__huisnummer=str(i + 1))
            for i in range(3)
        ),
        received=dt.date(2026, 3, 12),
    )
    rescore_open_items(session, scorer=RuleScorer(), peildatum=dt.date(2026, 3, 13))
    handled = session.scalars(select(WerkvoorraadItem.id)).first()
    session.execute(
        update(WerkvoorraadItem)
        .where(WerkvoorraadItem.id == handled)
        .values(status="in_behandeling")
    )
    session.commit()
    result = rescore_open_items(session, scorer=_NewModel(), peildatum=dt.date(2026, 3, 13))
    assert (result.scorer, result.open_items, result.herberekend) == ("risico-test-2", 2, 2)
    models = dict(session.execute(select(WerkvoorraadItem.id, WerkvoorraadItem.scoremodel)).all())
    assert models.pop(handled) == "regel-v1"
    assert set(models.values()) == {"risico-test-2"}


def test_items_past_their_due_date_are_marked_overdue(session: Session) -> None:
    received = dt.date(2026, 3, 12)  # a Thursday: due 26 March, crisis 17 March
    _ingest(
        session,
        *(
            signaal(signaalId=f"S-{i}", klantreferentie=f"KS-{i}", client__huisnummer=str(i + 1))
            for i in range(3)
        ),
        signaal(signaalId="C-1", klantreferentie="KC", client__huisnummer="40", crisissignaal=True),
        received=received,
    )
    dues = sorted(session.scalars(select(WerkvoorraadItem.uiterste_datum)))
    assert dues == [dt.date(2026, 3, 17)] + [dt.date(2026, 3, 26)] * 3

    on_due_day = mark_overdue(session, peildatum=dt.date(2026, 3, 17))
    assert (on_due_day.te_laat_op_peildatum, on_due_day.totaal_te_laat_open) == (0, 0)
    crisis_late = mark_overdue(session, peildatum=dt.date(2026, 3, 18))
    assert (crisis_late.te_laat_op_peildatum, crisis_late.waarvan_crisis) == (1, 1)

    handled = session.scalars(select(WerkvoorraadItem.id).where(~WerkvoorraadItem.crisis)).first()
    session.execute(
        update(WerkvoorraadItem)
        .where(WerkvoorraadItem.id == handled)
        .values(status="in_behandeling")
    )
    session.commit()
    later = mark_overdue(session, peildatum=dt.date(2026, 3, 27))
    rerun = mark_overdue(session, peildatum=dt.date(2026, 3, 27))
    assert later.as_dict() == rerun.as_dict()
    assert (later.te_laat_op_peildatum, later.waarvan_crisis, later.totaal_te_laat_open) == (
        2,
        0,
        3,
    )
    assert later.per_gemeente == {"GM0344": 2}
    marks = dict(session.execute(select(WerkvoorraadItem.id, WerkvoorraadItem.te_laat_sinds)).all())
    assert marks[handled] is None
    assert (
        sorted(m for m in marks.values() if m)
        == [dt.date(2026, 3, 18)] + [dt.date(2026, 3, 27)] * 2
    )


def test_intake_and_the_nightly_job_see_the_same_inputs(session: Session) -> None:
    """A year of calibrated signals in batches of mixed months (households with history
    from stored cases and from cases of the same batch): the fingerprint intake stored
    equals the one the nightly job computes from the database, for every open item."""
    from synthetic import generate_signals
    from vroegsignaal.contract.io import iter_batches

    records = list(generate_signals(gemeenten=["GM0344"], start=dt.date(2025, 4, 1),
                                    months=12, seed=5, scale=0.15))
    assert len(records) > 1500
    for batch in iter_batches(records, 400):
        run_intake(batch, session=session, source="test", ontvangen_op="signaaldatum")
    result = rescore_open_items(session, scorer=RuleScorer(), peildatum=dt.date(2026, 4, 1))
    assert result.open_items > 1000, result
    with_history = session.scalar(
        select(func.count()).select_from(Zaak).where(Zaak.zaaktype == "opeenvolgend"))
    assert with_history and with_history > 50
    assert result.herberekend == 0
