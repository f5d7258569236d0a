# SPDX-License-Identifier: EUPL-1.2
"""batch deliveries: an opaque id per delivered file, its arrival order and status

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 16:00:00

Airflow's run ids, configuration and logs carry the delivery id; the file name stays in
this table until the retention purge removes the row (docs/batch-intake.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "batch_levering",
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("schuldeiser", sa.String(length=64), nullable=False),
        sa.Column("bestandsnaam", sa.String(length=255), nullable=False),
        sa.Column("grootte", sa.BigInteger(), nullable=False),
        sa.Column("gewijzigd_ns", sa.BigInteger(), nullable=False),
        sa.Column("ontvangen_op", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("aangemeld_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("afgerond_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bewaren_tot", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch_levering")),
    )
    with op.batch_alter_table("batch_levering", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_batch_levering_bewaren_tot"), ["bewaren_tot"], unique=False
        )
        batch_op.create_index(
            "ix_batch_levering_volgorde", ["schuldeiser", "status", "gewijzigd_ns"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("batch_levering", schema=None) as batch_op:
        batch_op.drop_index("ix_batch_levering_volgorde")
        batch_op.drop_index(batch_op.f("ix_batch_levering_bewaren_tot"))
    op.drop_table("batch_levering")
