# SPDX-License-Identifier: EUPL-1.2
"""Migrations go up, down and up again on PostgreSQL, and match the models."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

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

    from sqlalchemy import text

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
