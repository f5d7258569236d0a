# SPDX-License-Identifier: EUPL-1.2
"""werkvoorraad: an index for each order the web page reads the queue in

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 09:50:00

The werkvoorraad page's default order "urgentie" (crisis first, then risk, due date, zaak
id) and its "termijn" order (due date first) had no index: every page, the first too,
sorted all open zaken of the municipality (25,000 at 1,000,000 zaken: 200 ms in-process,
benchmarks/bench_web.py). Like `ix_werkvoorraad_open` (order "risico"), each is partial
on the open statuses and leads with the municipality, so a keyset page reads its rows in
index order and stops after the page. Numbered 0018 after retention's 0015-0017.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status IN ('Nog niet opgepakt', 'Opgepakt')"
INDEXES = {
    "ix_werkvoorraad_open_urgentie": [
        "gemeentecode", sa.text("crisis DESC"), sa.text("prioriteit DESC"), "uiterste_datum",
        "zaak_id"],
    "ix_werkvoorraad_open_termijn": [
        "gemeentecode", "uiterste_datum", sa.text("prioriteit DESC"), "zaak_id"],
}


def upgrade() -> None:
    with op.batch_alter_table("werkvoorraad_item", schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False, postgresql_where=sa.text(OPEN),
                                  sqlite_where=sa.text(OPEN))


def downgrade() -> None:
    with op.batch_alter_table("werkvoorraad_item", schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name, postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
