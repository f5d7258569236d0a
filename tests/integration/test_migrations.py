# SPDX-License-Identifier: EUPL-1.2
"""Migrations go up, down and up again on PostgreSQL, and match the models."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from vroegsignaal.storage.migrate import current, downgrade, upgrade
from vroegsignaal.storage.models import Base

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
