# SPDX-License-Identifier: EUPL-1.2
"""Database states for the retention and queue tests, built through the real intake pipeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from tests.factories import signaal
from vroegsignaal.accounts.principal import SystemPrincipal
from vroegsignaal.audit.log import record
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.storage.tables import AuditLog, IntakeBatch, IntakeWeigering, Signaal, Zaak

MAART = dt.date(2026, 3, 10)
PEILDATUM = dt.date(2026, 10, 1)  # six months after March have passed, after May not yet


@dataclass
class RetentionScenario:
    """Ids of what must go and what must stay on PEILDATUM (default policy)."""

    delete: dict[str, set[Any]] = field(default_factory=dict)
    keep: dict[str, set[Any]] = field(default_factory=dict)
    repeat_signal: int = 0  # a repeat received in June: only goes with a 3-month term

    def add(self, which: str, table: str, ids: set[Any]) -> None:
        getattr(self, which).setdefault(table, set()).update(ids)


def _one(session: Session, msg: dict, received: dt.date) -> int:
    result = run_intake([msg], session=session, source="test", ontvangen_op=received)
    (outcome,) = result.outcomes
    if outcome.reden.stored:
        return session.scalar(select(Signaal.id).where(Signaal.signaal_id == outcome.signaal_id))  # type: ignore[return-value]
    return 0


def _case_of(session: Session, signal_id: int) -> tuple[int, int]:
    from vroegsignaal.storage.tables import WerkvoorraadItem

    zaak_id = session.scalar(select(Signaal.zaak_id).where(Signaal.id == signal_id))
    item = session.scalar(select(WerkvoorraadItem.id).where(WerkvoorraadItem.zaak_id == zaak_id))
    return zaak_id, item  # type: ignore[return-value]


def _close(session: Session, zaak_id: int, eindresultaat: str) -> None:
    session.execute(
        update(Zaak)
        .where(Zaak.id == zaak_id)
        .values(eindresultaat=eindresultaat, status="afgerond")
    )
    session.commit()


def build_retention_scenario(session: Session) -> RetentionScenario:
    sc = RetentionScenario()

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

    # Closed without follow-up help: the case, its signal and queue item go.
    sid, zid, item = case(1, MAART, "Definitief geen contact kunnen krijgen")
    sc.add("delete", "signaal", {sid})
    sc.add("delete", "zaak", {zid})
    sc.add("delete", "werkvoorraad_item", {item})
    # Still open, or a debt-help file: stays, whatever its date.
    for n, result in ((2, None), (3, "Vervolghulp en/of verwijzing")):
        sid, zid, item = case(n, MAART, result)
        sc.add("keep", "signaal", {sid})
        sc.add("keep", "zaak", {zid})
        sc.add("keep", "werkvoorraad_item", {item})

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

    # The audit trail is written only through record() (a hash chain); the action's time
    # dates the row: 24 months on.
    for moment in (dt.datetime(2024, 9, 30, 12, tzinfo=dt.UTC),
                   dt.datetime(2025, 9, 30, 12, tzinfo=dt.UTC)):
        record(session, SystemPrincipal("test"), actie="lees", doel="r", resultaat="ok",
               now=moment)
    session.commit()
    audit_rows = session.execute(select(AuditLog.id).order_by(AuditLog.volgnummer)
                                 ).scalars().all()
    sc.add("delete", "audit_log", {audit_rows[0]})
    sc.add("keep", "audit_log", {audit_rows[1]})
    return sc
