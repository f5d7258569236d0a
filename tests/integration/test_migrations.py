# SPDX-License-Identifier: EUPL-1.2
"""Migrations go up, down and up again on PostgreSQL, and match the models."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from vroegsignaal.storage.migrate import current, downgrade, upgrade
from vroegsignaal.storage.tables import Base

pytestmark = pytest.mark.integration


def test_upgrade_downgrade_upgrade(new_postgres_database: Callable[[], str]) -> None:
    url = new_postgres_database()
    upgrade(url)
    head = current(url)
    assert head is not None
    downgrade(url, "base")
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(url)
    assert current(url) == head
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_0003_keys_refusals_stored_before_it(
    dialect: str, new_postgres_database: Callable[[], str], tmp_path
) -> None:
    """Replays refused twice before 0003 stay (two rows, each its own key); new ones do not."""
    import datetime as dt


    url = new_postgres_database() if dialect == "postgresql" else f"sqlite:///{tmp_path}/m.db"
    upgrade(url, "0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO intake_batch (batch_id, bron, ontvangen_op, aantallen, "
            "verwijderde_velden, bewaren_tot) VALUES ('b1', 'kafka', :t, '{}', '{}', :d)"),
            {"t": dt.datetime(2026, 3, 1, tzinfo=dt.UTC), "d": dt.date(2028, 3, 1)})
        for _ in range(2):
            conn.execute(text(
                "INSERT INTO intake_weigering (batch_id, bron, positie, reden, details, "
                "bewaren_tot) VALUES ('b1', 'kafka', 0, 'ONGELDIG_BERICHT', '[]', :d)"),
                {"d": dt.date(2026, 9, 1)})
    upgrade(url)
    with engine.connect() as conn:
        keys = conn.execute(text("SELECT sleutel FROM intake_weigering")).scalars().all()
    assert len(keys) == 2 and len(set(keys)) == 2 and all(len(k) == 64 for k in keys)
    downgrade(url, "0002")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM intake_weigering")).scalar_one() == 2
    engine.dispose()


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_0005_open_becomes_the_workflow_status_and_back(
    dialect: str, new_postgres_database: Callable[[], str], tmp_path
) -> None:
    """Every zaak was "open" before the workflow: it is where a new zaak starts."""
    import datetime as dt


    url = new_postgres_database() if dialect == "postgresql" else f"sqlite:///{tmp_path}/m.db"
    upgrade(url, "0003")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO gemeente (gemeentecode, naam, inwoners) "
                          "VALUES ('GM0344', 'Utrecht', 1)"))
        conn.execute(text(
            "INSERT INTO zaak (id, gemeentecode, huishouden_sleutel, matchingsperiode, zaaktype, "
            "status, aantal_signalen, bewaren_tot, aangemaakt_op) VALUES (1, 'GM0344', 'h', "
            ":p, 'enkelvoudig', 'open', 1, :d, :t)"),
            {"p": dt.date(2026, 3, 1), "d": dt.date(2026, 9, 1),
             "t": dt.datetime(2026, 3, 1, tzinfo=dt.UTC)})
        conn.execute(text(
            "INSERT INTO werkvoorraad_item (zaak_id, gemeentecode, prioriteit, prioriteit_redenen,"
            " scoremodel, uiterste_datum, crisis, status, bewaren_tot, bijgewerkt_op) VALUES "
            "(1, 'GM0344', 0.5, '[]', 'regel-v1', :p, false, 'open', :d, :t)"),
            {"p": dt.date(2026, 3, 15), "d": dt.date(2026, 9, 1),
             "t": dt.datetime(2026, 3, 1, tzinfo=dt.UTC)})

    def statuses() -> list[tuple[str, ...]]:
        with engine.connect() as conn:
            return [
                tuple(conn.execute(text("SELECT status FROM zaak")).scalars()),
                tuple(conn.execute(text("SELECT status FROM werkvoorraad_item")).scalars()),
            ]

    upgrade(url)
    assert statuses() == [("Nog niet opgepakt",), ("Nog niet opgepakt",)]
    with engine.begin() as conn:
        assert conn.execute(text("SELECT versie FROM zaak")).scalar_one() == 0
        conn.execute(text("UPDATE zaak SET status = 'Automatisch afgesloten'"))
        conn.execute(text("UPDATE werkvoorraad_item SET status = 'Automatisch afgesloten'"))
    downgrade(url, "0003")
    assert statuses() == [("gesloten",), ("gesloten",)]
    engine.dispose()


def test_0021_zaak_and_signaal_pages_keep_room_for_updates(
    new_postgres_database: Callable[[], str],
) -> None:
    """0021 sets fillfactor 90 on zaak and signaal and drops the zaak date's index; its
    downgrade puts both back."""
    url = new_postgres_database()
    engine = create_engine(url)

    def storage() -> tuple[dict[str, list[str] | None], bool]:
        with engine.connect() as conn:
            options = dict(conn.execute(text(
                "SELECT relname, reloptions FROM pg_class WHERE relname IN ('zaak', 'signaal')"
            )).tuples().all())
        indexed = "ix_zaak_bewaren_tot" in {i["name"] for i in inspect(engine).get_indexes("zaak")}
        return options, indexed

    upgrade(url, "0021")
    assert storage() == ({"zaak": ["fillfactor=90"], "signaal": ["fillfactor=90"]}, False)
    downgrade(url, "0020")
    assert storage() == ({"zaak": None, "signaal": None}, True)
    engine.dispose()
