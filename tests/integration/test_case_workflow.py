# SPDX-License-Identifier: EUPL-1.2
"""`transition`: the one way to move a zaak, on SQLite and the real PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import signaal
from vroegsignaal.accounts.principal import Principal, SystemPrincipal, UserRole
from vroegsignaal.cases.workflow import (
    CaseChanged,
    CaseNotFound,
    CaseStatus,
    TransitionRefused,
    transition,
)
from vroegsignaal.contract.enums import Eindresultaat
from vroegsignaal.events import BUS, CaseStatusChanged, EventBus
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.storage.tables import WerkvoorraadItem, Zaak, ZaakStatuswijziging

pytestmark = pytest.mark.integration
def _worker(gebruiker_id: int) -> Principal:
    return Principal(gebruiker_id, f"medewerker-{gebruiker_id}",
                     frozenset({UserRole.SCHULDHULPVERLENER}), frozenset({"GM0344"}), frozenset())


WORKER = _worker(17)
INTAKE = SystemPrincipal("intake")


def _zaak(session: Session) -> int:
    run_intake([signaal()], session=session, source="test")
    return session.execute(select(Zaak.id)).scalar_one()


def test_a_new_zaak_waits_in_the_werkvoorraad(session: Session) -> None:
    _zaak(session)
    zaak = session.execute(select(Zaak)).scalar_one()
    item = session.execute(select(WerkvoorraadItem)).scalar_one()
    assert zaak.status == item.status == "Nog niet opgepakt" and zaak.versie == 0


def test_moves_are_stored_counted_and_announced_after_commit(session: Session) -> None:
    zaak_id = _zaak(session)
    heard: list[CaseStatusChanged] = []
    stop = BUS.subscribe(CaseStatusChanged, heard.append)
    try:
        picked = transition(session, zaak_id, CaseStatus.OPGEPAKT, by=WORKER, reason="gebeld",
                            expected_version=0)
        closed = transition(session, zaak_id, CaseStatus.AFGESLOTEN, by=WORKER,
                            reason="advies gegeven", eindresultaat=Eindresultaat.BUDGETADVIES)
    finally:
        stop()
    assert heard == [picked, closed]
    assert (picked.old, picked.new, picked.version) == (
        CaseStatus.NOG_NIET_OPGEPAKT, CaseStatus.OPGEPAKT, 1)
    session.expire_all()
    zaak = session.get(Zaak, zaak_id)
    assert zaak is not None
    assert (zaak.status, zaak.eindresultaat, zaak.versie) == (
        "Afgesloten", Eindresultaat.BUDGETADVIES.value, 2)
    item = session.execute(select(WerkvoorraadItem)).scalar_one()
    assert item.status == "Afgesloten"
    history = session.execute(
        select(ZaakStatuswijziging.van, ZaakStatuswijziging.naar, ZaakStatuswijziging.door,
               ZaakStatuswijziging.rol, ZaakStatuswijziging.versie,
               ZaakStatuswijziging.bewaren_tot)
        .order_by(ZaakStatuswijziging.id)
    ).all()
    assert [tuple(h[:5]) for h in history] == [
        ("Nog niet opgepakt", "Opgepakt", "gebruiker:17", "medewerker", 1),
        ("Opgepakt", "Afgesloten", "gebruiker:17", "medewerker", 2),
    ]
    assert {h.bewaren_tot for h in history} == {zaak.bewaren_tot}
    reopened = transition(session, zaak_id, CaseStatus.OPGEPAKT, by=WORKER, reason="belt terug")
    assert reopened.old is CaseStatus.AFGESLOTEN
    session.expire_all()
    assert session.get(Zaak, zaak_id).eindresultaat is None  # type: ignore[union-attr]


def test_a_refused_move_changes_nothing_and_announces_nothing(session: Session) -> None:
    zaak_id = _zaak(session)
    bus = EventBus()
    heard: list[object] = []
    bus.subscribe(CaseStatusChanged, heard.append)
    refused = [
        (CaseStatus.AFGESLOTEN, WORKER, None),  # closing needs an eindresultaat
        (CaseStatus.AUTOMATISCH_AFGESLOTEN, WORKER, Eindresultaat.GEEN_CONTACT),  # system only
        (CaseStatus.OPGEPAKT, INTAKE, None),  # a worker's move
        (CaseStatus.NOG_NIET_OPGEPAKT, INTAKE, None),  # not in the table
    ]
    for to, by, result in refused:
        with pytest.raises(TransitionRefused):
            transition(session, zaak_id, to, by=by, reason="x", eindresultaat=result, bus=bus)
    with pytest.raises(CaseNotFound):
        transition(session, zaak_id + 1, CaseStatus.OPGEPAKT, by=WORKER, reason="x", bus=bus)
    assert heard == []
    assert session.execute(select(ZaakStatuswijziging)).first() is None
    assert session.get(Zaak, zaak_id).versie == 0  # type: ignore[union-attr]


def test_a_stale_version_is_refused(session: Session) -> None:
    zaak_id = _zaak(session)
    transition(session, zaak_id, CaseStatus.OPGEPAKT, by=WORKER, reason="gebeld",
               expected_version=0)
    with pytest.raises(CaseChanged) as exc:  # a second worker still looks at version 0
        transition(session, zaak_id, CaseStatus.AFGESLOTEN, by=_worker(18),
                   reason="x", eindresultaat=Eindresultaat.GEEN_CONTACT, expected_version=0)
    assert exc.value.code == "ZAAK_INTUSSEN_GEWIJZIGD"
    session.expire_all()
    assert session.get(Zaak, zaak_id).status == "Opgepakt"  # type: ignore[union-attr]


def test_a_new_signal_puts_a_closed_zaak_back_in_the_werkvoorraad(session: Session) -> None:
    """Workflow move (1): the municipality must act on every signal it picks up."""
    import datetime as dt

    first = signaal(signaaldatum=dt.date(2026, 3, 2))
    run_intake([first], session=session, source="test", ontvangen_op=dt.date(2026, 3, 2))
    zaak_id = session.execute(select(Zaak.id)).scalar_one()
    transition(session, zaak_id, CaseStatus.AFGESLOTEN, by=WORKER, reason="advies",
               eindresultaat=Eindresultaat.BUDGETADVIES)
    session.execute(  # it was overdue before it was closed
        WerkvoorraadItem.__table__.update().values(te_laat_sinds=dt.date(2026, 3, 20))
    )
    session.commit()
    heard: list[CaseStatusChanged] = []
    later = signaal(signaalId="LATER-1", signaalpartner="Energie", schuldeiser="EN-TEST",
                    klantreferentie="E-9", signaaldatum=dt.date(2026, 3, 25))
    with BUS.listen(CaseStatusChanged, heard.append):
        result = run_intake([later], session=session, source="test",
                            ontvangen_op=dt.date(2026, 3, 26))
    assert [o.zaak_id for o in result.outcomes] == [zaak_id]
    assert [(e.old, e.new, e.by, e.role.value) for e in heard] == [
        (CaseStatus.AFGESLOTEN, CaseStatus.NOG_NIET_OPGEPAKT, "intake", "systeem")]
    session.expire_all()
    zaak = session.get(Zaak, zaak_id)
    assert zaak is not None
    assert (zaak.status, zaak.eindresultaat, zaak.versie, zaak.aantal_signalen) == (
        "Nog niet opgepakt", None, 2, 2)
    item = session.execute(select(WerkvoorraadItem)).scalar_one()
    assert (item.status, item.te_laat_sinds) == ("Nog niet opgepakt", None)
    assert item.uiterste_datum == dt.date(2026, 3, 26) + dt.timedelta(days=14)  # fresh
    history = session.execute(
        select(ZaakStatuswijziging.naar, ZaakStatuswijziging.door).order_by(ZaakStatuswijziging.id)
    ).all()
    assert [tuple(h) for h in history] == [("Afgesloten", "gebruiker:17"),
                                           ("Nog niet opgepakt", "intake")]
