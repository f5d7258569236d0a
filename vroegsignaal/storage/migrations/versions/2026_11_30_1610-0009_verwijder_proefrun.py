# SPDX-License-Identifier: EUPL-1.2
"""retention dry runs: the purge deletes nothing before an operator ran one

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "verwijder_proefrun",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("run_id", sa.String(length=250), nullable=False),
        sa.Column("peildatum", sa.Date(), nullable=False),
        sa.Column("uitgevoerd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "gepland",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verwijder_proefrun")),
    )


def downgrade() -> None:
    op.drop_table("verwijder_proefrun")
