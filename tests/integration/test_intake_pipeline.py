# SPDX-License-Identifier: EUPL-1.2
"""The intake pipeline end to end on SQLite and the real PostgreSQL (DOMAIN.md steps 1-7)."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from batch.files import ingest_file
from tests.factories import UTRECHT, signaal
from vroegsignaal.config import get_settings
from vroegsignaal.contract.io import write_jsonl
from vroegsignaal.eligibility.brp import BrpStatus
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.privacy.crypto import IdentifierCipher, associated_data
from vroegsignaal.queue.deadlines import add_werkdagen
from vroegsignaal.storage.tables import (
    IntakeBatch,
    IntakeWeigering,
    Signaal,
    WerkvoorraadItem,
    Zaak,
)

pytestmark = pytest.mark.integration
MAART = dt.date(2026, 3, 10)


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _ingest(session: Session, *messages: dict, **kw) -> list[ReasonCode]:
    result = run_intake(
        list(messages),
        session=session,
        source="test",
        ontvangen_op=kw.pop("ontvangen_op", MAART),
        **kw,
    )
    return [o.reden for o in result.outcomes]


def test_accepted_signal_becomes_case_and_queue_item(session: Session) -> None:
    assert _ingest(session, signaal()) == [ReasonCode.OPGEPAKT]
    zaak = session.execute(select(Zaak)).scalar_one()
    item = session.execute(select(WerkvoorraadItem)).scalar_one()
    sig = session.execute(select(Signaal)).scalar_one()
    assert (zaak.gemeentecode, zaak.zaaktype, zaak.aantal_signalen) == (UTRECHT, "enkelvoudig", 1)
    assert sig.zaak_id == zaak.id and sig.status == "Nog niet opgepakt" and sig.pc4 == "3511"
    assert item.zaak_id == zaak.id
    assert item.uiterste_datum == MAART + dt.timedelta(days=14)
    assert item.prioriteit_redenen, "the priority must show its reasons"
    assert sig.bewaren_tot == dt.date(2026, 9, 10)


def test_replaying_a_file_twice_stores_nothing_new(session: Session, tmp_path) -> None:
    path = tmp_path / "batch.jsonl"
    msgs = [
        signaal(signaalId=f"R-{i}", klantreferentie=f"K-{i}", client__huisnummer=str(i + 1))
        for i in range(50)
    ]
    msgs.append({"signaalId": "kapot"})  # invalid: refused with a reason, every time
    write_jsonl(path, msgs)
    first = ingest_file(path, session=session, source="test", batch_size=20, ontvangen_op=MAART)
    counts = [_count(session, m) for m in (Signaal, Zaak, WerkvoorraadItem)]
    second = ingest_file(path, session=session, source="test", batch_size=7, ontvangen_op=MAART)
    assert first.per_reden == {"OPGEPAKT": 50, "ONGELDIG_BERICHT": 1}
    assert second.per_reden == {"DUPLICAAT": 50, "ONGELDIG_BERICHT": 1}
    assert [_count(session, m) for m in (Signaal, Zaak, WerkvoorraadItem)] == counts == [50] * 3
    assert _count(session, IntakeWeigering) == 1, "a re-delivered refused line is one refusal"


def test_a_refused_signal_is_one_refusal_however_often_it_is_sent(session: Session) -> None:
    objected = signaal(signaalId="BZ-7", bezwaar=True)
    future = signaal(signaalId="TOEKOMST-1", signaaldatum=MAART + dt.timedelta(days=30))
    for _ in range(3):
        assert _ingest(session, objected, future) == [ReasonCode.BEZWAAR,
                                                      ReasonCode.ONGELDIG_BERICHT]
    rows = session.execute(select(IntakeWeigering.signaal_id, IntakeWeigering.reden)).all()
    assert sorted(rows) == [("BZ-7", "BEZWAAR"), ("TOEKOMST-1", "ONGELDIG_BERICHT")]


def test_unreadable_messages_are_told_apart_by_where_they_came_from(session: Session) -> None:
    from vroegsignaal.contract.raw import RawInput

    def at(offset: int) -> RawInput:
        return RawInput(0, None, "ONGELDIGE_JSON", f"kafka:t:0:{offset}")

    for batch in ([at(5), at(6)], [at(5)], [at(6), at(7)]):  # offsets 5 and 6 replayed
        run_intake(batch, session=session, source="test", ontvangen_op=MAART)
    assert _count(session, IntakeWeigering) == 3
    # Without a known origin every delivery counts: nothing can tell two of them apart.
    for _ in range(2):
        run_intake([{"signaalId": "x" * 80}], session=session, source="test", ontvangen_op=MAART)
    assert _count(session, IntakeWeigering) == 5


def test_a_lost_unique_key_race_is_run_again_as_a_replay(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vroegsignaal.storage import intake_repository

    msg = signaal(signaalId="RACE-1")
    assert _ingest(session, msg) == [ReasonCode.OPGEPAKT]
    # Another writer stored RACE-1 after this batch's check: the check saw nothing.
    real = intake_repository.stored_reasons
    calls: list[int] = []

    def stale_then_real(*args, **kw):  # type: ignore[no-untyped-def]
        calls.append(1)
        return {} if len(calls) == 1 else real(*args, **kw)

    monkeypatch.setattr(intake_repository, "stored_reasons", stale_then_real)
    other = signaal(signaalId="RACE-2", klantreferentie="K-RACE-2", client__huisnummer="99")
    assert _ingest(session, dict(msg), other) == [ReasonCode.DUPLICAAT, ReasonCode.OPGEPAKT]
    assert len(calls) == 2
    assert _count(session, Signaal) == 2 and _count(session, Zaak) == 2


def test_duplicate_within_one_batch_is_stored_once(session: Session) -> None:
    msg = signaal()
    assert _ingest(session, msg, dict(msg)) == [ReasonCode.OPGEPAKT, ReasonCode.DUPLICAAT]
    assert _count(session, Signaal) == 1


def test_objected_signal_is_refused_and_not_stored(session: Session) -> None:
    assert _ingest(session, signaal(bezwaar=True)) == [ReasonCode.BEZWAAR]
    assert _count(session, Signaal) == 0
    refusal = session.execute(select(IntakeWeigering)).scalar_one()
    assert refusal.reden == "BEZWAAR" and refusal.signaal_id.startswith("T-")
    assert ReasonCode.BEZWAAR.ddas_status.value == "Niet opgepakt: onterecht signaal"


def test_invalid_message_names_fields_never_values(session: Session) -> None:
    bad = signaal(bedrag=12.5, client__postcode="Geheimstraat 1")
    result = run_intake([bad], session=session, source="test", ontvangen_op=MAART)
    (outcome,) = result.outcomes
    assert outcome.reden is ReasonCode.ONGELDIG_BERICHT
    assert {d["veld"] for d in outcome.details} == {"bedrag", "client.postcode"}
    stored = session.execute(select(IntakeWeigering)).scalar_one()
    assert "Geheimstraat" not in str(stored.details) and "12.5" not in str(stored.details)


def test_unknown_fields_are_counted_and_never_stored(session: Session, db_url: str) -> None:
    msg = signaal(
        bsn="999999990",
        opmerking="ZEER-GEHEIM-VRIJE-TEKST",
        client__nationaliteit="GEHEIM-NATIONALITEIT",
    )
    result = run_intake([msg], session=session, source="test", ontvangen_op=MAART)
    assert result.outcomes[0].reden is ReasonCode.OPGEPAKT
    assert result.verwijderde_velden == {"bsn": 1, "opmerking": 1, "client.nationaliteit": 1}
    batch = session.execute(select(IntakeBatch)).scalar_one()
    assert batch.verwijderde_velden == {"bsn": 1, "opmerking": 1, "client.nationaliteit": 1}
    # Inspect every raw table: none of the values may appear anywhere, in clear or not.
    dump = _raw_dump(session)
    for secret in ("999999990", "ZEER-GEHEIM-VRIJE-TEKST", "GEHEIM-NATIONALITEIT"):
        assert secret not in dump
    # ... and not inside the ciphertext either: decrypt it and look.
    sig = session.execute(select(Signaal)).scalar_one()
    cipher = IdentifierCipher.from_settings(get_settings())
    clear = cipher.open(
        sig.identificatie, associated_data(sig.schuldeiser, sig.signaal_id), sig.sleutel_id
    )
    assert clear["achternaam"] == "Testhuizen" and clear["telefoonnummer"] == "+31612345678"
    assert not {"bsn", "opmerking", "nationaliteit"} & set(clear)


def _raw_dump(session: Session) -> str:
    tables = [
        r[0]
        for r in session.execute(
            text(
                "SELECT name FROM sqlite_master WHERE type='table'"
                if session.get_bind().dialect.name == "sqlite"
                else "SELECT tablename FROM pg_tables WHERE schemaname='public'"
            )
        )
    ]
    parts = []
    for table in tables:
        for row in session.execute(text(f'SELECT * FROM "{table}"')):
            parts.append(repr(tuple(row)))
    return "\n".join(parts)


def test_pg_dump_does_not_reveal_direct_identifiers(pg_url: str, tmp_path) -> None:
    from vroegsignaal.storage.db import session_factory

    with session_factory(pg_url)() as s:
        _ingest(s, signaal())
    url = make_url(pg_url)
    dump = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "-h",
            url.host,
            "-p",
            str(url.port),
            "-U",
            url.username,
            url.database,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={"PGPASSWORD": url.password or ""},
    ).stdout
    assert "COPY public.signaal" in dump and "WBV-TEST" in dump  # the dump is real
    for identifier in (
        "Testhuizen",
        "Proefstraat",
        "1979-04-02",
        "3511AB",
        "3511 AB",
        "612345678",
        "example.org",
        "K-1001",
    ):
        assert identifier not in dump, identifier


@pytest.mark.parametrize(
    ("second_bedrag", "expected"),
    [
        (900, ReasonCode.HERHAALDE_MELDING),
        (800, ReasonCode.HERHAALDE_MELDING),
        (901, ReasonCode.OPGEPAKT),
    ],
)
def test_repeat_signal_rule(session: Session, second_bedrag: int, expected: ReasonCode) -> None:
    """DOMAIN.md step 3: same creditor and arrears, picked up recently, amount not increased."""
    ontstaan = dt.date(2026, 1, 20)
    first = signaal(signaaldatum=dt.date(2026, 3, 1), ontstaansdatum=ontstaan)
    assert _ingest(session, first) == [ReasonCode.OPGEPAKT]
    again = signaal(signaaldatum=dt.date(2026, 4, 1), ontstaansdatum=ontstaan, bedrag=second_bedrag)
    assert _ingest(session, again, ontvangen_op=dt.date(2026, 4, 1)) == [expected]
    sig = session.execute(select(Signaal).where(Signaal.signaaldatum == dt.date(2026, 4, 1)))
    stored = sig.scalar_one()
    assert stored.reden == expected.value
    assert (stored.zaak_id is None) == (expected is ReasonCode.HERHAALDE_MELDING)
    if expected is ReasonCode.HERHAALDE_MELDING:
        assert stored.status == "Niet opgepakt: herhaalde melding"


def test_three_signals_on_one_address_in_one_month_form_one_multiple_case(
    session: Session,
) -> None:
    msgs = [
        signaal(schuldeiser="WBV-TEST", signaalpartner="Huur", signaaldatum=dt.date(2026, 3, 2)),
        signaal(
            schuldeiser="ZV-TEST",
            signaalpartner="Zorg",
            klantreferentie="Z-9",
            signaaldatum=dt.date(2026, 3, 9),
            client__achternaam="Anders",
        ),
        signaal(
            schuldeiser="EN-TEST",
            signaalpartner="Energie",
            klantreferentie="E-7",
            signaaldatum=dt.date(2026, 3, 20),
            client__huisnummertoevoeging=" - A ",
        ),
    ]
    # In separate batches too: matching must find the open case in the database.
    assert _ingest(session, msgs[0]) == [ReasonCode.OPGEPAKT]
    assert _ingest(session, *msgs[1:], ontvangen_op=dt.date(2026, 3, 21)) == [
        ReasonCode.OPGEPAKT,
        ReasonCode.OPGEPAKT,
    ]
    zaak = session.execute(select(Zaak)).scalar_one()
    assert (zaak.zaaktype, zaak.aantal_signalen) == ("meervoudig", 3)
    assert _count(session, WerkvoorraadItem) == 1
    item = session.execute(select(WerkvoorraadItem)).scalar_one()
    assert "3 schuldeisers tegelijk" in item.prioriteit_redenen


def test_earlier_signal_within_six_months_makes_case_consecutive(session: Session) -> None:
    assert _ingest(session, signaal(signaaldatum=dt.date(2026, 1, 10))) == [ReasonCode.OPGEPAKT]
    later = signaal(
        schuldeiser="ZV-TEST",
        signaalpartner="Zorg",
        klantreferentie="Z-1",
        signaaldatum=dt.date(2026, 5, 5),
    )
    assert _ingest(session, later, ontvangen_op=dt.date(2026, 5, 5)) == [ReasonCode.OPGEPAKT]
    types = session.execute(
        select(Zaak.matchingsperiode, Zaak.zaaktype).order_by(Zaak.matchingsperiode)
    ).all()
    assert [t[1] for t in types] == ["enkelvoudig", "opeenvolgend"]


def test_crisis_signal_gets_three_working_days(session: Session) -> None:
    # Received Thursday 23 April 2026: Friday 24, Koningsdag Monday 27 April is a holiday,
    # so the third working day is Wednesday 29 April.
    ontvangen = dt.date(2026, 4, 23)
    crisis = signaal(
        crisissignaal=True,
        signaalpartner="Energie",
        schuldeiser="EN-TEST",
        signaaldatum=ontvangen,
        ontstaansdatum=ontvangen - dt.timedelta(days=150),
        bedrag=20,
    )
    assert _ingest(session, crisis, ontvangen_op=ontvangen) == [ReasonCode.OPGEPAKT]
    item = session.execute(select(WerkvoorraadItem)).scalar_one()
    assert item.crisis is True
    assert item.uiterste_datum == dt.date(2026, 4, 29) == add_werkdagen(ontvangen, 3)


@pytest.mark.parametrize(
    ("overrides", "reason", "status"),
    [
        (
            {"client__postcode": "1099 AA"},
            ReasonCode.ONBEKENDE_POSTCODE,
            "Persoon is geen inwoner (meer) in de gemeente",
        ),
        (
            {"ontstaansdatum": MAART - dt.timedelta(days=20)},
            ReasonCode.BUITEN_TERMIJN,
            "Niet opgepakt: onterecht signaal",
        ),
        (
            {"ontstaansdatum": MAART - dt.timedelta(days=101)},
            ReasonCode.BUITEN_TERMIJN,
            "Niet opgepakt: onterecht signaal",
        ),
        (
            {"signaalpartner": "Zorg", "bedrag": 49},
            ReasonCode.ONDER_MINIMUMBEDRAG,
            "Niet opgepakt: andere reden",
        ),
        (
            {"client__achternaam": "Vastgoed Holding B.V."},
            ReasonCode.RECHTSPERSOON,
            "Niet opgepakt: onterecht signaal",
        ),
    ],
)
def test_refused_signals_are_stored_with_ddas_status(
    session: Session, overrides: dict, reason: ReasonCode, status: str
) -> None:
    assert _ingest(session, signaal(**overrides)) == [reason]
    sig = session.execute(select(Signaal)).scalar_one()
    assert (sig.reden, sig.status, sig.zaak_id) == (reason.value, status, None)
    assert _count(session, Zaak) == 0


class _FakeBrp:
    def __init__(self, status: BrpStatus) -> None:
        self._status = status

    def status(self, bericht, postcode) -> BrpStatus:  # type: ignore[no-untyped-def]
        return self._status


@pytest.mark.parametrize(
    ("brp", "reason"),
    [
        (BrpStatus.OVERLEDEN, ReasonCode.OVERLEDEN),
        (BrpStatus.NIET_INGESCHREVEN, ReasonCode.NIET_INGESCHREVEN),
        (BrpStatus.INGESCHREVEN, ReasonCode.OPGEPAKT),
    ],
)
def test_brp_check(session: Session, brp: BrpStatus, reason: ReasonCode) -> None:
    assert _ingest(session, signaal(), brp=_FakeBrp(brp)) == [reason]


def test_inactive_municipality_is_outside(session: Session) -> None:
    from vroegsignaal.storage.tables import GemeenteInstelling

    session.get(GemeenteInstelling, UTRECHT).actief = False
    session.commit()
    assert _ingest(session, signaal()) == [ReasonCode.BUITEN_GEMEENTE]
