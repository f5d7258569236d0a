# SPDX-License-Identifier: EUPL-1.2
"""zaak.gemeentecode without a foreign key to gemeente (ADR 0022)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 10:50:00

The check of `fk_zaak_gemeentecode_gemeente` ran for every zaak the intake inserts and
locked the municipality's `gemeente` row (FOR KEY SHARE), the same few hundred rows from
every writer: 43 ms of PostgreSQL time for the 3,570 new zaken of a 5,000-signal batch at
940,000 signals (EXPLAIN ANALYZE, 1 Dec 2026), more than the zaak COPY's own index upkeep.
The code is set once, by the intake, from the settings of an eligible municipality
(`gemeente_instelling`, whose key is a foreign key to `gemeente`), and `gemeente` rows are
reference data that are never deleted.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_zaak_gemeentecode_gemeente"


def upgrade() -> None:
    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.create_foreign_key(FK, "gemeente", ["gemeentecode"], ["gemeentecode"])
