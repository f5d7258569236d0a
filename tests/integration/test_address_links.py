# SPDX-License-Identifier: EUPL-1.2
"""The same address written differently (issue 9, kind 4; docs/adressen.md), on both
databases: spellings of one dwelling become one household; a number written with and
without an addition is linked "mogelijk hetzelfde adres" for a worker, whose decision the
household key and the repeat rule follow, audited; never two silent parallel zaken."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import signaal
from vroegsignaal.accounts.principal import Principal, UserRole
from vroegsignaal.cases import address_links as links
from vroegsignaal.config import get_settings
from vroegsignaal.intake.pipeline import run_intake

pytestmark = pytest.mark.integration
FIELD_CASES = Path(__file__).resolve().parents[1] / "data" / "field-cases"
RECEIVED = dt.date(2026, 11, 26)
UTRECHT = "GM0344"


def _worker(*roles: UserRole, gemeenten: tuple[str, ...] = (UTRECHT,)) -> Principal:
    return Principal(7, "werker", frozenset(roles or (UserRole.SCHULDHULPVERLENER,)),
                     frozenset(gemeenten), frozenset())


def _in(session: Session, *messages: dict) -> list[str]:
    result = run_intake(list(messages), session=session, source="test", ontvangen_op=RECEIVED)
    return [o.reden.value for o in result.outcomes]


def _zaken(session: Session) -> list[tuple[int, int, str]]:
    return [tuple(r) for r in session.execute(sa.text(
        "SELECT id, aantal_signalen, zaaktype FROM zaak ORDER BY id")).all()]


def _msg(sid: str, creditor: str, partner: str, nummer: str, toevoeging: str | None,
         **kw: object) -> dict:
    return signaal(signaalId=sid, schuldeiser=creditor, signaalpartner=partner,
                   klantreferentie=kw.pop("klantreferentie", f"K-{sid}"),
                   signaaldatum=dt.date(2026, 11, 25), ontstaansdatum=dt.date(2026, 10, 10),
                   client__huisnummer=nummer, client__huisnummertoevoeging=toevoeging,
                   client__postcode="3511 AB", **kw)


def test_the_field_case_is_one_household(session: Session) -> None:
    """address-addition-variants.jsonl: "hs" from the landlord and "H" from the energy
    supplier are one dwelling by the table: one zaak, meervoudig, no link needed."""
    messages = [json.loads(line) for line in
                (FIELD_CASES / "address-addition-variants.jsonl").read_text().splitlines()]
    assert _in(session, *messages) == ["OPGEPAKT", "OPGEPAKT"]
    assert [z[1:] for z in _zaken(session)] == [(2, "meervoudig")]
    assert session.execute(sa.select(sa.func.count()).select_from(
        sa.table("adreskoppeling"))).scalar_one() == 0


def test_number_with_and_without_addition_are_linked_then_confirmed(session: Session) -> None:
    assert _in(session, _msg("E-1", "EN-X", "Energie", "3", None),
               _msg("W-1", "WBV-X", "Huur", "3", "hs")) == ["OPGEPAKT", "OPGEPAKT"]
    zaken = _zaken(session)
    assert len(zaken) == 2  # two zaken, but not silently: linked
    [view] = links.list_links(session, _worker())
    assert view.status is links.LinkStatus.MOGELIJK
    bare_zaak, addition_zaak = view.zaak_ids
    assert {bare_zaak, addition_zaak} == {z[0] for z in zaken}

    decided = links.decide(session, _worker(), view.id, links.LinkStatus.BEVESTIGD)
    assert decided.status is links.LinkStatus.BEVESTIGD and decided.besloten_op is not None
    with pytest.raises(links.AlreadyDecided):
        links.decide(session, _worker(), view.id, links.LinkStatus.GESCHEIDEN)
    audit = session.execute(sa.text(
        "SELECT actie, zaak_id FROM audit_log ORDER BY id")).all()
    assert sorted(audit) == sorted([("adreskoppeling.bevestigd", bare_zaak),
                                   ("adreskoppeling.bevestigd", addition_zaak)])

    # The household key follows: the next signal written without the addition joins the
    # zaak of the dwelling with it, and no new link is made.
    assert _in(session, _msg("Z-1", "ZV-X", "Zorg", "3", None)) == ["OPGEPAKT"]
    joined = session.execute(sa.text("SELECT zaak_id FROM signaal WHERE signaal_id = 'Z-1'"))
    assert joined.scalar_one() == addition_zaak
    assert len(links.list_links(session, _worker(), status=None)) == 1

    # The repeat rule follows: the energy supplier, without customer number, sends the same
    # arrears again under the dwelling's addition: a repeat of its signal written bare.
    first = _msg("E-2", "EN-Y", "Energie", "3", None, klantreferentie=None)
    _in(session, first)
    again = _msg("E-3", "EN-Y", "Energie", "3", "H", klantreferentie=None)
    assert _in(session, again) == ["HERHAALDE_MELDING"]


def test_separated_households_stay_apart_and_are_not_linked_again(session: Session) -> None:
    _in(session, _msg("E-1", "EN-X", "Energie", "3", None), _msg("W-1", "WBV-X", "Huur", "3", "1"))
    [view] = links.list_links(session, _worker())
    links.decide(session, _worker(UserRole.TEAMLEIDER), view.id, links.LinkStatus.GESCHEIDEN)
    _in(session, _msg("Z-1", "ZV-X", "Zorg", "3", None), _msg("W-2", "WBV-Y", "Huur", "3", "I"))
    assert [v.status for v in links.list_links(session, _worker(), status=None)] == [
        links.LinkStatus.GESCHEIDEN]
    signals = dict(session.execute(sa.text("SELECT signaal_id, zaak_id FROM signaal")).all())
    assert signals["Z-1"] == signals["E-1"] and signals["W-2"] == signals["W-1"]
    assert signals["E-1"] != signals["W-1"]


def test_a_zaak_stored_before_the_address_key_is_still_linked(session: Session) -> None:
    """Zaken from before migration 0014 have no `adres_sleutel`: the bare-household lookup
    finds them (intake_repository.address_zaken), and only them."""
    assert _in(session, _msg("E-1", "EN-X", "Energie", "3", None)) == ["OPGEPAKT"]
    session.execute(sa.text("UPDATE zaak SET adres_sleutel = NULL"))
    assert _in(session, _msg("W-1", "WBV-X", "Huur", "3", "hs")) == ["OPGEPAKT"]
    [view] = links.list_links(session, _worker())
    assert set(view.zaak_ids) == {z[0] for z in _zaken(session)}


def test_only_workers_of_the_municipality_see_or_decide(session: Session) -> None:
    _in(session, _msg("E-1", "EN-X", "Energie", "3", None), _msg("W-1", "WBV-X", "Huur", "3", "A"))
    [view] = links.list_links(session, _worker())
    elsewhere = _worker(gemeenten=("GM0363",))
    assert links.list_links(session, elsewhere) == []
    with pytest.raises(links.LinkNotFound):
        links.decide(session, elsewhere, view.id, links.LinkStatus.BEVESTIGD)
    with pytest.raises(links.NoRight):
        links.decide(session, _worker(UserRole.MANAGER), view.id, links.LinkStatus.BEVESTIGD)
    with pytest.raises(links.NoRight):
        links.list_links(session, _worker(UserRole.ADMIN))


@pytest.fixture
def api(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", pg_url)
    get_settings.cache_clear()
    from api.deps import current_principal
    from api.main import app

    app.dependency_overrides[current_principal] = lambda: _worker()
    with TestClient(app) as c:
        yield c
    app.dependency_overrides.clear()
    get_settings.cache_clear()


def test_the_worker_endpoints(api: TestClient, pg_url: str) -> None:
    from vroegsignaal.storage.db import session_scope

    with session_scope(pg_url) as s:
        _in(s, _msg("E-1", "EN-X", "Energie", "3", None), _msg("W-1", "WBV-X", "Huur", "3", "2"))
    listed = api.get("/api/v1/adreskoppelingen")
    assert listed.status_code == 200 and listed.headers["API-Version"]
    [link] = listed.json()
    assert link["status"] == "mogelijk" and len(link["zaakIds"]) == 2
    assert set(link) == {"id", "gemeentecode", "status", "zaakIds", "aangemaaktOp", "beslotenOp"}
    done = api.post(f"/api/v1/adreskoppelingen/{link['id']}/bevestigen")
    assert done.status_code == 200 and done.json()["status"] == "bevestigd"
    again = api.post(f"/api/v1/adreskoppelingen/{link['id']}/scheiden")
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"
    assert api.post("/api/v1/adreskoppelingen/999999/scheiden").status_code == 404
    assert api.get("/api/v1/adreskoppelingen").json() == []
    assert [k["status"] for k in api.get("/api/v1/adreskoppelingen?status=bevestigd").json()] == [
        "bevestigd"]


def test_nobody_logged_in_gets_401(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", pg_url)
    get_settings.cache_clear()
    from api.main import app

    with TestClient(app) as c:
        res = c.get("/api/v1/adreskoppelingen")
    assert res.status_code == 401 and res.headers["content-type"] == "application/problem+json"
