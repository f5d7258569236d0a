# SPDX-License-Identifier: EUPL-1.2
"""The intake's updates of zaak and signaal rows in place (HOT): no index, free space

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 10:40:00

Every intake batch updates the zaken it adds signals to (type, count, last activity,
`bewaren_tot`) and gives their older signals the zaak's new `bewaren_tot`
(workflow.retain). PostgreSQL can write such an update as a heap-only tuple (HOT: no new
entry in any index) only when no indexed column changes and the row's page has room.

- `ix_zaak_bewaren_tot` goes: the only readers of a zaak's date are the nightly automatic
  closing (retention/auto_closing.py) and the purge (retention/purge.py), whose statements
  scan the 680,000 zaken of a 940,000-signal database in 55 ms (EXPLAIN ANALYZE, parallel
  sequential scan, 30 Nov data) instead of 1-3 ms by the index, once a night. Every
  intake update of a zaak changed the indexed date, so none was HOT. The werkvoorraad
  item's date keeps its index: the overview's and the werkvoorraad's "bijna verlopen"
  counts read it while a person waits (7 ms by the index, 62 ms without, for three
  municipalities).
- `zaak` and `signaal` get fillfactor 90: a new page keeps a tenth free for updated row
  versions. Existing pages keep their fill (no rewrite here; VACUUM FULL would take the
  tables' exclusive lock); new ones fill to 90%, so the gain grows as rows arrive.

Measured with benchmarks/bench_intake_statements.py at 940,000 signals (tables rewritten
to fillfactor 90 on a copy): UPDATE zaak 18 -> 5 ms and UPDATE signaal SET bewaren_tot
18 -> 11 ms a 5,000-signal batch.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("zaak", "signaal")


def upgrade() -> None:
    op.drop_index("ix_zaak_bewaren_tot", table_name="zaak")
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} SET (fillfactor = 90)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} RESET (fillfactor)")
    op.create_index("ix_zaak_bewaren_tot", "zaak", ["bewaren_tot"])
