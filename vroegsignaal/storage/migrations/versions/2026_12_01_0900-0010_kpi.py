# SPDX-License-Identifier: EUPL-1.2
"""kpi: materialised KPI counts and the published, protected KPI cells

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:00:00

Both tables are derived (vroegsignaal/kpi/): the refresh rebuilds them from the signals,
zaken and contactpogingen, so the downgrade drops them without loss.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kpi_rollup",
        sa.Column("kpi", sa.String(length=48), nullable=False),
        sa.Column("gemeentecode", sa.String(length=6), nullable=False),
        sa.Column("periode", sa.String(length=5), nullable=False),
        sa.Column("maand", sa.Date(), nullable=False),
        sa.Column("categorie", sa.String(length=80), nullable=False),
        sa.Column("aantal", sa.BigInteger(), nullable=False),
        sa.Column("huishoudens", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kpi", "gemeentecode", "periode", "maand", "categorie",
                                name=op.f("pk_kpi_rollup")),
    )
    op.create_table(
        "kpi_cel",
        sa.Column("kpi", sa.String(length=48), nullable=False),
        sa.Column("eenheid", sa.String(length=16), nullable=False),
        sa.Column("jaar", sa.Integer(), nullable=False),
        sa.Column("gemeentecode", sa.String(length=6), nullable=False),
        sa.Column("maand", sa.Integer(), nullable=False),
        sa.Column("categorie", sa.String(length=80), nullable=False),
        sa.Column("aantal", sa.BigInteger(), nullable=True),
        sa.Column("onderdrukt", sa.String(length=10), nullable=True),
        sa.Column("ververst_op", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kpi", "eenheid", "jaar", "gemeentecode", "maand", "categorie",
                                name=op.f("pk_kpi_cel")),
    )


def downgrade() -> None:
    op.drop_table("kpi_cel")
    op.drop_table("kpi_rollup")
