# SPDX-License-Identifier: EUPL-1.2
"""retention and sla: deletion log, overdue mark and score fingerprint on queue items

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "verwijder_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("peildatum", sa.Date(), nullable=False),
        sa.Column("verwijderd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tabel", sa.String(length=40), nullable=False),
        sa.Column("grond", sa.String(length=200), nullable=False),
        sa.Column("aantal", sa.Integer(), nullable=False),
        sa.Column(
            "ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verwijder_log")),
    )
    with op.batch_alter_table("verwijder_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verwijder_log_run_id"), ["run_id"], unique=False)

    with op.batch_alter_table("werkvoorraad_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("te_laat_sinds", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("score_invoer", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_werkvoorraad_termijn", ["status", "uiterste_datum"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("werkvoorraad_item", schema=None) as batch_op:
        batch_op.drop_index("ix_werkvoorraad_termijn")
        batch_op.drop_column("score_invoer")
        batch_op.drop_column("te_laat_sinds")

    with op.batch_alter_table("verwijder_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verwijder_log_run_id"))

    op.drop_table("verwijder_log")
