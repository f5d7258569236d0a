# SPDX-License-Identifier: EUPL-1.2
"""Every order of the werkvoorraad pages through all open zaken on PostgreSQL, each once
and in its order, with ties in every key (the web page's default "urgentie" sorts on the
boolean crisis first, which a keyset cursor must step over without < or >)."""

from __future__ import annotations

import datetime as dt
import html
import re
import typing

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from tests.casework import AMSTERDAM, World, new_zaak
from tests.factories import signaal
from tests.integration.casework.conftest import AuditedClient
from vroegsignaal.cases import werkvoorraad
from vroegsignaal.cases.werkvoorraad import ORDERS, Order, WerkvoorraadFilter
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.storage.tables import Signaal, TeamLid, Werkbakje, WerkvoorraadItem

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("regional", [False, True], ids=["one-municipality", "regional"])
@pytest.mark.parametrize("order", typing.get_args(Order))
def test_every_order_pages_through_each_open_zaak_once(
    order: Order, regional: bool, pg_session: Session, world: World
) -> None:
    """`regional`: the worker is also in Amsterdam's team, so serves two municipalities
    (their pages are merged from one index scan per municipality)."""
    ids = [new_zaak(pg_session) for _ in range(9)]
    if regional:
        ids += [new_zaak(pg_session, AMSTERDAM) for _ in range(5)]
        pg_session.execute(insert(TeamLid).values(team_id=world.teams["amsterdam"],
                                                  gebruiker_id=world.users["schuldhulpverlener"]))
    else:
        new_zaak(pg_session, AMSTERDAM)  # not served: never shown
    # Ties on purpose: three risks, two due dates, crisis on some of each.
    for i, zaak_id in enumerate(ids):
        pg_session.execute(update(WerkvoorraadItem).where(WerkvoorraadItem.zaak_id == zaak_id)
                           .values(prioriteit=(0.2, 0.5, 0.8)[i % 3], crisis=i % 4 == 0,
                                   uiterste_datum=dt.date(2026, 12, 1 + i % 2)))
    pg_session.commit()
    me = world.principal(pg_session, "schuldhulpverlener")
    seen: list[werkvoorraad.Row] = []
    cursor = None
    for _ in range(len(ids)):
        page = werkvoorraad.page(pg_session, me, WerkvoorraadFilter(), limit=2, cursor=cursor,
                                 order=order)
        seen += page.rows
        cursor = page.cursor
        if cursor is None:
            break
    assert cursor is None, "the last page says so"
    assert sorted(r.zaak_id for r in seen) == sorted(ids), "each open zaak once"

    def key(r: werkvoorraad.Row) -> tuple[typing.Any, ...]:
        values = []
        for col, descending in ORDERS[order]:
            v = getattr(r, col.key)
            v = v.toordinal() if isinstance(v, dt.date) else v
            values.append(-v if descending else v)
        return tuple(values)

    assert [key(r) for r in seen] == sorted(key(r) for r in seen), order


def test_counts_agree_with_the_pages(pg_session: Session, world: World) -> None:
    """A count joins the zaak only for a filter on it; both ways it counts what a page shows."""
    ids = [new_zaak(pg_session, crisissignaal=i == 0) for i in range(4)]
    me = world.principal(pg_session, "schuldhulpverlener")
    every = [WerkvoorraadFilter(), WerkvoorraadFilter(crisis=True),
             WerkvoorraadFilter(nietToegewezen=True), WerkvoorraadFilter(toegewezenAanMij=True),
             WerkvoorraadFilter(pc4Van="3500", pc4Tot="3599")]
    shown = [len(werkvoorraad.page(pg_session, me, f, limit=50).rows) for f in every]
    assert shown == [4, 1, 4, 0, 4]
    for filters, n in zip(every, shown, strict=True):
        assert werkvoorraad.count(pg_session, me, filters) == n, filters
        assert werkvoorraad.count(pg_session, me, filters, cap=2) == min(2, n)
    assert werkvoorraad.counts(pg_session, me, every) == shown, "the lot in one statement"
    assert werkvoorraad.counts(pg_session, me, []) == []
    assert werkvoorraad.count(pg_session, me, WerkvoorraadFilter()) == len(ids)


def test_the_web_page_counts_its_trays_and_pages_in_its_default_order(
    api: AuditedClient, pg_session: Session, world: World
) -> None:
    """The werkvoorraad page on PostgreSQL: each tray's count (one saved by an older version
    counts 0), and "Volgende pagina" in the default order (urgentie) to the last zaak."""
    ids = [new_zaak(pg_session, crisissignaal=i < 2) for i in range(30)]
    lead = api.as_user("teamleider")
    assert api.post("/api/v1/werkbakjes", headers=lead, json={
        "teamId": world.teams["utrecht"], "naam": "Crisis", "filter": {"crisis": True},
    }).status_code == 201
    pg_session.execute(insert(Werkbakje).values(
        team_id=world.teams["utrecht"], naam="Oud", filter={"verdwenen": True},
        aangemaakt_door=world.users["teamleider"]))
    pg_session.commit()
    me = {"Cookie": api.as_user("schuldhulpverlener")["Cookie"]}
    first = api.get("/werkvoorraad", headers=me)
    assert first.status_code == 200
    counts = dict(re.findall(r'>([A-Za-z ]+) <span class="vs-teller">(\d+)</span>', first.text))
    assert counts == {"Alle zaken": "30", "Crisis": "2", "Oud": "0"}
    seen = re.findall(r'href="/zaken/(\d+)"', first.text)
    link = re.search(r'href="(/werkvoorraad\?[^"]*)">Volgende pagina<', first.text)
    assert link is not None
    second = api.get(html.unescape(link.group(1)), headers=me)
    assert second.status_code == 200, "page two of the default order"
    seen += re.findall(r'href="/zaken/(\d+)"', second.text)
    assert sorted({int(i) for i in seen}) == sorted(ids)


def test_a_pc4_range_reads_the_households_pc4_on_the_item(pg_session: Session,
                                                          world: World) -> None:
    """The intake writes the household's PC4 on a new item (migration 0019), and every signal
    of a zaak has it: the filter read from the item shows what "a signal in this range" did,
    alone and with a kind of creditor."""
    def intake(postcode: str, nummer: str, partner: str, schuldeiser: str) -> None:
        run_intake([signaal(client__postcode=postcode, client__huisnummer=nummer,
                            signaalpartner=partner, schuldeiser=schuldeiser,
                            klantreferentie=f"K-{postcode}-{nummer}")],
                   session=pg_session, source="test", ontvangen_op=dt.date(2026, 3, 10))

    intake("3511 AB", "1", "Huur", "WBV-TEST")
    intake("3511 AB", "1", "Energie", "ENECO-TEST")  # the same household: its zaak
    intake("3512 CD", "2", "Energie", "ENECO-TEST")
    pg_session.commit()
    signals = pg_session.execute(select(Signaal.zaak_id, Signaal.pc4, Signaal.signaalpartner))
    by_zaak: dict[int, list[tuple[str, str]]] = {}
    for zaak_id, pc4, partner in signals:
        by_zaak.setdefault(zaak_id, []).append((pc4, partner))
    items = dict(pg_session.execute(select(WerkvoorraadItem.zaak_id, WerkvoorraadItem.pc4)).all())
    assert sorted(len(s) for s in by_zaak.values()) == [1, 2]
    assert items == {z: s[0][0] for z, s in by_zaak.items()}
    assert all(len({pc4 for pc4, _ in s}) == 1 for s in by_zaak.values())
    me = world.principal(pg_session, "schuldhulpverlener")
    for van, tot, partner in (("3511", "3511", None), ("3512", "3599", None),
                              ("3500", "3599", "Energie"), ("3512", "3512", "Huur"),
                              ("3511", "3511", "Huur")):
        expected = sorted(z for z, s in by_zaak.items() if any(
            van <= pc4 <= tot and partner in (None, kind) for pc4, kind in s))
        filters = WerkvoorraadFilter(pc4Van=van, pc4Tot=tot,
                                     signaalpartner=[partner] if partner else None)
        shown = werkvoorraad.page(pg_session, me, filters, limit=50).rows
        assert sorted(r.zaak_id for r in shown) == expected, filters
        assert werkvoorraad.count(pg_session, me, filters) == len(expected), filters
