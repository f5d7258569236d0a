# SPDX-License-Identifier: EUPL-1.2
"""zaak.laatste_activiteit_op is required

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 10:00:00

0016 filled it for every zaak; the intake sets it for every new one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.alter_column("laatste_activiteit_op", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.alter_column("laatste_activiteit_op", existing_type=sa.Date(), nullable=True)
