# SPDX-License-Identifier: EUPL-1.2
"""case work: assignment, contact attempts, closing, werkbakjes, creditor feedback outbox, audit

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 09:20:00

The schema of issue 10's case work (ADR 0016). `audit_log` is redesigned: a hash chain with
the Logboek Dataverwerkingen fields. No release wrote audit rows before this revision (the
table only existed), so it is recreated rather than converted; the downgrade recreates
the old shape, empty.

On PostgreSQL the application runs as a member of the group role `vroegsignaal_toepassing`
(created here when it does not exist yet; roles belong to the cluster), which gets data
rights on every table except UPDATE and DELETE on `audit_log` and `audit_anker`. The
retention purge removes old audit rows only through `audit_purge(peildatum)`, a SECURITY
DEFINER function owned by the migrating (owner) role. docs/privacy.md, "Audit trail".
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status IN ('Nog niet opgepakt', 'Opgepakt')"
APP_ROLE = "vroegsignaal_toepassing"
# pg_advisory_xact_lock key of the audit chain; equal to vroegsignaal.audit.log.CHAIN_LOCK.
CHAIN_LOCK = 7_310_024_211
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "audit_anker",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("volgnummer", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("peildatum", sa.Date(), nullable=False),
        sa.Column("tijdstip", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_anker")),
    )
    op.create_table(
        "terugkoppeling",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("schuldeiser", sa.String(length=64), nullable=False),
        sa.Column("signaal_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=64), nullable=False),
        sa.Column("aangemaakt_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verzonden_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bewaren_tot", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terugkoppeling")),
    )
    with op.batch_alter_table("terugkoppeling", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_terugkoppeling_bewaren_tot"), ["bewaren_tot"], unique=False
        )
        batch_op.create_index(
            "ix_terugkoppeling_open",
            ["id"],
            unique=False,
            postgresql_where=sa.text("verzonden_op IS NULL"),
            sqlite_where=sa.text("verzonden_op IS NULL"),
        )

    op.create_table(
        "werkbakje",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("naam", sa.String(length=80), nullable=False),
        sa.Column(
            "filter",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("aangemaakt_door", sa.BigInteger(), nullable=False),
        sa.Column("aangemaakt_op", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_werkbakje_team_id_team"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_werkbakje")),
        sa.UniqueConstraint("team_id", "naam", name=op.f("uq_werkbakje_team_id")),
    )
    with op.batch_alter_table("werkbakje", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_werkbakje_team_id"), ["team_id"], unique=False)

    op.create_table(
        "contactpoging",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("zaak_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("soort", sa.String(length=32), nullable=False),
        sa.Column("tijdstip", sa.DateTime(timezone=True), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("dagdeel", sa.String(length=8), nullable=False),
        sa.Column("bereikt", sa.Boolean(), nullable=False),
        sa.Column("notitie", sa.String(length=40), nullable=True),
        sa.Column("aanbod", sa.Boolean(), nullable=False),
        sa.Column("door", sa.BigInteger(), nullable=False),
        sa.Column("geregistreerd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("bewaren_tot", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["zaak_id"], ["zaak.id"], name=op.f("fk_contactpoging_zaak_id_zaak")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contactpoging")),
    )
    with op.batch_alter_table("contactpoging", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contactpoging_bewaren_tot"), ["bewaren_tot"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contactpoging_zaak_id"), ["zaak_id"], unique=False)

    op.create_table(
        "zaak_toewijzing",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("zaak_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("gebruiker_id", sa.BigInteger(), nullable=True),
        sa.Column("team_id", sa.BigInteger(), nullable=True),
        sa.Column("door", sa.String(length=80), nullable=False),
        sa.Column("versie", sa.Integer(), nullable=False),
        sa.Column("tijdstip", sa.DateTime(timezone=True), nullable=False),
        sa.Column("bewaren_tot", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["zaak_id"], ["zaak.id"], name=op.f("fk_zaak_toewijzing_zaak_id_zaak")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zaak_toewijzing")),
    )
    with op.batch_alter_table("zaak_toewijzing", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_zaak_toewijzing_bewaren_tot"), ["bewaren_tot"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_zaak_toewijzing_zaak_id"), ["zaak_id"], unique=False)

    _recreate_audit_log()

    with op.batch_alter_table("gemeente_instelling", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "bewaartermijn_schuldhulp_maanden",
                sa.Integer(),
                server_default=sa.text("(84)"),
                nullable=False,
            )
        )

    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "toegewezen_aan",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("nieuw_signaal_sinds", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("gesloten_op", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("score_bij_sluiten", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("scoremodel_bij_sluiten", sa.String(length=40), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_zaak_toegewezen_aan"), ["toegewezen_aan"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_zaak_toegewezen_aan_gebruiker"),
            "gebruiker",
            ["toegewezen_aan"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_zaak_team_id_team"), "team", ["team_id"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("werkvoorraad_item", schema=None) as batch_op:
        batch_op.create_index(
            "ix_werkvoorraad_open",
            ["gemeentecode", sa.text("prioriteit DESC"), "uiterste_datum", "zaak_id"],
            unique=False,
            postgresql_where=sa.text(OPEN),
            sqlite_where=sa.text(OPEN),
        )
    if op.get_bind().dialect.name == "postgresql":
        _roles_up()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _roles_down()
    with op.batch_alter_table("werkvoorraad_item", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_werkvoorraad_open", postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN)
        )
    with op.batch_alter_table("zaak", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_zaak_team_id_team"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_zaak_toegewezen_aan_gebruiker"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_zaak_toegewezen_aan"))
        batch_op.drop_column("scoremodel_bij_sluiten")
        batch_op.drop_column("score_bij_sluiten")
        batch_op.drop_column("gesloten_op")
        batch_op.drop_column("nieuw_signaal_sinds")
        batch_op.drop_column("team_id")
        batch_op.drop_column("toegewezen_aan")

    with op.batch_alter_table("gemeente_instelling", schema=None) as batch_op:
        batch_op.drop_column("bewaartermijn_schuldhulp_maanden")

    _restore_audit_log()

    with op.batch_alter_table("zaak_toewijzing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zaak_toewijzing_zaak_id"))
        batch_op.drop_index(batch_op.f("ix_zaak_toewijzing_bewaren_tot"))

    op.drop_table("zaak_toewijzing")
    with op.batch_alter_table("contactpoging", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contactpoging_zaak_id"))
        batch_op.drop_index(batch_op.f("ix_contactpoging_bewaren_tot"))

    op.drop_table("contactpoging")
    with op.batch_alter_table("werkbakje", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_werkbakje_team_id"))

    op.drop_table("werkbakje")
    with op.batch_alter_table("terugkoppeling", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_terugkoppeling_open",
            postgresql_where=sa.text("verzonden_op IS NULL"),
            sqlite_where=sa.text("verzonden_op IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_terugkoppeling_bewaren_tot"))

    op.drop_table("terugkoppeling")
    op.drop_table("audit_anker")


def _recreate_audit_log() -> None:
    op.drop_table("audit_log")
    op.create_table(
        "audit_log",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("volgnummer", sa.BigInteger(), nullable=False),
        sa.Column("tijdstip", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trace_id", sa.String(length=32), nullable=False),
        sa.Column("span_id", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("gebruiker_id", sa.BigInteger(), nullable=True),
        sa.Column("rollen", sa.String(length=120), nullable=False),
        sa.Column("actie", sa.String(length=60), nullable=False),
        sa.Column("doel", sa.String(length=120), nullable=False),
        sa.Column("resultaat", sa.String(length=24), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("zaak_id", sa.BigInteger(), nullable=True),
        sa.Column("huishouden_sleutel", sa.String(length=32), nullable=True),
        sa.Column("gemeentecode", sa.String(length=6), nullable=True),
        sa.Column("details", JSON, nullable=False),
        sa.Column("bewaren_tot", sa.Date(), nullable=False),
        sa.Column("vorige_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("volgnummer", name=op.f("uq_audit_log_volgnummer")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_bewaren_tot"), ["bewaren_tot"])
        batch_op.create_index(batch_op.f("ix_audit_log_zaak_id"), ["zaak_id"])
        batch_op.create_index(batch_op.f("ix_audit_log_gebruiker_id"), ["gebruiker_id"])
        batch_op.create_index(batch_op.f("ix_audit_log_huishouden_sleutel"), ["huishouden_sleutel"])


def _restore_audit_log() -> None:
    op.drop_table("audit_log")
    op.create_table(
        "audit_log",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column(
            "tijdstip",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("actie", sa.String(length=40), nullable=False),
        sa.Column("zaak_id", sa.BigInteger(), nullable=True),
        sa.Column("reden", sa.String(length=200), nullable=False),
        sa.Column("details", JSON, nullable=False),
        sa.Column("bewaren_tot", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_bewaren_tot"), ["bewaren_tot"])
        batch_op.create_index(batch_op.f("ix_audit_log_zaak_id"), ["zaak_id"])


def _roles_up() -> None:
    # CREATE ROLE has no IF NOT EXISTS; two databases migrating at once may race on it.
    op.execute(f"""
        DO $$ BEGIN CREATE ROLE {APP_ROLE} NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$""")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE}"
    )
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {APP_ROLE}"
    )
    op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, audit_anker FROM {APP_ROLE}")
    op.execute("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, audit_anker FROM PUBLIC")
    # The oldest rows go only as a whole prefix of the chain, with an anchor that says
    # where the chain now starts (vroegsignaal/audit/log.py: purge_prefix, verify).
    op.execute(f"""
        CREATE FUNCTION audit_purge(peildatum date) RETURNS SETOF bigint
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        DECLARE
            first_kept bigint;
            last_nr bigint;
            last_hash text;
        BEGIN
            PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
            SELECT min(volgnummer) INTO first_kept FROM audit_log WHERE bewaren_tot > peildatum;
            SELECT a.volgnummer, a.hash INTO last_nr, last_hash FROM audit_log a
             WHERE first_kept IS NULL OR a.volgnummer < first_kept
             ORDER BY a.volgnummer DESC LIMIT 1;
            IF last_nr IS NULL THEN
                RETURN;
            END IF;
            INSERT INTO audit_anker (volgnummer, hash, peildatum, tijdstip)
                 VALUES (last_nr, last_hash, peildatum, now());
            RETURN QUERY DELETE FROM audit_log WHERE volgnummer <= last_nr RETURNING id;
        END $$""")
    op.execute("REVOKE ALL ON FUNCTION audit_purge(date) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION audit_purge(date) TO {APP_ROLE}")


def _roles_down() -> None:
    op.execute("DROP FUNCTION IF EXISTS audit_purge(date)")
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {APP_ROLE}"
    )
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"REVOKE USAGE, SELECT, UPDATE ON SEQUENCES FROM {APP_ROLE}"
    )
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_ROLE}")
    op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {APP_ROLE}")
    op.execute(f"REVOKE USAGE ON SCHEMA public FROM {APP_ROLE}")
    # The role itself stays: it belongs to the cluster and may serve other databases.
