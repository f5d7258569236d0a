# SPDX-License-Identifier: EUPL-1.2
"""web app: municipality themes, offer-letter templates, creditor web accounts, shortcuts

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 09:00:00

`gemeente_thema`: a municipality's name, colours and logo for the web app and its letters,
and its public debt-help contact details. `briefsjabloon`: the admin-edited templates of
the proactive offer (letter and SMS). `gebruiker.schuldeiser` links a creditor's web
account to its organisation (ADR 0014); `gebruiker.sneltoetsen` is the user's choice for
keyboard shortcuts (on by default, switchable off: WCAG 2.1.4). An index serves a
creditor's own signals, newest first.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gemeente_thema",
        sa.Column("gemeentecode", sa.String(length=6), nullable=False),
        sa.Column("weergavenaam", sa.String(length=120), nullable=False),
        sa.Column("kleur_primair", sa.String(length=7), nullable=False),
        sa.Column("kleur_primair_tekst", sa.String(length=7), nullable=False),
        sa.Column("kleur_link", sa.String(length=7), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=32), nullable=True),
        sa.Column("schuldhulp_telefoon", sa.String(length=30), nullable=False),
        sa.Column("schuldhulp_email", sa.String(length=254), nullable=False),
        sa.Column("schuldhulp_website", sa.String(length=200), nullable=False),
        sa.Column("schuldhulp_adres", sa.String(length=200), nullable=False),
        sa.Column("bijgewerkt_op", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["gemeentecode"],
            ["gemeente.gemeentecode"],
            name=op.f("fk_gemeente_thema_gemeentecode_gemeente"),
        ),
        sa.PrimaryKeyConstraint("gemeentecode", name=op.f("pk_gemeente_thema")),
    )
    op.create_table(
        "briefsjabloon",
        sa.Column("gemeentecode", sa.String(length=6), nullable=False),
        sa.Column("soort", sa.String(length=8), nullable=False),
        sa.Column("inhoud", sa.Text(), nullable=False),
        sa.Column("bijgewerkt_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("bijgewerkt_door", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["gemeentecode"],
            ["gemeente.gemeentecode"],
            name=op.f("fk_briefsjabloon_gemeentecode_gemeente"),
        ),
        sa.PrimaryKeyConstraint("gemeentecode", "soort", name=op.f("pk_briefsjabloon")),
    )
    with op.batch_alter_table("signaal", schema=None) as batch_op:
        batch_op.create_index("ix_signaal_schuldeiser_id", ["schuldeiser", "id"])
    with op.batch_alter_table("gebruiker", schema=None) as batch_op:
        batch_op.add_column(sa.Column("schuldeiser", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column(
                "sneltoetsen", sa.Boolean(), server_default=sa.text("true"), nullable=False
            )
        )
        batch_op.create_index(batch_op.f("ix_gebruiker_schuldeiser"), ["schuldeiser"])
        batch_op.create_foreign_key(
            batch_op.f("fk_gebruiker_schuldeiser_schuldeiser_organisatie"),
            "schuldeiser_organisatie",
            ["schuldeiser"],
            ["code"],
        )


def downgrade() -> None:
    with op.batch_alter_table("gebruiker", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_gebruiker_schuldeiser_schuldeiser_organisatie"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_gebruiker_schuldeiser"))
        batch_op.drop_column("sneltoetsen")
        batch_op.drop_column("schuldeiser")
    with op.batch_alter_table("signaal", schema=None) as batch_op:
        batch_op.drop_index("ix_signaal_schuldeiser_id")
    op.drop_table("briefsjabloon")
    op.drop_table("gemeente_thema")
