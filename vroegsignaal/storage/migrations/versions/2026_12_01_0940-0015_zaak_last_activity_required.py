# SPDX-License-Identifier: EUPL-1.2
"""zaak.laatste_activiteit_op is required

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 09:40:00

0014 filled it for every zaak; the intake sets it for every new one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.alter_column("laatste_activiteit_op", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.alter_column("laatste_activiteit_op", existing_type=sa.Date(), nullable=True)
