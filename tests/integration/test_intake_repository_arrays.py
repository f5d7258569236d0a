# SPDX-License-Identifier: EUPL-1.2
"""Array parameters on PostgreSQL: one separated string where that is unambiguous, the
driver's array otherwise; both must find exactly the same rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from vroegsignaal.storage import intake_repository as repo
from vroegsignaal.storage.db import session_factory
from vroegsignaal.storage.tables import IntakeBatch, Signaal, WerkvoorraadItem, Zaak, table_of

pytestmark = pytest.mark.integration
ODD = ["a\x1fb", "", "c,d"]  # the separator itself, an empty string, a comma


def test_joined_only_when_it_cannot_be_misread() -> None:
    assert repo._joined(["ab", "cd"]) == "ab\x1fcd"
    assert repo._joined([1, 22]) == "1\x1f22"
    assert repo._joined([]) == ""
    for odd in ODD[:2]:
        assert repo._joined(["ab", odd]) is None
    assert repo._joined(["c,d"]) == "c,d"


def _signal(session: Session, schuldeiser: str, signaal_id: str) -> None:
    day = dt.date(2026, 3, 2)
    session.execute(insert(Signaal).values(
        schuldeiser=schuldeiser, signaal_id=signaal_id, signaalpartner="Huur",
        gemeentecode="GM0344", pc4="3511", huishouden_sleutel="h" * 32,
        referentie_sleutel=f"r-{signaal_id}", bedrag=500, ontstaansdatum=day,
        signaaldatum=day, ontvangen_op=day, crisissignaal=False, warme_overdracht=False,
        status="Opgepakt", reden="OPGEPAKT", sleutel_id="k1", identificatie=b"x",
        batch_id="b-arrays", bron="test", bewaren_tot=dt.date(2026, 9, 2)))


@pytest.fixture
def pg_session(pg_url: str) -> Iterator[Session]:
    s = session_factory(pg_url)()
    yield s
    s.rollback()
    s.close()


def test_both_paths_find_the_same_rows(pg_session: Session) -> None:
    session = pg_session
    session.execute(insert(IntakeBatch).values(
        batch_id="b-arrays", bron="test", ontvangen_op=dt.datetime.now(dt.UTC), aantallen={},
        verwijderde_velden={}, bewaren_tot=dt.date(2028, 1, 1)))
    plain = [("WBV", f"S-{i}") for i in range(5)]
    odd = [("WBV", v) for v in ODD]
    for k in plain + odd:
        _signal(session, *k)
    session.flush()
    wanted = plain[:3] + odd + [("WBV", "missing")]
    assert set(repo.stored_reasons(session, plain[:3])) == set(plain[:3])  # joined
    assert set(repo.stored_reasons(session, wanted)) == set(plain[:3] + odd)  # fallback
    refs = [f"r-{v}" for _, v in plain[:2]]
    since = dt.date(2026, 1, 1)
    assert set(repo.last_picked_up(session, refs, since)) == set(refs)
    assert set(repo.last_picked_up(session, [*refs, "r-a\x1fb", ""], since)) == {
        *refs, "r-a\x1fb"}
    ids = session.scalars(select(Signaal.id).order_by(Signaal.id)).all()
    stmt = select(Signaal.id).where(repo.in_values(session, Signaal.id, ids[:4]))
    assert sorted(session.scalars(stmt)) == ids[:4]


def test_bulk_update_stores_the_same_values_on_both_paths(pg_session: Session) -> None:
    """`bulk_update` sends a column as one separated string when every value's text form
    reads back as itself, else as the driver's array: either way the rows hold exactly
    the values given (floats, JSON, booleans, dates, times, strings; None and odd strings
    take the driver's array)."""
    session = pg_session
    day = dt.date(2026, 3, 1)
    ids = []
    for n in range(4):
        zaak_id = session.execute(insert(Zaak).values(
            gemeentecode="GM0344", huishouden_sleutel=f"{n:032x}", matchingsperiode=day,
            zaaktype="enkelvoudig", status="Nog niet opgepakt", aantal_signalen=1,
            bewaren_tot=day, laatste_activiteit_op=day).returning(Zaak.id)).scalar_one()
        ids.append(session.execute(insert(WerkvoorraadItem).values(
            zaak_id=zaak_id, gemeentecode="GM0344", prioriteit=0.0, scoremodel="m",
            uiterste_datum=day, status="Nog niet opgepakt", bewaren_tot=day,
        ).returning(WerkvoorraadItem.id)).scalar_one())
    at = dt.datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=dt.UTC)

    def rows(texts: list[str | None], teller: float) -> list[dict[str, object]]:
        return [{
            "id": item_id, "prioriteit": teller / 3 + i, "crisis": i % 2 == 0,
            "prioriteit_redenen": [{"code": "x\x1fy", "n": i}, "ü"], "scoremodel": f"m-{i}",
            "score_invoer": texts[i], "uiterste_datum": day + dt.timedelta(days=i),
            "bijgewerkt_op": at + dt.timedelta(hours=i), "bewaren_tot": dt.date(2027, 1, i + 1),
        } for i, item_id in enumerate(ids)]

    joined = rows(["a", "b", "c", "d"], 1.0)  # every column as one string
    fallback = rows([None, "", "a\x1fb", "d"], 2.0)  # score_invoer as the driver's array
    assert repo._joined([r["score_invoer"] for r in joined]) is not None
    for wanted in (joined, fallback):
        assert repo.bulk_update(session, table_of(WerkvoorraadItem), wanted) == len(ids)
        stored = session.execute(
            select(table_of(WerkvoorraadItem)).where(WerkvoorraadItem.id.in_(ids))
            .order_by(WerkvoorraadItem.id)).mappings().all()
        assert [{k: s[k] for k in w} for s, w in zip(stored, wanted, strict=True)] == wanted
