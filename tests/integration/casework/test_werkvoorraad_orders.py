# SPDX-License-Identifier: EUPL-1.2
"""Every order of the werkvoorraad pages through all open zaken on PostgreSQL, each once
and in its order, with ties in every key (the web page's default "urgentie" sorts on the
boolean crisis first, which a keyset cursor must step over without < or >)."""

from __future__ import annotations

import datetime as dt
import typing

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.casework import World, new_zaak
from vroegsignaal.cases import werkvoorraad
from vroegsignaal.cases.werkvoorraad import ORDERS, Order, WerkvoorraadFilter
from vroegsignaal.storage.tables import WerkvoorraadItem

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("order", typing.get_args(Order))
def test_every_order_pages_through_each_open_zaak_once(
    order: Order, pg_session: Session, world: World
) -> None:
    ids = [new_zaak(pg_session) for _ in range(9)]
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
    for filters in (WerkvoorraadFilter(), WerkvoorraadFilter(crisis=True),
                    WerkvoorraadFilter(nietToegewezen=True),
                    WerkvoorraadFilter(toegewezenAanMij=True),
                    WerkvoorraadFilter(pc4Van="3500", pc4Tot="3599")):
        shown = werkvoorraad.page(pg_session, me, filters, limit=50).rows
        assert werkvoorraad.count(pg_session, me, filters) == len(shown), filters
        assert werkvoorraad.count(pg_session, me, filters, cap=2) == min(2, len(shown))
    assert werkvoorraad.count(pg_session, me, WerkvoorraadFilter()) == len(ids)
