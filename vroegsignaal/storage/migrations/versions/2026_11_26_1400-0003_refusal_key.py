# SPDX-License-Identifier: EUPL-1.2
"""refusal key: a replayed refused message is stored once

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 14:00:00

Rows from before this revision get a key of their own ("legacy|<id>"): replays already
stored stay as they were (they hold ids only and expire with their retention date).
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("intake_weigering", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sleutel", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    table = sa.table("intake_weigering", sa.column("id", sa.BigInteger),
                     sa.column("sleutel", sa.String))
    ids = bind.execute(sa.select(table.c.id)).scalars().all()
    if ids:
        bind.execute(
            table.update().where(table.c.id == sa.bindparam("row_id")),
            [{"row_id": i, "sleutel": hashlib.sha256(f"legacy|{i}".encode()).hexdigest()}
             for i in ids],
        )
    with op.batch_alter_table("intake_weigering", schema=None) as batch_op:
        batch_op.alter_column("sleutel", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(op.f("uq_intake_weigering_sleutel"), ["sleutel"])


def downgrade() -> None:
    with op.batch_alter_table("intake_weigering", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_intake_weigering_sleutel"), type_="unique")
        batch_op.drop_column("sleutel")
