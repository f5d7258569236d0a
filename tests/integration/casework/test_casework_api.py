# SPDX-License-Identifier: EUPL-1.2
"""The case work through the API on PostgreSQL: pick up, reach, close, reopen, assign,
werkbakjes, the werkvoorraad's order and filters, creditor feedback, retention by result."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.casework import AMSTERDAM, World, new_zaak, zaak_row
from tests.factories import signaal
from tests.integration.casework.conftest import AuditedClient
from vroegsignaal.dates import add_months, today
from vroegsignaal.feedback import current_status
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.storage.tables import Contactpoging, Signaal, Terugkoppeling, Zaak

pytestmark = pytest.mark.integration
V1 = "/api/v1"


def _claim(api: AuditedClient, zaak_id: int, user: str = "schuldhulpverlener") -> dict:
    r = api.post(f"{V1}/zaken/{zaak_id}/toewijzing-aan-mij", json={},
                 headers=api.as_user(user))
    assert r.status_code == 200, r.text
    return r.json()


def test_pick_up_reach_close_and_reopen(api: AuditedClient, pg_session: Session, world: World
                                       ) -> None:
    zaak_id = new_zaak(pg_session)
    sig = pg_session.execute(select(Signaal.schuldeiser, Signaal.signaal_id)).one()
    assert current_status(pg_session, schuldeiser=sig[0], signaal_id=sig[1]).value == (
        "Nog niet opgepakt")
    claimed = _claim(api, zaak_id)
    assert claimed["versie"] == 2  # assigned, then picked up
    z = zaak_row(pg_session, zaak_id)
    assert (z.status, z.toegewezen_aan) == ("Opgepakt", world.users["schuldhulpverlener"])
    # The creditor hears the pick-up: in the outbox and on GET.
    assert current_status(pg_session, schuldeiser=sig[0], signaal_id=sig[1]).value == "Opgepakt"
    told = pg_session.execute(select(Terugkoppeling.signaal_id, Terugkoppeling.status)).all()
    assert [tuple(t) for t in told] == [(sig[1], "Opgepakt")]

    at = dt.datetime(2026, 3, 20, 18, 5, tzinfo=dt.UTC)  # 19:05 in Amsterdam: Avond
    r = api.post(f"{V1}/zaken/{zaak_id}/contactpogingen", headers=api.as_user("schuldhulpverlener"),
                 json={"soort": "Brief", "tijdstip": at.isoformat(), "bereikt": False,
                       "aanbod": True})
    assert r.status_code == 201, r.text
    assert r.json()["dagdeel"] == "Avond"
    free_text = api.post(f"{V1}/zaken/{zaak_id}/contactpogingen",
                         headers=api.as_user("schuldhulpverlener"),
                         json={"soort": "Telefoon", "tijdstip": at.isoformat(), "bereikt": True,
                               "notitie": "mevrouw is ziek"})
    assert free_text.status_code == 400, "a note is only one of the closed list"
    stored = pg_session.execute(select(Contactpoging)).scalar_one()
    assert (stored.soort, stored.dagdeel, stored.aanbod) == ("Brief", "Avond", True)

    detail = api.get(f"{V1}/zaken/{zaak_id}", headers=api.as_user("schuldhulpverlener")).json()
    assert [c["soort"] for c in detail["contactpogingen"]] == ["Brief"]
    versie = detail["zaak"]["versie"]
    stale = api.post(f"{V1}/zaken/{zaak_id}/afsluiting", headers=api.as_user("schuldhulpverlener"),
                     json={"eindresultaat": "Geen reactie na eerder contact", "versie": versie - 1})
    assert stale.status_code == 409
    assert stale.headers["content-type"] == "application/problem+json"
    closed = api.post(f"{V1}/zaken/{zaak_id}/afsluiting", headers=api.as_user("schuldhulpverlener"),
                      json={"eindresultaat": "Inwoner is overleden", "versie": versie})
    assert closed.status_code == 200, closed.text
    z = zaak_row(pg_session, zaak_id)
    assert (z.status, z.eindresultaat) == ("Afgesloten", "Inwoner is overleden")
    assert z.gesloten_op is not None and z.score_bij_sluiten is not None
    assert z.bewaren_tot == add_months(today(), 6)  # no help followed
    signal = pg_session.execute(select(Signaal)).scalar_one()
    assert (signal.status, signal.bewaren_tot) == ("Inwoner is overleden", z.bewaren_tot)
    # ... and the creditor never hears the reason behind it.
    assert current_status(pg_session, schuldeiser=sig[0], signaal_id=sig[1]).value == (
        "Niet opgepakt: andere reden")

    reopened = api.post(f"{V1}/zaken/{zaak_id}/heropening", json={},
                        headers=api.as_user("schuldhulpverlener"))
    assert reopened.status_code == 200, reopened.text
    z = zaak_row(pg_session, zaak_id)
    assert (z.status, z.eindresultaat, z.gesloten_op) == ("Opgepakt", None, None)
    history = api.get(f"{V1}/zaken/{zaak_id}", headers=api.as_user("teamleider")).json()
    moves = [(h["van"], h["naar"]) for h in history["historie"] if h["soort"] == "status"]
    assert moves == [("Nog niet opgepakt", "Opgepakt"), ("Opgepakt", "Afgesloten"),
                     ("Afgesloten", "Opgepakt")]


def test_closing_with_help_keeps_the_debt_help_term(
    api: AuditedClient, pg_session: Session, world: World
) -> None:
    zaak_id = new_zaak(pg_session)
    _claim(api, zaak_id)
    r = api.post(f"{V1}/zaken/{zaak_id}/afsluiting", headers=api.as_user("schuldhulpverlener"),
                 json={"eindresultaat": "Vervolghulp en/of verwijzing financieel"})
    assert r.status_code == 200, r.text
    assert zaak_row(pg_session, zaak_id).bewaren_tot == add_months(today(), 84)
    assert pg_session.execute(select(Signaal.status)).scalar_one() == "Opgepakt"


def test_claiming_is_for_the_owning_team(api: AuditedClient, pg_session: Session, world: World
                                        ) -> None:
    zaak_id = new_zaak(pg_session)
    _claim(api, zaak_id)
    taken = api.post(f"{V1}/zaken/{zaak_id}/toewijzing-aan-mij", json={},
                     headers=api.as_user("collega"))
    assert (taken.status_code, taken.json()["code"]) == (409, "ZAAK_AL_TOEGEWEZEN")
    moved = api.put(f"{V1}/zaken/{zaak_id}/toewijzing",
                    json={"gebruikerId": world.users["collega"]},
                    headers=api.as_user("teamleider"))
    assert moved.status_code == 200, moved.text
    assert zaak_row(pg_session, zaak_id).toegewezen_aan == world.users["collega"]
    outsider = api.put(f"{V1}/zaken/{zaak_id}/toewijzing",
                       json={"gebruikerId": world.users["amsterdammer"]},
                       headers=api.as_user("teamleider"))
    assert (outsider.status_code, outsider.json()["code"]) == (422, "COLLEGA_NIET_BEVOEGD")
    released = api.delete(f"{V1}/zaken/{zaak_id}/toewijzing", headers=api.as_user("collega"))
    assert released.status_code == 200
    assert zaak_row(pg_session, zaak_id).toegewezen_aan is None
    # A worker outside every team that serves Utrecht may read but not claim.
    no_team = new_zaak(pg_session)
    pg_session.execute(Zaak.__table__.update().where(Zaak.id == no_team)
                       .values(team_id=world.teams["amsterdam"]))
    pg_session.commit()
    refused = api.post(f"{V1}/zaken/{no_team}/toewijzing-aan-mij", json={},
                       headers=api.as_user("schuldhulpverlener"))
    assert (refused.status_code, refused.json()["code"]) == (422, "NIET_IN_TEAM")


def test_bulk_assign_counts(api: AuditedClient, pg_session: Session, world: World) -> None:
    mine = [new_zaak(pg_session) for _ in range(3)]
    foreign = new_zaak(pg_session, AMSTERDAM)
    r = api.post(f"{V1}/zaken/toewijzingen", headers=api.as_user("teamleider"),
                 json={"zaakIds": [*mine, foreign], "gebruikerId": world.users["collega"]})
    assert r.status_code == 200, r.text
    assert r.json() == {"gewijzigd": 3, "ongewijzigd": 0, "geweigerd": {"ZAAK_NIET_GEVONDEN": 1}}
    again = api.post(f"{V1}/zaken/toewijzingen", headers=api.as_user("teamleider"),
                     json={"zaakIds": mine[:2], "gebruikerId": world.users["collega"]})
    assert again.json() == {"gewijzigd": 0, "ongewijzigd": 2, "geweigerd": {}}
    worker = api.post(f"{V1}/zaken/toewijzingen", headers=api.as_user("schuldhulpverlener"),
                      json={"zaakIds": mine, "gebruikerId": world.users["collega"]})
    assert worker.status_code == 403


def test_werkvoorraad_order_cursor_filters_and_werkbakjes(
    api: AuditedClient, pg_session: Session, world: World
) -> None:
    ids = [new_zaak(pg_session, signaalpartner=p, schuldeiser=f"S-{p[:3].upper()}",
                    crisissignaal=(i == 0))
           for i, p in enumerate(["Huur", "Energie", "Water", "Zorg", "Huur"])]
    new_zaak(pg_session, AMSTERDAM)
    me = api.as_user("schuldhulpverlener")
    seen, cursor = [], None
    while True:
        page = api.get(f"{V1}/werkvoorraad", params={"limit": 2, **({"cursor": cursor} if cursor
                                                                    else {})}, headers=me).json()
        seen += page["regels"]
        cursor = page["volgende"]
        if cursor is None:
            break
    assert sorted(r["zaakId"] for r in seen) == sorted(ids), "own municipality only, each once"
    keys = [(-r["prioriteit"], r["uitersteDatum"], r["zaakId"]) for r in seen]
    assert keys == sorted(keys), "by risk, then due date"
    huur = api.get(f"{V1}/werkvoorraad", params={"signaalpartner": "Huur"}, headers=me).json()
    assert {r["zaakId"] for r in huur["regels"]} == {ids[0], ids[4]}
    crisis = api.get(f"{V1}/werkvoorraad", params={"crisis": "true"}, headers=me).json()
    assert [r["zaakId"] for r in crisis["regels"]] == [ids[0]]
    _claim(api, ids[1])
    mine = api.get(f"{V1}/werkvoorraad", params={"toegewezenAanMij": "true"}, headers=me).json()
    assert [r["zaakId"] for r in mine["regels"]] == [ids[1]]
    free = api.get(f"{V1}/werkvoorraad", params={"nietToegewezen": "true"}, headers=me).json()
    assert ids[1] not in {r["zaakId"] for r in free["regels"]}
    pc4 = api.get(f"{V1}/werkvoorraad", params={"pc4Van": "3500", "pc4Tot": "3599"},
                  headers=me).json()
    assert len(pc4["regels"]) == 5
    bad = api.get(f"{V1}/werkvoorraad", params={"pc4Van": "3600", "pc4Tot": "3500"}, headers=me)
    assert bad.status_code == 400

    lead = api.as_user("teamleider")
    tray = api.post(f"{V1}/werkbakjes", headers=lead, json={
        "teamId": world.teams["utrecht"], "naam": "Energie",
        "filter": {"signaalpartner": ["Energie"]}})
    assert tray.status_code == 201, tray.text
    tray_id = tray.json()["id"]
    assert [t["naam"] for t in api.get(f"{V1}/werkbakjes", headers=me).json()] == ["Energie"]
    inside = api.get(f"{V1}/werkvoorraad", params={"werkbakje": tray_id}, headers=me).json()
    assert [r["zaakId"] for r in inside["regels"]] == [ids[1]]
    assert api.post(f"{V1}/werkbakjes", headers=me, json={
        "teamId": world.teams["utrecht"], "naam": "X", "filter": {}}).status_code == 403
    other = api.get(f"{V1}/werkvoorraad", params={"werkbakje": tray_id},
                    headers=api.as_user("amsterdammer"))
    assert other.status_code == 404


def test_a_new_signal_joins_the_picked_up_zaak_and_shows_as_new(
    api: AuditedClient, pg_session: Session, world: World
) -> None:
    first = signaal(client__huisnummer="777", signaaldatum=dt.date(2026, 1, 12))
    run_intake([first], session=pg_session, source="test", ontvangen_op=dt.date(2026, 1, 12))
    zaak_id = pg_session.execute(select(Zaak.id)).scalar_one()
    _claim(api, zaak_id)
    later = signaal(client__huisnummer="777", signaalId="LATER-2", schuldeiser="EN-TEST",
                    signaalpartner="Energie", klantreferentie="E-5",
                    signaaldatum=dt.date(2026, 2, 16))
    result = run_intake([later], session=pg_session, source="test",
                        ontvangen_op=dt.date(2026, 2, 16))
    assert result.outcomes[0].zaak_id == zaak_id, "no second zaak for another worker"
    assert pg_session.execute(select(Zaak.id)).scalars().all() == [zaak_id]
    z = zaak_row(pg_session, zaak_id)
    assert (z.zaaktype, z.aantal_signalen) == ("opeenvolgend", 2)
    assert z.nieuw_signaal_sinds is not None
    assert current_status(pg_session, schuldeiser="EN-TEST", signaal_id="LATER-2").value == (
        "Opgepakt")
    detail = api.get(f"{V1}/zaken/{zaak_id}", headers=api.as_user("schuldhulpverlener")).json()
    assert [(s["signaalId"], s["nieuw"]) for s in detail["signalen"]] == [
        (first["signaalId"], False), ("LATER-2", True)]
    page = api.get(f"{V1}/werkvoorraad", headers=api.as_user("schuldhulpverlener")).json()
    assert [r["nieuwSignaal"] for r in page["regels"]] == [True]


def test_manager_sees_counts_and_admin_changes_thresholds(
    api: AuditedClient, pg_session: Session, world: World
) -> None:
    new_zaak(pg_session)
    new_zaak(pg_session)
    counts = api.get(f"{V1}/overzicht", headers=api.as_user("manager"))
    assert counts.status_code == 200
    utrecht = counts.json()[0]
    assert (utrecht["gemeentecode"], utrecht["open"], utrecht["nietToegewezen"]) == (
        "GM0344", {"Nog niet opgepakt": 2}, 2)
    assert set(utrecht) == {"gemeentecode", "open", "teLaat", "nietToegewezen", "afgesloten"}
    admin = api.as_user("admin")
    current = api.get(f"{V1}/beheer/gemeenten/GM0344/drempels", headers=admin)
    assert current.status_code == 200, current.text
    body = current.json()
    body["bewaartermijnMaanden"] = 9
    changed = api.put(f"{V1}/beheer/gemeenten/GM0344/drempels", json=body, headers=admin)
    assert changed.status_code == 200, changed.text
    assert changed.json()["bewaartermijnMaanden"] == 9
    audit = api.get(f"{V1}/beheer/auditlog", params={"zaakId": 1}, headers=admin)
    assert audit.status_code == 200
    foreign = api.get(f"{V1}/beheer/gemeenten/GM0363/drempels", headers=admin)
    assert foreign.status_code == 404
