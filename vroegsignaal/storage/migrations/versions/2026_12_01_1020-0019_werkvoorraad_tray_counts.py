# SPDX-License-Identifier: EUPL-1.2
"""werkvoorraad: the household's PC4 on each item, and indexes that count a tray

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 10:20:00

The werkvoorraad page counts the whole werkvoorraad and each work tray (up to 1000,
cases/werkvoorraad.py `counts`). At 1,000,000 zaken two of the bench's trays cost most of
the page (benchmarks/bench_web.py): "Wijk 3000-3299" looked up the signals of each open
item for their PC4 (3,000 lookups, 36-60 ms warm), "Te laat" read the items' rows for
`te_laat_sinds` (1,000 heap pages, 6-24 ms).

- `werkvoorraad_item.pc4`: the PC4 of the zaak's household. A zaak is one household's
  (the household key is a keyed hash of the full postcode and house number), so every
  signal of it has the same PC4 and "a signal of the zaak in this PC4 range" is "the item
  in this range". Filled from the signals; the intake writes it with each new item.
- `ix_werkvoorraad_open_pc4` (municipality, pc4, zaak id; open items): a PC4-range tray is
  counted from the index alone.
- `ix_werkvoorraad_open_termijn` carries `te_laat_sinds` (INCLUDE, PostgreSQL): "te laat"
  (`te_laat_sinds` set or past the due date) is counted from the index alone, in due-date
  order, so the overdue items come first.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status IN ('Nog niet opgepakt', 'Opgepakt')"
TERMIJN = ["gemeentecode", "uiterste_datum", sa.text("prioriteit DESC"), "zaak_id"]
WHERE = {"postgresql_where": sa.text(OPEN), "sqlite_where": sa.text(OPEN)}


# Indexes outside a batch: SQLite's batch mode would copy the table and cannot read back an
# index with an expression column ("prioriteit DESC").
def _termijn(include: list[str]) -> None:
    op.drop_index("ix_werkvoorraad_open_termijn", table_name="werkvoorraad_item", **WHERE)
    op.create_index("ix_werkvoorraad_open_termijn", "werkvoorraad_item", TERMIJN,
                    postgresql_include=include, **WHERE)


def upgrade() -> None:
    with op.batch_alter_table("werkvoorraad_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pc4", sa.String(length=4), nullable=True))
    # Before the index, so the fill does not maintain it row by row.
    op.execute(
        "UPDATE werkvoorraad_item SET pc4 = "
        "(SELECT min(signaal.pc4) FROM signaal WHERE signaal.zaak_id = werkvoorraad_item.zaak_id)"
    )
    op.create_index("ix_werkvoorraad_open_pc4", "werkvoorraad_item",
                    ["gemeentecode", "pc4", "zaak_id"], **WHERE)
    _termijn(["te_laat_sinds"])


def downgrade() -> None:
    _termijn([])
    op.drop_index("ix_werkvoorraad_open_pc4", table_name="werkvoorraad_item", **WHERE)
    with op.batch_alter_table("werkvoorraad_item", schema=None) as batch_op:
        batch_op.drop_column("pc4")
