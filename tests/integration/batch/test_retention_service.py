# SPDX-License-Identifier: EUPL-1.2
"""The retention purge on PostgreSQL (DOMAIN.md step 9): exactly the expired records go,
the deletion log proves it, a dry run changes nothing, a rerun deletes nothing more."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from batch.folders import BatchFolders
from batch.retention import purge_batch_files
from tests.factories import signaal
from tests.integration.batch.scenarios import PEILDATUM, build_retention_scenario
from vroegsignaal.dates import add_months
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.retention.auto_closing import close_expired
from vroegsignaal.retention.policy import RetentionPolicy, RetentionPolicyError
from vroegsignaal.retention.purge import purge
from vroegsignaal.storage.db import session_factory
from vroegsignaal.storage.tables import (
    Adreskoppeling,
    AuditLog,
    Contactpoging,
    IntakeBatch,
    IntakeWeigering,
    Signaal,
    Terugkoppeling,
    VerwijderLog,
    WerkvoorraadItem,
    Zaak,
    ZaakBewaargrond,
    ZaakStatuswijziging,
    ZaakToewijzing,
)

pytestmark = pytest.mark.integration
TABLES = {
    "signaal": Signaal,
    "zaak": Zaak,
    "werkvoorraad_item": WerkvoorraadItem,
    "intake_weigering": IntakeWeigering,
    "audit_log": AuditLog,
    "intake_batch": IntakeBatch,
    "zaak_statuswijziging": ZaakStatuswijziging,
    "contactpoging": Contactpoging,
    "zaak_toewijzing": ZaakToewijzing,
    "zaak_bewaargrond": ZaakBewaargrond,
    "terugkoppeling": Terugkoppeling,
}


@pytest.fixture
def session(pg_url: str) -> Iterator[Session]:
    s = session_factory(pg_url)()
    yield s
    s.close()


def _existing(session: Session, table: str, ids: set[Any]) -> set[Any]:
    if not ids:
        return set()
    model = TABLES[table]
    key = model.batch_id if model is IntakeBatch else model.id
    return set(session.scalars(select(key).where(key.in_(ids))))


def _logged(session: Session, run_id: str) -> dict[str, set[Any]]:
    out: dict[str, set[Any]] = {}
    for row in session.scalars(select(VerwijderLog).where(VerwijderLog.run_id == run_id)):
        assert row.aantal == len(row.ids) and row.peildatum == PEILDATUM and row.grond
        out.setdefault(row.tabel, set()).update(row.ids)
    return out


def test_purge_removes_exactly_the_expired_records_and_logs_them(session: Session) -> None:
    sc = build_retention_scenario(session)
    policy = RetentionPolicy.load()

    dry = purge(session, peildatum=PEILDATUM, run_id="droog", policy=policy, dry_run=True)
    assert dry["gepland"] == {t: len(ids) for t, ids in sc.delete.items()}
    assert dry["verwijderd"] == {} and _logged(session, "droog") == {}
    for table, ids in sc.delete.items():
        assert _existing(session, table, ids) == ids, "a dry run deletes nothing"

    done = purge(session, peildatum=PEILDATUM, run_id="echt", policy=policy)
    assert done["verwijderd"] == {t: len(ids) for t, ids in sc.delete.items()}
    # Kept past their date: the zaak under its ground with what it holds, the batch row a
    # refusal needs; without a ground: the open zaak nobody closed (the purge alone ran).
    assert done["bewaard_over_termijn"] == {
        "bewaargrond: Bezwaar, beroep of klacht loopt": {
            "zaak": 1, "signaal": 1, "werkvoorraad_item": 1, "zaak_statuswijziging": 1,
            "zaak_bewaargrond": 1},
        "intake-batch: een weigering die blijft verwijst ernaar": {"intake_batch": 1},
    }
    assert done["zonder_grond"] == {"zaak": 1, "signaal": 1, "werkvoorraad_item": 1}
    assert _logged(session, "echt") == sc.delete, "the log names exactly what went"
    for table, ids in sc.delete.items():
        assert _existing(session, table, ids) == set(), table
    for table, ids in sc.keep.items():
        assert _existing(session, table, ids) == ids, table

    again = purge(session, peildatum=PEILDATUM, run_id="nogmaals", policy=policy)
    assert again["verwijderd"] == {} and _logged(session, "nogmaals") == {}


def test_an_address_link_goes_with_its_zaken_and_is_logged(session: Session) -> None:
    """Number 3 with and without an addition: two zaken linked "mogelijk hetzelfde adres"
    (docs/adressen.md). Nobody works them, the nightly run closes them at their maximum
    age, and the purge deletes the link with them, in the log like every other row."""
    received = dt.date(2026, 1, 12)
    messages = [
        signaal(signaalId=sid, schuldeiser=creditor, signaalpartner=partner,
                klantreferentie=f"K-{sid}", signaaldatum=received - dt.timedelta(days=1),
                ontstaansdatum=received - dt.timedelta(days=45), client__huisnummer="3",
                client__huisnummertoevoeging=addition, client__postcode="3511 AB")
        for sid, creditor, partner, addition in (("E-1", "EN-X", "Energie", None),
                                                 ("W-1", "WBV-X", "Huur", "hs"))
    ]
    run_intake(messages, session=session, source="test", ontvangen_op=received)
    (link,) = session.scalars(select(Adreskoppeling.id))
    closing = close_expired(session, peildatum=add_months(received, 6))
    assert closing.as_dict()["gesloten"] == 2
    session.commit()
    day = add_months(received, 12)  # 6 months after the closing: due
    done = purge(session, peildatum=day, run_id="koppeling")
    assert done["verwijderd"]["zaak"] == 2 and done["verwijderd"]["adreskoppeling"] == 1
    logged = session.scalars(select(VerwijderLog).where(
        VerwijderLog.run_id == "koppeling", VerwijderLog.tabel == "adreskoppeling")).all()
    assert [(r.ids, r.aantal) for r in logged] == [([link], 1)]
    assert session.scalar(select(func.count()).select_from(Adreskoppeling)) == 0


def test_log_holds_no_personal_data(session: Session) -> None:
    build_retention_scenario(session)
    purge(session, peildatum=PEILDATUM, run_id="echt", policy=RetentionPolicy.load())
    columns = set(VerwijderLog.__table__.columns.keys())
    assert columns == {
        "id",
        "run_id",
        "peildatum",
        "verwijderd_op",
        "tabel",
        "grond",
        "aantal",
        "ids",
    }
    for row in session.scalars(select(VerwijderLog)):
        # internal row ids; intake batches have uuid hex ids (counts only, no resident)
        assert all(
            isinstance(i, int) or (row.tabel == "intake_batch" and len(i) <= 40) for i in row.ids
        )
        assert "Testhuizen" not in row.grond and "3511" not in row.grond


def test_a_term_per_status_overrides_the_default(session: Session) -> None:
    sc = build_retention_scenario(session)
    policy = RetentionPolicy.from_dict(
        {"signaal_zonder_zaak_maanden": {"Niet opgepakt: herhaalde melding": 3}}
    )
    purge(session, peildatum=PEILDATUM, run_id="kort", policy=policy)
    logged = _logged(session, "kort")
    assert sc.repeat_signal in logged["signaal"], "3 months after 15 June have passed"
    assert _existing(session, "signaal", {sc.repeat_signal}) == set()
    assert (
        session.scalar(
            select(func.count())
            .select_from(VerwijderLog)
            .where(VerwijderLog.grond.contains("3 maanden na ontvangst"))
        )
        == 1
    )


@pytest.mark.parametrize(
    "data",
    [
        {"signaal_zonder_zaak_maanden": {"Opgepakt": 6}},
        {"signaal_zonder_zaak_maanden": {"Nog niet opgepakt": 6}},
        {"signaal_zonder_zaak_maanden": {"Niet opgepakt: herhaald": 6}},
        {"signaal_zonder_zaak_maanden": {"Niet opgepakt: herhaalde melding": 0}},
        {"zaak_behouden_bij_eindresultaat": ["Vervolghulp"]},
        {"batchbestand_dagen": {"verwerkt": 7}},
        {"bewaartermijn": 6},
    ],
)
def test_a_misspelt_policy_is_refused(data: dict) -> None:
    with pytest.raises(RetentionPolicyError):
        RetentionPolicy.from_dict(data)


def test_keeping_zaken_by_their_result_is_gone() -> None:
    """The blanket rule that kept every debt-help zaak is replaced by recorded grounds: a
    policy file that still has it is refused, saying so (ADR 0018)."""
    with pytest.raises(RetentionPolicyError, match="record a legal ground"):
        RetentionPolicy.from_dict(
            {"zaak_behouden_bij_eindresultaat": ["Vervolghulp en/of verwijzing"]})


def test_delivered_files_go_after_their_term(session: Session, tmp_path: Path) -> None:
    folders = BatchFolders(tmp_path / "inbox", tmp_path / "work")
    runs = {}
    for stage, name, age_days in (
        ("processed", "oud", 8),
        ("processed", "vers", 6),
        ("quarantine", "oud", 31),
        ("quarantine", "vers", 29),
    ):
        run = folders.work / stage / "WBV-A" / name
        run.mkdir(parents=True)
        (run / "bestand.csv").write_text("persoonsgegevens")
        stamp = time.mktime((PEILDATUM - dt.timedelta(days=age_days)).timetuple()) + 43200
        os.utime(run, (stamp, stamp))
        runs[(stage, name)] = run
    policy = RetentionPolicy.load()
    counts = purge_batch_files(
        session,
        folders=folders,
        policy=policy,
        peildatum=PEILDATUM,
        run_id="bestanden",
        dry_run=True,
    )
    assert counts == {"processed": 1, "quarantine": 1}
    assert all(run.exists() for run in runs.values())
    purge_batch_files(
        session, folders=folders, policy=policy, peildatum=PEILDATUM, run_id="bestanden"
    )
    assert {k for k, run in runs.items() if run.exists()} == {
        ("processed", "vers"),
        ("quarantine", "vers"),
    }
    logged = {r.tabel: r.aantal for r in session.scalars(select(VerwijderLog))}
    assert logged == {"batchbestand:processed": 1, "batchbestand:quarantine": 1}
