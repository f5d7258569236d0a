# SPDX-License-Identifier: EUPL-1.2
"""zaak expiry: maximum age per municipality, the zaak's last activity, retention grounds

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 09:50:00

Issue 13 (ADR 0018). `gemeente_instelling` gets the maximum age of an open zaak and how
many days ahead it shows as "bijna verlopen" (defaults from eligibility/defaults.yaml);
`zaak.laatste_activiteit_op` is where that age counts from (filled by 0016, made NOT NULL
by 0017); `zaak_bewaargrond` holds the recorded legal grounds to keep a zaak past its
retention date.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("gemeente_instelling", schema=None) as batch_op:
        batch_op.add_column(sa.Column("zaak_max_leeftijd_maanden", sa.Integer(),
                                      server_default=sa.text("6"), nullable=False))
        batch_op.add_column(sa.Column("verloop_waarschuwing_dagen", sa.Integer(),
                                      server_default=sa.text("14"), nullable=False))
    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.add_column(sa.Column("laatste_activiteit_op", sa.Date(), nullable=True))
    op.create_table(
        "zaak_bewaargrond",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("zaak_id", ID, nullable=False),
        sa.Column("grond", sa.String(length=60), nullable=False),
        sa.Column("geldig_tot", sa.Date(), nullable=False),
        sa.Column("vastgelegd_door", sa.String(length=80), nullable=False),
        sa.Column("vastgelegd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ingetrokken_door", sa.String(length=80), nullable=True),
        sa.Column("ingetrokken_op", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["zaak_id"], ["zaak.id"], name=op.f("fk_zaak_bewaargrond_zaak_id_zaak")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zaak_bewaargrond")),
    )
    with op.batch_alter_table("zaak_bewaargrond", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_zaak_bewaargrond_zaak_id"), ["zaak_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("zaak_bewaargrond", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zaak_bewaargrond_zaak_id"))
    op.drop_table("zaak_bewaargrond")
    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.drop_column("laatste_activiteit_op")
    with op.batch_alter_table("gemeente_instelling", schema=None) as batch_op:
        batch_op.drop_column("verloop_waarschuwing_dagen")
        batch_op.drop_column("zaak_max_leeftijd_maanden")
