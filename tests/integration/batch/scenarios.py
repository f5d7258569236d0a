# SPDX-License-Identifier: EUPL-1.2
"""Database states for the retention and queue tests, built through the real intake pipeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tests.casework import build_world
from tests.factories import signaal
from vroegsignaal.accounts.principal import SystemPrincipal
from vroegsignaal.audit.log import record
from vroegsignaal.cases.assignment import claim
from vroegsignaal.cases.contact import NewAttempt, register_attempt
from vroegsignaal.cases.workflow import CaseStatus, transition
from vroegsignaal.contract.enums import Contactsoort, Eindresultaat
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.retention.grounds import Bewaargrond, record_ground, revoke_ground
from vroegsignaal.storage.tables import (
    AuditLog,
    Contactpoging,
    IntakeBatch,
    IntakeWeigering,
    Signaal,
    Terugkoppeling,
    ZaakStatuswijziging,
    ZaakToewijzing,
)

MAART = dt.date(2026, 3, 10)
PEILDATUM = dt.date(2026, 10, 1)  # six months after March have passed, after May not yet


@dataclass
class RetentionScenario:
    """Ids of what must go and what must stay on PEILDATUM (default policy)."""

    delete: dict[str, set[Any]] = field(default_factory=dict)
    keep: dict[str, set[Any]] = field(default_factory=dict)
    repeat_signal: int = 0  # a repeat received in June: only goes with a 3-month term
    kept_by_ground: int = 0  # a closed zaak past its date that a ground keeps
    open_past_term: int = 0  # an open zaak past its maximum age (nobody closed it)

    def add(self, which: str, table: str, ids: set[Any]) -> None:
        getattr(self, which).setdefault(table, set()).update(ids)


def _one(session: Session, msg: dict, received: dt.date) -> int:
    result = run_intake([msg], session=session, source="test", ontvangen_op=received)
    (outcome,) = result.outcomes
    if outcome.reden.stored:
        return session.scalar(select(Signaal.id).where(Signaal.signaal_id == outcome.signaal_id))  # type: ignore[return-value]
    return 0


def _ids(session: Session, model: Any, zaak_id: int) -> set[int]:
    return set(session.scalars(select(model.id).where(model.zaak_id == zaak_id)))


def _case_of(session: Session, signal_id: int) -> tuple[int, int]:
    from vroegsignaal.storage.tables import WerkvoorraadItem

    zaak_id = session.scalar(select(Signaal.zaak_id).where(Signaal.id == signal_id))
    item = session.scalar(select(WerkvoorraadItem.id).where(WerkvoorraadItem.zaak_id == zaak_id))
    return zaak_id, item  # type: ignore[return-value]


def _close(session: Session, zaak_id: int, eindresultaat: str, by: Any = None) -> None:
    """Closed through the workflow, in March: dated by its result from then on."""
    transition(session, zaak_id, CaseStatus.AUTOMATISCH_AFGESLOTEN if by is None
               else CaseStatus.AFGESLOTEN, by=by or SystemPrincipal("test"),
               reason="test", eindresultaat=Eindresultaat(eindresultaat), day=MAART)


def build_retention_scenario(session: Session) -> RetentionScenario:
    sc = RetentionScenario()
    # The audit trail is written only through record() (a hash chain); the action's time
    # dates the row: 24 months on. These two are the oldest (the closings below add more).
    for moment in (dt.datetime(2024, 9, 30, 12, tzinfo=dt.UTC),
                   dt.datetime(2025, 9, 30, 12, tzinfo=dt.UTC)):
        record(session, SystemPrincipal("test"), actie="lees", doel="r", resultaat="ok",
               now=moment)
    session.commit()
    audit_rows = session.execute(select(AuditLog.id).order_by(AuditLog.volgnummer)
                                 ).scalars().all()
    sc.add("delete", "audit_log", {audit_rows[0]})
    sc.add("keep", "audit_log", {audit_rows[1]})
    world = build_world(session)

    def case(n: int, received: dt.date, eindresultaat: str | None) -> tuple[int, int, int]:
        sid = _one(
            session,
            signaal(
                signaalId=f"Z-{n}",
                klantreferentie=f"KZ-{n}",
                client__huisnummer=str(100 + n),
                signaaldatum=received,
            ),
            received,
        )
        zaak_id, item = _case_of(session, sid)
        if eindresultaat:
            _close(session, zaak_id, eindresultaat)
        return sid, zaak_id, item

    # Refused after storage (below the minimum amount): no case, 6 months after receipt.
    old = _one(
        session,
        signaal(
            signaalId="M-1",
            signaalpartner="Energie",
            bedrag=20,
            klantreferentie="KM-1",
            client__huisnummer="1",
        ),
        MAART,
    )
    new = _one(
        session,
        signaal(
            signaalId="M-2",
            signaalpartner="Energie",
            bedrag=20,
            klantreferentie="KM-2",
            client__huisnummer="2",
            signaaldatum=dt.date(2026, 5, 10),
        ),
        dt.date(2026, 5, 10),
    )
    sc.add("delete", "signaal", {old})
    sc.add("keep", "signaal", {new})

    # Closed in March without follow-up help: the case, its signal and queue item go, and
    # what the closing told the creditor (the outbox row) with them.
    sid, zid, item = case(1, MAART, "Definitief geen contact kunnen krijgen")
    sc.add("delete", "signaal", {sid})
    sc.add("delete", "zaak", {zid})
    sc.add("delete", "werkvoorraad_item", {item})
    sc.add("delete", "zaak_statuswijziging", _ids(session, ZaakStatuswijziging, zid))
    # A debt-help zaak closed in March is dated 84 months on; a zaak received in May is
    # open until November: both stay, neither past its date.
    for n, received, result in ((3, MAART, "Vervolghulp en/of verwijzing"),
                                (2, dt.date(2026, 5, 10), None)):
        sid, zid, item = case(n, received, result)
        sc.add("keep", "signaal", {sid})
        sc.add("keep", "zaak", {zid})
        sc.add("keep", "werkvoorraad_item", {item})
    # Worked by a person and closed in March: its attempt, assignment and history go too.
    sid, zid, item = case(5, MAART, None)
    worker = world.principal(session, "schuldhulpverlener")
    claim(session, worker, zid)
    register_attempt(session, worker, zid, NewAttempt(
        Contactsoort.TELEFOON, dt.datetime(2026, 3, 11, 10, tzinfo=dt.UTC), bereikt=False))
    _close(session, zid, "Definitief geen contact kunnen krijgen", by=worker)
    sc.add("delete", "signaal", {sid})
    sc.add("delete", "zaak", {zid})
    sc.add("delete", "werkvoorraad_item", {item})
    for model in (ZaakStatuswijziging, Contactpoging, ZaakToewijzing):
        sc.add("delete", model.__tablename__, _ids(session, model, zid))
    # Past its date, but an objection runs until 2027: kept, and reported under its ground.
    # A ground that was revoked keeps nothing.
    leader = world.principal(session, "teamleider")
    sid, zid, item = case(6, MAART, "Niet opgepakt: andere reden")
    record_ground(session, leader, zid, Bewaargrond.PROCEDURE, dt.date(2027, 6, 1),
                  day=dt.date(2026, 9, 1))
    sc.kept_by_ground = zid
    sc.add("keep", "signaal", {sid})
    sc.add("keep", "zaak", {zid})
    sc.add("keep", "werkvoorraad_item", {item})
    sid, zid, item = case(7, MAART, "Niet opgepakt: andere reden")
    ground = record_ground(session, leader, zid, Bewaargrond.BEPERKING, dt.date(2027, 6, 1),
                           day=dt.date(2026, 9, 1))
    revoke_ground(session, leader, zid, ground)
    sc.add("delete", "signaal", {sid})
    sc.add("delete", "zaak", {zid})
    sc.add("delete", "werkvoorraad_item", {item})
    sc.add("delete", "zaak_bewaargrond", {ground})
    sc.add("delete", "zaak_statuswijziging", _ids(session, ZaakStatuswijziging, zid))
    # Received in March and still open on 1 October: past its maximum age. The purge alone
    # keeps it without a ground (reported); the nightly run closes it first.
    sid, zid, item = case(8, MAART, None)
    sc.open_past_term = zid
    sc.add("keep", "signaal", {sid})
    sc.add("keep", "zaak", {zid})
    sc.add("keep", "werkvoorraad_item", {item})
    # What the March closings told the creditors is kept 6 months (four rows: zaken 1, 3, 6
    # and 7; zaak 5's creditor heard "Opgepakt" at the claim, today, and again at closing).
    told = set(session.scalars(select(Terugkoppeling.id)
                               .where(Terugkoppeling.bewaren_tot <= PEILDATUM)))
    assert len(told) == 4, told
    sc.add("delete", "terugkoppeling", told)

    # A repeat in June (picked up on 1 June, the same arrears again on 15 June).
    first = _one(
        session,
        signaal(
            signaalId="H-1",
            klantreferentie="KH",
            client__huisnummer="77",
            signaaldatum=dt.date(2026, 6, 1),
        ),
        dt.date(2026, 6, 1),
    )
    repeat = _one(
        session,
        signaal(
            signaalId="H-2",
            klantreferentie="KH",
            client__huisnummer="77",
            signaaldatum=dt.date(2026, 6, 15),
            ontstaansdatum=dt.date(2026, 4, 17),
        ),
        dt.date(2026, 6, 15),
    )
    status = session.scalar(select(Signaal.status).where(Signaal.id == repeat))
    assert status == "Niet opgepakt: herhaalde melding", status
    sc.repeat_signal = repeat
    sc.add("keep", "signaal", {first, repeat})

    # A refused message (the resident objected) in March: its refusal row goes; the
    # intake batch row (counts only, 24 months) stays.
    run_intake(
        [signaal(signaalId="BZ-1", bezwaar=True)],
        session=session,
        source="test",
        ontvangen_op=MAART,
    )
    refusal = session.scalar(select(IntakeWeigering.id).where(IntakeWeigering.signaal_id == "BZ-1"))
    sc.add("delete", "intake_weigering", {refusal})  # type: ignore[arg-type]

    # Intake batch rows hold counts only (24 months): one past its date goes, one past its
    # date that a live refusal row still points at stays.
    session.execute(
        insert(IntakeBatch),
        [
            {
                "batch_id": bid,
                "bron": "test",
                "ontvangen_op": dt.datetime(2024, 9, 1, tzinfo=dt.UTC),
                "aantallen": {"OPGEPAKT": 1},
                "verwijderde_velden": {},
                "bewaren_tot": dt.date(2026, 9, 1),
            }
            for bid in ("oude-batch", "batch-met-weigering")
        ],
    )
    session.execute(
        insert(IntakeWeigering),
        [
            {
                "sleutel": "scenario-weigering",
                "batch_id": "batch-met-weigering",
                "bron": "test",
                "positie": 1,
                "schuldeiser": None,
                "signaal_id": None,
                "reden": "ONGELDIG_BERICHT",
                "details": [],
                "bewaren_tot": dt.date(2027, 1, 1),
            }
        ],
    )
    session.commit()
    sc.add("delete", "intake_batch", {"oude-batch"})
    sc.add("keep", "intake_batch", {"batch-met-weigering"})

    return sc
