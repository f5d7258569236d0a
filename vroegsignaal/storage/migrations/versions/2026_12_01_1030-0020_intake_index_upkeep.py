# SPDX-License-Identifier: EUPL-1.2
"""Fewer indexes for the intake to keep: those no query needs

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 10:30:00

At 1,000,000 signals the intake's three COPYs (signaal, zaak, werkvoorraad_item) spend
most of their time in index upkeep (benchmarks/bench_intake_statements.py). These indexes
served no query that another index does not serve as well:

- `ix_werkvoorraad_wachtrij` (municipality, status, prioriteit) and `ix_werkvoorraad_termijn`
  (status, due date): every read of items by municipality, status or due date is of the
  open items (the werkvoorraad, the overview, the SLA run, expiry, the KPIs), which the
  partial `ix_werkvoorraad_open*` indexes (0018, 0019) serve. `ix_werkvoorraad_open_termijn`
  now carries the status too (INCLUDE, PostgreSQL), so the overview's counts per status and
  a status tray's count stay read from an index alone, as they were from the first one.
- `ix_signaal_bewaren_tot`: only the purge reads a signal's date, for the signals without
  a zaak, which `ix_signaal_zaak_id` finds.
- `ix_zaak_toegewezen_aan` over the assigned zaken only: every read is of one worker's
  zaken (and the foreign key's SET NULL looks them up by value); the intake's new zaken are
  unassigned.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ASSIGNED = "toegewezen_aan IS NOT NULL"
OPEN = "status IN ('Nog niet opgepakt', 'Opgepakt')"
TERMIJN = ["gemeentecode", "uiterste_datum", sa.text("prioriteit DESC"), "zaak_id"]
WHERE = {"postgresql_where": sa.text(OPEN), "sqlite_where": sa.text(OPEN)}


# Outside a batch, as in 0019: SQLite's batch mode cannot read back "prioriteit DESC".
def _termijn(include: list[str]) -> None:
    op.drop_index("ix_werkvoorraad_open_termijn", table_name="werkvoorraad_item", **WHERE)
    op.create_index("ix_werkvoorraad_open_termijn", "werkvoorraad_item", TERMIJN,
                    postgresql_include=include, **WHERE)


def upgrade() -> None:
    op.drop_index("ix_werkvoorraad_wachtrij", table_name="werkvoorraad_item")
    op.drop_index("ix_werkvoorraad_termijn", table_name="werkvoorraad_item")
    _termijn(["te_laat_sinds", "status"])
    op.drop_index("ix_signaal_bewaren_tot", table_name="signaal")
    op.drop_index("ix_zaak_toegewezen_aan", table_name="zaak")
    op.create_index("ix_zaak_toegewezen_aan", "zaak", ["toegewezen_aan"],
                    postgresql_where=sa.text(ASSIGNED), sqlite_where=sa.text(ASSIGNED))


def downgrade() -> None:
    op.drop_index("ix_zaak_toegewezen_aan", table_name="zaak")
    op.create_index("ix_zaak_toegewezen_aan", "zaak", ["toegewezen_aan"])
    op.create_index("ix_signaal_bewaren_tot", "signaal", ["bewaren_tot"])
    op.create_index("ix_werkvoorraad_termijn", "werkvoorraad_item", ["status", "uiterste_datum"])
    _termijn(["te_laat_sinds"])
    op.create_index("ix_werkvoorraad_wachtrij", "werkvoorraad_item",
                    ["gemeentecode", "status", "prioriteit"])
