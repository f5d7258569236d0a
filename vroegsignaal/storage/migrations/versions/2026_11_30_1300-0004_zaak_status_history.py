# SPDX-License-Identifier: EUPL-1.2
"""zaak status history: zaak_statuswijziging, zaak.versie, wider werkvoorraad_item.status

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 13:00:00

The schema for the zaak workflow (vroegsignaal/cases/workflow.py): every status move is a
row in zaak_statuswijziging, and zaak.versie guards against two people moving the same
zaak at once (optimistic locking). werkvoorraad_item.status holds the zaak's status too
(the queue index needs it without a join), so it gets the width of zaak.status. The
status values themselves change in 0005, a data migration of its own.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "zaak_statuswijziging",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("zaak_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("van", sa.String(length=24), nullable=False),
        sa.Column("naar", sa.String(length=24), nullable=False),
        sa.Column("eindresultaat", sa.String(length=80), nullable=True),
        sa.Column("door", sa.String(length=80), nullable=False),
        sa.Column("rol", sa.String(length=16), nullable=False),
        sa.Column("reden", sa.String(length=200), nullable=False),
        sa.Column("versie", sa.Integer(), nullable=False),
        sa.Column("tijdstip", sa.DateTime(timezone=True), nullable=False),
        sa.Column("bewaren_tot", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["zaak_id"], ["zaak.id"], name=op.f("fk_zaak_statuswijziging_zaak_id_zaak")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zaak_statuswijziging")),
    )
    with op.batch_alter_table("zaak_statuswijziging", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_zaak_statuswijziging_zaak_id"), ["zaak_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_zaak_statuswijziging_bewaren_tot"), ["bewaren_tot"], unique=False
        )
    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("versie", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
    with op.batch_alter_table("werkvoorraad_item", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=sa.String(length=20), type_=sa.String(length=24),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("werkvoorraad_item", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=sa.String(length=24), type_=sa.String(length=20),
            existing_nullable=False,
        )
    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.drop_column("versie")
    with op.batch_alter_table("zaak_statuswijziging", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zaak_statuswijziging_bewaren_tot"))
        batch_op.drop_index(batch_op.f("ix_zaak_statuswijziging_zaak_id"))
    op.drop_table("zaak_statuswijziging")
