# SPDX-License-Identifier: EUPL-1.2
"""contract: content key for conflicts; address key and "mogelijk hetzelfde adres" links

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 09:20:00

Issue 9. `signaal.inhoud_sleutel` keys what a message said, so the same signaalId with
other content is a conflict (NULL for older rows: a resend of those stays a replay).
`zaak.adres_sleutel` keys the building entrance (postcode and number, no letter or
addition), and `adreskoppeling` links the zaken of a household written without letter or
addition to those of the same number with one, for a worker to confirm or separate
(vroegsignaal/cases/address_links.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("signaal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inhoud_sleutel", sa.String(length=32), nullable=True))
    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.add_column(sa.Column("adres_sleutel", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_zaak_adres_sleutel"), ["adres_sleutel"])
    op.create_table(
        "adreskoppeling",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("gemeentecode", sa.String(length=6), nullable=False),
        sa.Column("huishouden_kaal", sa.String(length=32), nullable=False),
        sa.Column("huishouden_adres", sa.String(length=32), nullable=False),
        sa.Column("zaak_kaal_id", _ID, nullable=False),
        sa.Column("zaak_adres_id", _ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("aangemaakt_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("besloten_door", sa.String(length=80), nullable=True),
        sa.Column("besloten_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bewaren_tot", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["zaak_kaal_id"], ["zaak.id"], ondelete="CASCADE",
            name=op.f("fk_adreskoppeling_zaak_kaal_id_zaak"),
        ),
        sa.ForeignKeyConstraint(
            ["zaak_adres_id"], ["zaak.id"], ondelete="CASCADE",
            name=op.f("fk_adreskoppeling_zaak_adres_id_zaak"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adreskoppeling")),
        sa.UniqueConstraint(
            "huishouden_kaal", "huishouden_adres", name=op.f("uq_adreskoppeling_huishouden_kaal")
        ),
    )
    with op.batch_alter_table("adreskoppeling", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_adreskoppeling_gemeentecode"), ["gemeentecode", "status"]
        )
        batch_op.create_index(batch_op.f("ix_adreskoppeling_huishouden_adres"),
                              ["huishouden_adres"])
        batch_op.create_index(batch_op.f("ix_adreskoppeling_zaak_kaal_id"), ["zaak_kaal_id"])
        batch_op.create_index(batch_op.f("ix_adreskoppeling_zaak_adres_id"), ["zaak_adres_id"])
        batch_op.create_index(batch_op.f("ix_adreskoppeling_bewaren_tot"), ["bewaren_tot"])


def downgrade() -> None:
    op.drop_table("adreskoppeling")
    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zaak_adres_sleutel"))
        batch_op.drop_column("adres_sleutel")
    with op.batch_alter_table("signaal", schema=None) as batch_op:
        batch_op.drop_column("inhoud_sleutel")
