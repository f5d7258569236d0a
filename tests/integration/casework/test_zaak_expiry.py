# SPDX-License-Identifier: EUPL-1.2
"""The maximum age of an open zaak on PostgreSQL (issue 13, ADR 0018): the "bijna verlopen"
werkbakje and counts, the automatic closing with the eindresultaat that fits, what the
creditor is told, the audit entry, and a contact attempt that restarts the clock."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.casework import AMSTERDAM, UTRECHT, World, new_zaak, zaak_row
from vroegsignaal.cases import werkbakjes
from vroegsignaal.cases.assignment import claim
from vroegsignaal.cases.contact import NewAttempt, register_attempt
from vroegsignaal.cases.expiry import count_nearly_expired
from vroegsignaal.cases.overview import overview
from vroegsignaal.cases.werkvoorraad import WerkvoorraadFilter, page
from vroegsignaal.contract.enums import Contactsoort, Eindresultaat
from vroegsignaal.dates import add_months, today
from vroegsignaal.retention.auto_closing import close_expired
from vroegsignaal.storage.tables import (
    AuditLog,
    Contactpoging,
    GemeenteInstelling,
    Signaal,
    Terugkoppeling,
    WerkvoorraadItem,
    ZaakStatuswijziging,
)

pytestmark = pytest.mark.integration
AUTO = "Automatisch afgesloten"


def _ids(rows: list) -> set[int]:
    return {r.zaak_id for r in rows}


def test_nearly_expired_werkbakje_and_counts(pg_session: Session, world: World) -> None:
    """Open zaken within the warning days (14 by default) of their maximum age (6 months
    after the last signal) show under the filter `bijnaVerlopen` and in a werkbakje saved
    with it, for the worker and the teamleider of the team; the manager's overview and the
    core count (the KPIs') count them; another municipality's zaak is in neither."""
    s = pg_session
    received = dt.date(2026, 3, 10)
    expiring = new_zaak(s, signaaldatum=received)  # expires 2026-09-10
    later = new_zaak(s, signaaldatum=dt.date(2026, 4, 10))  # expires 2026-10-10
    foreign = new_zaak(s, AMSTERDAM, signaaldatum=received)
    peildatum = dt.date(2026, 9, 1)  # 9 days before the first one expires
    assert zaak_row(s, expiring).bewaren_tot == dt.date(2026, 9, 10)
    assert zaak_row(s, expiring).laatste_activiteit_op == received

    worker = world.principal(s, "schuldhulpverlener")
    lead = world.principal(s, "teamleider")
    for who in (worker, lead):
        shown = page(s, who, WerkvoorraadFilter(bijnaVerlopen=True), peildatum=peildatum).rows
        assert _ids(shown) == {expiring}
        (row,) = shown
        assert row.bijna_verlopen and row.verloopt_op == dt.date(2026, 9, 10)
        rest = page(s, who, WerkvoorraadFilter(bijnaVerlopen=False), peildatum=peildatum).rows
        assert _ids(rest) == {later}
    tray = werkbakjes.create_tray(s, lead, team_id=world.teams["utrecht"], naam="Bijna verlopen",
                                  filters=WerkvoorraadFilter(bijnaVerlopen=True))
    in_tray = page(s, worker, WerkvoorraadFilter(), werkbakje_id=tray.id, peildatum=peildatum)
    assert _ids(in_tray.rows) == {expiring}
    amsterdam = page(s, world.principal(s, "amsterdammer"), WerkvoorraadFilter(bijnaVerlopen=True),
                     peildatum=peildatum).rows
    assert _ids(amsterdam) == {foreign}

    (figures,) = overview(s, world.principal(s, "manager"), peildatum=peildatum)
    assert figures["gemeentecode"] == UTRECHT and figures["bijnaVerlopen"] == 1
    assert count_nearly_expired(s, gemeenten=[UTRECHT, AMSTERDAM], peildatum=peildatum) == {
        UTRECHT: 1, AMSTERDAM: 1}

    # The warning days are the municipality's: 40 days ahead takes in the second one.
    s.execute(update(GemeenteInstelling).where(GemeenteInstelling.gemeentecode == UTRECHT)
              .values(verloop_waarschuwing_dagen=40))
    s.commit()
    assert count_nearly_expired(s, gemeenten=[UTRECHT], peildatum=peildatum) == {UTRECHT: 2}
    # A zaak past its date is still "bijna verlopen" until the nightly run closes it; then
    # it is no longer open and leaves the list.
    close_expired(s, peildatum=dt.date(2026, 9, 10))
    assert count_nearly_expired(s, gemeenten=[UTRECHT], peildatum=dt.date(2026, 9, 10)) == {
        UTRECHT: 1}


def _attempt(s: Session, world: World, zaak_id: int, moment: dt.datetime, bereikt: bool) -> None:
    worker = world.principal(s, "schuldhulpverlener")
    if zaak_row(s, zaak_id).status == "Nog niet opgepakt":
        claim(s, worker, zaak_id)
    register_attempt(s, worker, zaak_id, NewAttempt(Contactsoort.TELEFOON, moment, bereikt))


def test_the_eindresultaat_fits_what_was_tried(pg_session: Session, world: World) -> None:
    """Closed at its maximum age: never attempted -> "Niet opgepakt: andere reden" (the
    creditor hears exactly that); attempted, never reached -> "Definitief geen contact
    kunnen krijgen"; reached, then nothing -> "Geen reactie na eerder contact" (both were
    picked up: the creditor hears nothing new). Each closing is in the history and the
    audit trail as the system's, with the reason; the zaak is then dated 6 months on."""
    s = pg_session
    received = add_months(today(), -8)
    moment = dt.datetime.combine(received + dt.timedelta(days=3), dt.time(10),
                                 dt.UTC)
    never = new_zaak(s, signaaldatum=received)
    unreached = new_zaak(s, signaaldatum=received)
    reached = new_zaak(s, signaaldatum=received)
    young = new_zaak(s, signaaldatum=add_months(today(), -1))
    _attempt(s, world, unreached, moment, bereikt=False)
    _attempt(s, world, reached, moment, bereikt=False)
    _attempt(s, world, reached, moment + dt.timedelta(hours=2), bereikt=True)
    peildatum = add_months(moment.date(), 6)
    outbox_before = set(s.scalars(select(Terugkoppeling.id)))

    dry = close_expired(s, peildatum=peildatum, dry_run=True)
    planned = {UTRECHT: {"Niet opgepakt: andere reden": 1,
                         "Definitief geen contact kunnen krijgen": 1,
                         "Geen reactie na eerder contact": 1}}
    assert dry.gesloten == planned and dry.dry_run
    assert {zaak_row(s, z).status for z in (never, unreached, reached)} != {AUTO}
    assert set(s.scalars(select(Terugkoppeling.id))) == outbox_before, "a dry run tells nobody"

    run = close_expired(s, peildatum=peildatum)
    assert run.gesloten == planned and run.overgeslagen == 0
    expected = {never: Eindresultaat.NIET_OPGEPAKT_ANDERE_REDEN,
                unreached: Eindresultaat.GEEN_CONTACT,
                reached: Eindresultaat.GEEN_REACTIE}
    for zaak_id, result in expected.items():
        row = zaak_row(s, zaak_id)
        assert (row.status, row.eindresultaat) == (AUTO, result.value)
        assert row.bewaren_tot == add_months(peildatum, 6), "the closed zaak's normal term"
        signal = s.execute(select(Signaal).where(Signaal.zaak_id == zaak_id)).scalar_one()
        assert signal.bewaren_tot == row.bewaren_tot
        item = s.execute(select(WerkvoorraadItem).where(WerkvoorraadItem.zaak_id == zaak_id)
                         ).scalar_one()
        assert (item.status, item.bewaren_tot) == (AUTO, row.bewaren_tot)
        history = s.execute(select(ZaakStatuswijziging).where(
            ZaakStatuswijziging.zaak_id == zaak_id, ZaakStatuswijziging.naar == AUTO)
        ).scalar_one()
        assert history.bewaren_tot == row.bewaren_tot
        assert (history.door, history.rol, history.eindresultaat) == (
            "bewaartermijn", "systeem", result.value)
        audit = s.execute(select(AuditLog).where(
            AuditLog.zaak_id == zaak_id, AuditLog.actie == "zaak.status",
            AuditLog.actor == "bewaartermijn")).scalar_one()
        assert audit.doel == "vroegsignalering.bewaartermijn" and audit.resultaat == "ok"
        assert audit.details["naar"] == AUTO and audit.details["eindresultaat"] == result.value
        assert audit.details["reden"] == "maximale leeftijd bereikt"
    assert zaak_row(s, young).status == "Nog niet opgepakt"

    # The creditor: the never-attempted signal's coarse status goes into the outbox (sent
    # after commit by the DAG's feedback task: tests/dags/test_retention_purge.py).
    told = s.execute(select(Terugkoppeling.signaal_id, Terugkoppeling.status).where(
        Terugkoppeling.id.not_in(outbox_before))).all()
    never_signal = s.scalar(select(Signaal.signaal_id).where(Signaal.zaak_id == never))
    assert told == [(never_signal, "Niet opgepakt: andere reden")]

    again = close_expired(s, peildatum=peildatum)
    assert again.gesloten == {}, "a rerun for the same day closes nothing more"


def test_an_attempt_near_the_end_restarts_the_clock(pg_session: Session, world: World) -> None:
    """A worker registers an attempt five days before the zaak's maximum age: on the day it
    would have expired it stays open and is not "bijna verlopen"; its maximum age counts
    from the attempt, and only then is it closed ("attempted, never reached")."""
    s = pg_session
    received = add_months(today(), -7)
    zaak_id = new_zaak(s, signaaldatum=received)
    first_expiry = add_months(received, 6)
    assert zaak_row(s, zaak_id).bewaren_tot == first_expiry
    attempt_day = first_expiry - dt.timedelta(days=5)
    _attempt(s, world, zaak_id, dt.datetime.combine(attempt_day, dt.time(9), dt.UTC), False)

    row = zaak_row(s, zaak_id)
    assert row.laatste_activiteit_op == attempt_day
    assert row.bewaren_tot == add_months(attempt_day, 6)
    kept_with = [s.scalar(select(m.bewaren_tot).where(m.zaak_id == zaak_id))
                 for m in (Signaal, WerkvoorraadItem, Contactpoging)]
    assert kept_with == [row.bewaren_tot] * 3, "all it holds moves with it"

    run = close_expired(s, peildatum=first_expiry)
    assert run.gesloten == {} and zaak_row(s, zaak_id).status == "Opgepakt"
    assert count_nearly_expired(s, gemeenten=[UTRECHT], peildatum=first_expiry) == {UTRECHT: 0}
    # An attempt dated before the last activity moves nothing.
    _attempt(s, world, zaak_id, dt.datetime.combine(received, dt.time(9), dt.UTC), False)
    assert zaak_row(s, zaak_id).bewaren_tot == add_months(attempt_day, 6)

    day_before = add_months(attempt_day, 6) - dt.timedelta(days=1)
    assert close_expired(s, peildatum=day_before).gesloten == {}
    run = close_expired(s, peildatum=add_months(attempt_day, 6))
    assert run.gesloten == {UTRECHT: {"Definitief geen contact kunnen krijgen": 1}}
    assert zaak_row(s, zaak_id).status == AUTO


def test_a_changed_maximum_age_redates_the_open_zaken(pg_session: Session, world: World) -> None:
    """An administrator shortens Utrecht's maximum age to 3 months: its open zaak (and all
    it holds) is dated 3 months after its last signal at once, a closed one and another
    municipality's keep their dates; the audit row says how many moved. A warning window
    as long as the maximum age is refused."""
    from pydantic import ValidationError

    from vroegsignaal.eligibility.admin import GemeenteDrempels, get_thresholds, set_thresholds

    s = pg_session
    received = dt.date(2026, 3, 10)
    closed = new_zaak(s, signaaldatum=received)
    close_expired(s, peildatum=add_months(received, 6))  # dated 6 months on
    open_zaak = new_zaak(s, signaaldatum=dt.date(2026, 6, 1))
    foreign = new_zaak(s, AMSTERDAM, signaaldatum=dt.date(2026, 6, 1))
    closed_date = zaak_row(s, closed).bewaren_tot

    admin = world.principal(s, "admin")
    current = get_thresholds(s, admin, UTRECHT)
    assert (current.zaak_max_leeftijd_maanden, current.verloop_waarschuwing_dagen) == (6, 14)
    set_thresholds(s, admin, UTRECHT,
                   current.model_copy(update={"zaak_max_leeftijd_maanden": 3}))
    assert zaak_row(s, open_zaak).bewaren_tot == dt.date(2026, 9, 1)
    assert s.scalar(select(Signaal.bewaren_tot).where(Signaal.zaak_id == open_zaak)) == \
        dt.date(2026, 9, 1)
    assert zaak_row(s, closed).bewaren_tot == closed_date
    assert zaak_row(s, foreign).bewaren_tot == dt.date(2026, 12, 1)
    audit = s.execute(select(AuditLog).where(AuditLog.actie == "instellingen.wijzigen")
                      ).scalar_one()
    assert audit.details["gewijzigd"]["zaak_max_leeftijd_maanden"] == {
        "oud": 6, "nieuw": 3, "zakenHerdateerd": 1}
    with pytest.raises(ValidationError, match="verloop_waarschuwing_dagen"):
        GemeenteDrempels.model_validate({**current.model_dump(), "zaak_max_leeftijd_maanden": 1,
                                         "verloop_waarschuwing_dagen": 30})


def test_a_ground_is_a_teamleiders_with_an_end(pg_session: Session, world: World) -> None:
    """Only a teamleider of the zaak's municipality records a ground; its end date lies
    after today and at most ten years ahead; a revoked ground cannot be revoked again.
    Both are audited with the ground's code, never free text."""
    from vroegsignaal.cases.access import NotFound
    from vroegsignaal.cases.errors import CaseWorkRefused, Forbidden
    from vroegsignaal.retention.grounds import (
        Bewaargrond,
        grounds_of,
        record_ground,
        revoke_ground,
    )

    s = pg_session
    zaak_id = new_zaak(s)
    lead = world.principal(s, "teamleider")
    until = add_months(today(), 12)
    with pytest.raises(Forbidden):
        record_ground(s, world.principal(s, "schuldhulpverlener"), zaak_id,
                      Bewaargrond.SCHULDHULPDOSSIER, until)
    with pytest.raises(NotFound):
        record_ground(s, world.principal(s, "teamleider-amsterdam"), zaak_id,
                      Bewaargrond.SCHULDHULPDOSSIER, until)
    for bad in (today(), add_months(today(), 121)):
        with pytest.raises(CaseWorkRefused) as refused:
            record_ground(s, lead, zaak_id, Bewaargrond.SCHULDHULPDOSSIER, bad)
        assert refused.value.code == "GELDIG_TOT_ONGELDIG"
    ground = record_ground(s, lead, zaak_id, Bewaargrond.SCHULDHULPDOSSIER, until)
    revoke_ground(s, lead, zaak_id, ground)
    with pytest.raises(NotFound):
        revoke_ground(s, lead, zaak_id, ground)
    (kept,) = grounds_of(s, zaak_id)
    assert kept.grond is Bewaargrond.SCHULDHULPDOSSIER and kept.ingetrokken_op is not None
    audited = s.execute(select(AuditLog.actie, AuditLog.details).where(
        AuditLog.zaak_id == zaak_id, AuditLog.actie.like("bewaargrond.%"))
        .order_by(AuditLog.volgnummer)).all()
    assert audited == [
        ("bewaargrond.vastleggen", {"bewaargrond_id": ground, "grond": "SCHULDHULPDOSSIER",
                                    "geldig_tot": until.isoformat()}),
        ("bewaargrond.intrekken", {"bewaargrond_id": ground}),
    ]
