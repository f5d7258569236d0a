# SPDX-License-Identifier: EUPL-1.2
"""accounts login: sessions, pending OIDC logins, login-failure counters, claim-sourced grants

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 15:00:00

Login state lives in its own tables (docs/adr/0012-authentication.md): `sessie` (server-side
sessions, the cookie's token only as SHA-256), `oidc_aanmelding` (an OIDC login under way),
`aanmeld_teller` (failures per account name and per source, as keyed HMACs). The base's
per-user failure columns go: a counter that exists for names without an account too is
what keeps the lockout from telling which accounts exist. `bron` marks a role or team
membership as granted by an admin or read from the identity provider's claims.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "aanmeld_teller",
        sa.Column("sleutel", sa.String(length=64), nullable=False),
        sa.Column("soort", sa.String(length=8), nullable=False),
        sa.Column("mislukt", sa.Integer(), nullable=False),
        sa.Column("laatst_mislukt_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("geblokkeerd_tot", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("sleutel", name=op.f("pk_aanmeld_teller")),
    )
    op.create_table(
        "oidc_aanmelding",
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=128), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("terug", sa.String(length=200), nullable=False),
        sa.Column("verloopt_op", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state_hash", name=op.f("pk_oidc_aanmelding")),
    )
    with op.batch_alter_table("oidc_aanmelding", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oidc_aanmelding_verloopt_op"), ["verloopt_op"], unique=False
        )

    op.create_table(
        "sessie",
        sa.Column("sleutel_hash", sa.String(length=64), nullable=False),
        sa.Column("gebruiker_id", ID, nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("stap", sa.String(length=20), nullable=False),
        sa.Column("methode", sa.String(length=12), nullable=False),
        sa.Column("aangemaakt_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("laatst_actief_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verloopt_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("totp_nieuw_geheim", sa.LargeBinary(), nullable=True),
        sa.Column("totp_nieuw_sleutel_id", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["gebruiker_id"],
            ["gebruiker.id"],
            name=op.f("fk_sessie_gebruiker_id_gebruiker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sleutel_hash", name=op.f("pk_sessie")),
    )
    with op.batch_alter_table("sessie", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sessie_gebruiker_id"), ["gebruiker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sessie_verloopt_op"), ["verloopt_op"], unique=False)

    with op.batch_alter_table("gebruiker", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_sleutel_id", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("totp_laatste_stap", sa.BigInteger(), nullable=True))
        batch_op.drop_column("vergrendeld_tot")
        batch_op.drop_column("mislukte_pogingen")

    for table in ("gebruiker_rol", "team_lid"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "bron",
                    sa.String(length=8),
                    server_default=sa.text("'beheer'"),
                    nullable=False,
                )
            )


def downgrade() -> None:
    for table in ("team_lid", "gebruiker_rol"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("bron")

    with op.batch_alter_table("gebruiker", schema=None) as batch_op:
        # The base had these with an ORM default only; existing rows start at no failures.
        batch_op.add_column(
            sa.Column(
                "mislukte_pogingen", sa.Integer(), nullable=False, server_default=sa.text("0")
            )
        )
        batch_op.add_column(sa.Column("vergrendeld_tot", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_column("totp_laatste_stap")
        batch_op.drop_column("totp_sleutel_id")
    with op.batch_alter_table("gebruiker", schema=None) as batch_op:
        batch_op.alter_column("mislukte_pogingen", server_default=None)

    with op.batch_alter_table("sessie", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessie_verloopt_op"))
        batch_op.drop_index(batch_op.f("ix_sessie_gebruiker_id"))
    op.drop_table("sessie")
    with op.batch_alter_table("oidc_aanmelding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oidc_aanmelding_verloopt_op"))
    op.drop_table("oidc_aanmelding")
    op.drop_table("aanmeld_teller")
