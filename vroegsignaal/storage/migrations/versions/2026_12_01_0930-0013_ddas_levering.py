# SPDX-License-Identifier: EUPL-1.2
"""ddas_levering: the log of DDAS deliveries made (files and pulled pages)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 09:20:00

Counts and validation results only (vroegsignaal/ddas/status.py): what the manager's
dashboard shows as the delivery status. Nothing about residents.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ddas_levering",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  autoincrement=True, nullable=False),
        sa.Column("gemeentecode", sa.String(length=6), nullable=False),
        sa.Column("soort", sa.String(length=8), nullable=False),
        sa.Column("tijdstip", sa.DateTime(timezone=True), nullable=False),
        sa.Column("van", sa.Date(), nullable=False),
        sa.Column("tot", sa.Date(), nullable=False),
        sa.Column("vroegsignalen", sa.Integer(), nullable=False),
        sa.Column("vroegsignaalzaken", sa.Integer(), nullable=False),
        sa.Column("geldig", sa.Boolean(), nullable=False),
        sa.Column("schendingen", sa.Integer(), nullable=False),
        sa.Column("afnemer", sa.String(length=80), nullable=True),
        sa.Column("pagina", sa.Integer(), nullable=True),
        sa.Column("paginas", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ddas_levering")),
    )
    op.create_index("ix_ddas_levering_gemeente_tijdstip", "ddas_levering",
                    ["gemeentecode", "tijdstip"])


def downgrade() -> None:
    op.drop_index("ix_ddas_levering_gemeente_tijdstip", table_name="ddas_levering")
    op.drop_table("ddas_levering")
