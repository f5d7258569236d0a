# SPDX-License-Identifier: EUPL-1.2
"""zaak status values: "open" becomes the workflow's "Nog niet opgepakt"

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 13:05:00

Data only (STYLE.md rule 9). Before the workflow every zaak and werkvoorraad item was
"open": nobody could move one yet, so each is still where a new zaak starts. Downgrade
maps the open statuses back to "open" and the closed ones to "gesloten" (no word for it
existed before, and the value must fit the narrower column of 0003).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "open"
NEW = "Nog niet opgepakt"
OPEN_NOW = ("Nog niet opgepakt", "Opgepakt")
CLOSED_BEFORE = "gesloten"


def upgrade() -> None:
    for table in ("zaak", "werkvoorraad_item"):
        t = sa.table(table, sa.column("status", sa.String))
        op.execute(t.update().where(t.c.status == OLD).values(status=NEW))


def downgrade() -> None:
    for table in ("zaak", "werkvoorraad_item"):
        t = sa.table(table, sa.column("status", sa.String))
        op.execute(t.update().where(t.c.status.in_(OPEN_NOW)).values(status=OLD))
        op.execute(t.update().where(t.c.status != OLD).values(status=CLOSED_BEFORE))
