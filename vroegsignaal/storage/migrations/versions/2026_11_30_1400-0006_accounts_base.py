# SPDX-License-Identifier: EUPL-1.2
"""accounts base: teams, users and roles, creditor organisations and their API keys

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 14:00:00

Roles and scope live in rows (gebruiker_rol, team_lid, team_gemeente): a new account has
none, so no rights, until an admin grants them (vroegsignaal/accounts/principal.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "schuldeiser_organisatie",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("naam", sa.String(length=120), nullable=False),
        sa.Column("signaalpartner", sa.String(length=32), nullable=True),
        sa.Column("actief", sa.Boolean(), nullable=False),
        sa.Column("aangemaakt_op", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_schuldeiser_organisatie")),
    )
    op.create_table(
        "team",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("naam", sa.String(length=80), nullable=False),
        sa.Column("aangemaakt_op", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("naam", name=op.f("uq_team_naam")),
    )
    op.create_table(
        "api_sleutel",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("schuldeiser", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("sleutel_hash", sa.String(length=128), nullable=False),
        sa.Column("aangemaakt_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verloopt_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ingetrokken_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("laatst_gebruikt_op", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["schuldeiser"],
            ["schuldeiser_organisatie.code"],
            name=op.f("fk_api_sleutel_schuldeiser_schuldeiser_organisatie"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_sleutel")),
        sa.UniqueConstraint("sleutel_hash", name=op.f("uq_api_sleutel_sleutel_hash")),
    )
    with op.batch_alter_table("api_sleutel", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_sleutel_prefix"), ["prefix"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_api_sleutel_schuldeiser"), ["schuldeiser"], unique=False
        )

    op.create_table(
        "gebruiker",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("gebruikersnaam", sa.String(length=80), nullable=False),
        sa.Column("weergavenaam", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("telefoon", sa.String(length=30), nullable=True),
        sa.Column("gemeentecode", sa.String(length=6), nullable=True),
        sa.Column("actief", sa.Boolean(), nullable=False),
        sa.Column("wachtwoord_hash", sa.String(length=255), nullable=True),
        sa.Column("totp_geheim", sa.LargeBinary(), nullable=True),
        sa.Column("oidc_issuer", sa.String(length=255), nullable=True),
        sa.Column("oidc_subject", sa.String(length=255), nullable=True),
        sa.Column("mislukte_pogingen", sa.Integer(), nullable=False),
        sa.Column("vergrendeld_tot", sa.DateTime(timezone=True), nullable=True),
        sa.Column("laatst_ingelogd_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("aangemaakt_op", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["gemeentecode"],
            ["gemeente.gemeentecode"],
            name=op.f("fk_gebruiker_gemeentecode_gemeente"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gebruiker")),
        sa.UniqueConstraint("gebruikersnaam", name=op.f("uq_gebruiker_gebruikersnaam")),
        sa.UniqueConstraint("oidc_issuer", "oidc_subject", name=op.f("uq_gebruiker_oidc_issuer")),
    )
    op.create_table(
        "team_gemeente",
        sa.Column("team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("gemeentecode", sa.String(length=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["gemeentecode"],
            ["gemeente.gemeentecode"],
            name=op.f("fk_team_gemeente_gemeentecode_gemeente"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_team_gemeente_team_id_team"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "gemeentecode", name=op.f("pk_team_gemeente")),
    )
    op.create_table(
        "gebruiker_rol",
        sa.Column(
            "gebruiker_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("rol", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["gebruiker_id"],
            ["gebruiker.id"],
            name=op.f("fk_gebruiker_rol_gebruiker_id_gebruiker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("gebruiker_id", "rol", name=op.f("pk_gebruiker_rol")),
    )
    op.create_table(
        "team_lid",
        sa.Column("team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "gebruiker_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["gebruiker_id"],
            ["gebruiker.id"],
            name=op.f("fk_team_lid_gebruiker_id_gebruiker"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_team_lid_team_id_team"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "gebruiker_id", name=op.f("pk_team_lid")),
    )
    with op.batch_alter_table("team_lid", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_team_lid_gebruiker_id"), ["gebruiker_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("team_lid", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_lid_gebruiker_id"))

    op.drop_table("team_lid")
    op.drop_table("gebruiker_rol")
    op.drop_table("team_gemeente")
    op.drop_table("gebruiker")
    with op.batch_alter_table("api_sleutel", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_sleutel_schuldeiser"))
        batch_op.drop_index(batch_op.f("ix_api_sleutel_prefix"))

    op.drop_table("api_sleutel")
    op.drop_table("team")
    op.drop_table("schuldeiser_organisatie")
