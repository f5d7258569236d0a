# SPDX-License-Identifier: EUPL-1.2
"""ORM tables. Direct identifiers live only in `signaal.identificatie` (AES-GCM ciphertext).

Every table that holds data about residents carries `bewaren_tot`, the date from which
the retention purge may delete the row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

JsonType = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets BIGINT identities.
Id = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The tables' base: constraint names by convention, JSON as JSONB on PostgreSQL."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JsonType, list[Any]: JsonType}


def table_of(model: type[Base]) -> Table:
    """The Core `Table` of an ORM class, for the batch statements of the repositories
    (`__table__` is typed as a plain FromClause)."""
    t = model.__table__
    assert isinstance(t, Table)
    return t


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Gemeente(Base):
    """Reference: a municipality (CBS code list, see reference/data/SOURCE.md)."""

    __tablename__ = "gemeente"
    gemeentecode: Mapped[str] = mapped_column(String(6), primary_key=True)
    naam: Mapped[str] = mapped_column(String(80))
    inwoners: Mapped[int] = mapped_column(Integer, default=0)


class GemeenteInstelling(Base):
    """Per-municipality thresholds; seeded from eligibility/defaults.yaml (the one source of
    their values: no defaults here), edited by admins."""

    __tablename__ = "gemeente_instelling"
    gemeentecode: Mapped[str] = mapped_column(ForeignKey("gemeente.gemeentecode"), primary_key=True)
    actief: Mapped[bool] = mapped_column(Boolean)
    minimumbedragen: Mapped[dict[str, Any]] = mapped_column()
    termijn_min_dagen: Mapped[int] = mapped_column(Integer)
    termijn_max_dagen: Mapped[int] = mapped_column(Integer)
    herhaal_periode_dagen: Mapped[int] = mapped_column(Integer)
    opeenvolgend_maanden: Mapped[int] = mapped_column(Integer)
    contact_termijn_dagen: Mapped[int] = mapped_column(Integer)
    crisis_werkdagen: Mapped[int] = mapped_column(Integer)
    bewaartermijn_maanden: Mapped[int] = mapped_column(Integer)
    # A zaak closed with vervolghulp follows the debt-help file's term (cases/closing.py);
    # the server default fills rows that existed before the column (migration 0012).
    bewaartermijn_schuldhulp_maanden: Mapped[int] = mapped_column(
        Integer, server_default=text("84")
    )
    # An open zaak without a new signal or contact attempt for this many months is closed by
    # the system; "bijna verlopen" this many days before (cases/expiry.py, ADR 0018). The
    # server defaults fill rows that existed before the columns (migration 0015).
    zaak_max_leeftijd_maanden: Mapped[int] = mapped_column(Integer, server_default=text("6"))
    verloop_waarschuwing_dagen: Mapped[int] = mapped_column(Integer, server_default=text("14"))
    bijgewerkt_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class IntakeBatch(Base):
    """One call of the intake pipeline: counts only, no personal data."""

    __tablename__ = "intake_batch"
    batch_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    bron: Mapped[str] = mapped_column(String(20))
    ontvangen_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    aantallen: Mapped[dict[str, Any]] = mapped_column(default=dict)
    verwijderde_velden: Mapped[dict[str, Any]] = mapped_column(default=dict)
    bewaren_tot: Mapped[dt.date] = mapped_column(Date)


class IntakeWeigering(Base):
    """A message refused before storage (invalid contract or objection): ids only.

    `sleutel` is the refusal's natural key, hashed (`intake.pipeline.refusal_key`): a replay
    of the same refused message adds no second row.
    """

    __tablename__ = "intake_weigering"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    sleutel: Mapped[str] = mapped_column(String(64), unique=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("intake_batch.batch_id"), index=True)
    bron: Mapped[str] = mapped_column(String(20))
    positie: Mapped[int] = mapped_column(Integer)
    schuldeiser: Mapped[str | None] = mapped_column(String(64))
    signaal_id: Mapped[str | None] = mapped_column(String(64))
    reden: Mapped[str] = mapped_column(String(32))
    details: Mapped[list[Any]] = mapped_column(default=list)
    bewaren_tot: Mapped[dt.date] = mapped_column(Date, index=True)


# Fillfactor 90 on PostgreSQL: a tenth of each page kept free, so that an update that
# changes no indexed column (the intake's of a zaak's counts and dates and of its signals'
# `bewaren_tot`) stays on its page as a heap-only tuple and adds no index entries
# (migration 0021).
_HOT_UPDATES = {"postgresql_with": {"fillfactor": 90}}


class Zaak(Base):
    """A vroegsignaalzaak: the accepted signals of one household in one matching period."""

    __tablename__ = "zaak"
    # The natural key doubles as the lookup index for matching (household, then period).
    __table_args__ = (
        UniqueConstraint("huishouden_sleutel", "matchingsperiode", "gemeentecode"),
        # Assigned zaken only: every read is of one worker's (and the foreign key's SET NULL
        # finds them by value), so the intake's new, unassigned zaken add no entry
        # (migration 0020).
        Index("ix_zaak_toegewezen_aan", "toegewezen_aan",
              postgresql_where=text("toegewezen_aan IS NOT NULL"),
              sqlite_where=text("toegewezen_aan IS NOT NULL")),
        # Room on each page for the intake's updates in place (migration 0021).
        _HOT_UPDATES,
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    # No foreign key to `gemeente` (ADR 0022): the intake sets the code once, from the
    # settings of an eligible municipality (gemeente_instelling, which has that key), and
    # the check locked the municipality's row for every new zaak.
    gemeentecode: Mapped[str] = mapped_column(String(6), index=True)
    huishouden_sleutel: Mapped[str] = mapped_column(String(32))
    matchingsperiode: Mapped[dt.date] = mapped_column(Date)
    zaaktype: Mapped[str] = mapped_column(String(16))
    # cases.workflow.CaseStatus; set by the intake (INITIAL) and moved only by `transition`.
    status: Mapped[str] = mapped_column(String(24))
    eindresultaat: Mapped[str | None] = mapped_column(String(80))
    # Optimistic locking: `transition` moves a zaak only from the version it read.
    versie: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    datum_opgepakt: Mapped[dt.date | None] = mapped_column(Date)
    aantal_signalen: Mapped[int] = mapped_column(Integer, default=0)
    # Open: the day the zaak reaches its maximum age and the system closes it
    # (`laatste_activiteit_op` + zaak_max_leeftijd_maanden); closed: the day the purge may
    # delete it, by its eindresultaat. Everything kept with the zaak carries the same date.
    # No index: only the nightly closing and purge read it, by a scan (migration 0021).
    bewaren_tot: Mapped[dt.date] = mapped_column(Date)
    # The later of the last signal's receipt and the last contact attempt (or a worker's
    # reopening): where the maximum age counts from (cases/expiry.py).
    laatste_activiteit_op: Mapped[dt.date] = mapped_column(Date)
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # Case work (cases/assignment.py): the worker it is assigned to, and the team that owns
    # it (None: every team that serves its municipality).
    toegewezen_aan: Mapped[int | None] = mapped_column(
        ForeignKey("gebruiker.id", ondelete="SET NULL")
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    # Set when a signal joined the zaak while a worker had it picked up: shown as new until
    # the worker acts on the zaak again (a contact attempt, closing).
    nieuw_signaal_sinds: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Closing (cases/closing.py): what a future training label needs.
    gesloten_op: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    score_bij_sluiten: Mapped[float | None] = mapped_column(Float)
    scoremodel_bij_sluiten: Mapped[str | None] = mapped_column(String(40))
    # The building entrance (postcode and number, no letter or addition), keyed like the
    # household: "mogelijk hetzelfde adres" (cases/address_links.py). NULL before 0014.
    adres_sleutel: Mapped[str | None] = mapped_column(String(32), index=True)


class Signaal(Base):
    """A stored signal. Only pseudonymous keys and non-identifying facts are in clear."""

    __tablename__ = "signaal"
    __table_args__ = (
        UniqueConstraint("schuldeiser", "signaal_id"),
        Index("ix_signaal_referentie", "referentie_sleutel", "signaaldatum"),
        Index("ix_signaal_gemeente_datum", "gemeentecode", "signaaldatum"),
        # A creditor's own signals, newest first (vroegsignaal/feedback.py: own_signals).
        Index("ix_signaal_schuldeiser_id", "schuldeiser", "id"),
        # No index on bewaren_tot: only the purge reads it, with `zaak_id IS NULL`, which
        # ix_signaal_zaak_id finds (migration 0020).
        _HOT_UPDATES,
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    schuldeiser: Mapped[str] = mapped_column(String(64))
    signaal_id: Mapped[str] = mapped_column(String(64))
    signaalpartner: Mapped[str] = mapped_column(String(32))
    gemeentecode: Mapped[str | None] = mapped_column(String(6))
    pc4: Mapped[str] = mapped_column(String(4))
    huishouden_sleutel: Mapped[str] = mapped_column(String(32))
    referentie_sleutel: Mapped[str] = mapped_column(String(32))
    bedrag: Mapped[int] = mapped_column(Integer)
    ontstaansdatum: Mapped[dt.date] = mapped_column(Date)
    signaaldatum: Mapped[dt.date] = mapped_column(Date)
    ontvangen_op: Mapped[dt.date] = mapped_column(Date)
    crisissignaal: Mapped[bool] = mapped_column(Boolean)
    warme_overdracht: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(64))
    reden: Mapped[str] = mapped_column(String(32))
    zaak_id: Mapped[int | None] = mapped_column(ForeignKey("zaak.id"), index=True)
    sleutel_id: Mapped[str] = mapped_column(String(16))
    identificatie: Mapped[bytes] = mapped_column(LargeBinary)
    # Keyed digest of the message's content (privacy/filter.py): a resend with the same id
    # and other content is a conflict, not a replay. NULL for rows from before migration 0007.
    inhoud_sleutel: Mapped[str | None] = mapped_column(String(32))
    batch_id: Mapped[str] = mapped_column(String(40))
    bron: Mapped[str] = mapped_column(String(20))
    bewaren_tot: Mapped[dt.date] = mapped_column(Date)


def _open_index(name: str, *keys: str, include: tuple[str, ...] = ()) -> Index:
    """A werkvoorraad index: the municipality, then `keys`, over the open items only;
    `include` carries more columns (PostgreSQL) for counts read from the index alone."""
    where = text("status IN ('Nog niet opgepakt', 'Opgepakt')")
    return Index(name, "gemeentecode", *[text(k) if " " in k else k for k in keys],
                 postgresql_where=where, sqlite_where=where,
                 postgresql_include=list(include))


class WerkvoorraadItem(Base):
    """One outreach task per case: the queue a schuldhulpverlener works."""

    __tablename__ = "werkvoorraad_item"
    __table_args__ = (
        # Every read of items by municipality, status or due date is of the open items
        # (the werkvoorraad, overview, SLA, expiry, KPI): these partial indexes serve them
        # all, so none of all items is kept for them (migration 0020).
        # The werkvoorraad (cases/werkvoorraad.py): open items of a municipality in each
        # order it is read in ("risico", "urgentie", "termijn"), read with a keyset cursor.
        _open_index("ix_werkvoorraad_open", "prioriteit DESC", "uiterste_datum", "zaak_id"),
        _open_index("ix_werkvoorraad_open_urgentie", "crisis DESC", "prioriteit DESC",
                    "uiterste_datum", "zaak_id"),
        _open_index("ix_werkvoorraad_open_termijn", "uiterste_datum", "prioriteit DESC",
                    "zaak_id", include=("te_laat_sinds", "status")),
        # A work tray's count (`counts`) from an index alone: "te laat" and a status above
        # (and the overview's counts per status), a PC4 range here (migrations 0019, 0020).
        _open_index("ix_werkvoorraad_open_pc4", "pc4", "zaak_id"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), unique=True)
    gemeentecode: Mapped[str] = mapped_column(String(6))
    prioriteit: Mapped[float] = mapped_column(Float)
    prioriteit_redenen: Mapped[list[Any]] = mapped_column(default=list)
    scoremodel: Mapped[str] = mapped_column(String(40))
    uiterste_datum: Mapped[dt.date] = mapped_column(Date)
    crisis: Mapped[bool] = mapped_column(Boolean, default=False)
    # The zaak's status (cases.workflow.CaseStatus), kept equal to zaak.status by the intake
    # and `transition`, so the queue index needs no join.
    status: Mapped[str] = mapped_column(String(24))
    # The PC4 of the zaak's household: every signal of a zaak has it (the household key
    # hashes the full postcode), so a PC4-range filter reads it here, not in the signals.
    # Written with a new item by the intake (queue/enqueue.py).
    pc4: Mapped[str | None] = mapped_column(String(4))
    # Set by the nightly SLA run on the first day an open item is past its uiterste_datum.
    te_laat_sinds: Mapped[dt.date | None] = mapped_column(Date)
    # Fingerprint of what the score was computed from (vroegsignaal/queue/rescoring.py).
    score_invoer: Mapped[str | None] = mapped_column(String(64))
    bewaren_tot: Mapped[dt.date] = mapped_column(Date, index=True)
    bijgewerkt_op: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )


class ZaakStatuswijziging(Base):
    """One move of one zaak (cases/workflow.py): append-only, kept as long as its zaak."""

    __tablename__ = "zaak_statuswijziging"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), index=True)
    van: Mapped[str] = mapped_column(String(24))
    naar: Mapped[str] = mapped_column(String(24))
    eindresultaat: Mapped[str | None] = mapped_column(String(80))
    door: Mapped[str] = mapped_column(String(80))  # a worker's user id, or the system part
    rol: Mapped[str] = mapped_column(String(16))  # cases.workflow.Role
    reden: Mapped[str] = mapped_column(String(200))
    versie: Mapped[int] = mapped_column(Integer)  # the zaak's version after the move
    tijdstip: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    bewaren_tot: Mapped[dt.date] = mapped_column(Date, index=True)


class Adreskoppeling(Base):
    """Two households that may be one dwelling: the number written without letter or
    addition (`huishouden_kaal`) and with one (`huishouden_adres`), with a zaak of each.

    The intake links them as "mogelijk"; a worker decides "bevestigd" (one dwelling: the
    bare household follows the other from then on) or "gescheiden" (two dwellings; never
    linked again). cases/address_links.py; docs/adressen.md.
    """

    __tablename__ = "adreskoppeling"
    __table_args__ = (
        UniqueConstraint("huishouden_kaal", "huishouden_adres"),
        Index("ix_adreskoppeling_gemeentecode", "gemeentecode", "status"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    gemeentecode: Mapped[str] = mapped_column(String(6))
    huishouden_kaal: Mapped[str] = mapped_column(String(32))
    huishouden_adres: Mapped[str] = mapped_column(String(32), index=True)
    zaak_kaal_id: Mapped[int] = mapped_column(
        ForeignKey("zaak.id", ondelete="CASCADE"), index=True
    )
    zaak_adres_id: Mapped[int] = mapped_column(
        ForeignKey("zaak.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    besloten_door: Mapped[str | None] = mapped_column(String(80))
    besloten_op: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    bewaren_tot: Mapped[dt.date] = mapped_column(Date, index=True)


class Team(Base):
    """A team of workers; it serves one municipality or, as a regional team, several."""

    __tablename__ = "team"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    naam: Mapped[str] = mapped_column(String(80), unique=True)
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class TeamGemeente(Base):
    """The municipalities a team serves (a regional team serves several)."""

    __tablename__ = "team_gemeente"
    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True
    )
    gemeentecode: Mapped[str] = mapped_column(ForeignKey("gemeente.gemeentecode"), primary_key=True)


class Gebruiker(Base):
    """A person who logs in: a municipal employee, never a resident.

    Rights come only from `gebruiker_rol` rows and the municipalities from `gemeentecode`
    plus the teams the user belongs to (`vroegsignaal.accounts.principal`). A new account
    (also one created by an OIDC login) has no roles, so no rights, until an admin grants
    them. `weergavenaam`, `email` and `telefoon` are the employee's work contact details,
    printed on offer letters.
    """

    __tablename__ = "gebruiker"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    gebruikersnaam: Mapped[str] = mapped_column(String(80), unique=True)
    weergavenaam: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    telefoon: Mapped[str | None] = mapped_column(String(30))
    gemeentecode: Mapped[str | None] = mapped_column(ForeignKey("gemeente.gemeentecode"))
    actief: Mapped[bool] = mapped_column(Boolean, default=True)
    # argon2id hash; None for an account that only logs in through OIDC.
    wachtwoord_hash: Mapped[str | None] = mapped_column(String(255))
    # The TOTP secret, AES-GCM encrypted like identifiers (privacy/crypto.py) under the key
    # `totp_sleutel_id`; None: not set up. `totp_laatste_stap` is the last time step a code
    # was accepted for, so a code is never accepted twice.
    totp_geheim: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_sleutel_id: Mapped[str | None] = mapped_column(String(16))
    totp_laatste_stap: Mapped[int | None] = mapped_column(BigInteger)
    # Set for an account that logs in through OIDC; its `gemeentecode` then follows the
    # identity provider's claim (vroegsignaal/accounts/claims.py).
    oidc_issuer: Mapped[str | None] = mapped_column(String(255))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    laatst_ingelogd_op: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # Set for a creditor's web account (ADR 0014): it logs in to the upload page of this
    # schuldeiser and never holds a municipal role or team.
    schuldeiser: Mapped[str | None] = mapped_column(
        ForeignKey("schuldeiser_organisatie.code"), index=True
    )
    # Keyboard shortcuts in the web app (an addition, switchable off: WCAG 2.1.4).
    sneltoetsen: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=text("true")
    )


# Where a role or team membership came from: granted by an admin, or read from the
# identity provider's claims at the last OIDC login (replaced at every login).
BRON_BEHEER = "beheer"
BRON_OIDC = "oidc"


class GebruikerRol(Base):
    """One role of a user (`vroegsignaal.accounts.principal.UserRole` values).

    `bron` is "beheer" (granted by an admin) or "oidc" (from the last OIDC login's claims).
    A role granted both ways is one row; the admin's grant wins.
    """

    __tablename__ = "gebruiker_rol"
    gebruiker_id: Mapped[int] = mapped_column(
        ForeignKey("gebruiker.id", ondelete="CASCADE"), primary_key=True
    )
    rol: Mapped[str] = mapped_column(String(24), primary_key=True)
    bron: Mapped[str] = mapped_column(
        String(8), default=BRON_BEHEER, server_default=text("'beheer'")
    )


class TeamLid(Base):
    """Membership of a user in a team."""

    __tablename__ = "team_lid"
    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True
    )
    gebruiker_id: Mapped[int] = mapped_column(
        ForeignKey("gebruiker.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    bron: Mapped[str] = mapped_column(
        String(8), default=BRON_BEHEER, server_default=text("'beheer'")
    )


class Sessie(Base):
    """A login: server-side session state behind the cookie (vroegsignaal/accounts/sessions.py).

    The cookie holds a random token; only its SHA-256 is stored, so a copy of this table
    logs nobody in. `stap` is "volledig" for a finished login, "totp" or
    "totp-inschrijving" while the second factor is still due. `totp_nieuw_geheim` holds a
    TOTP secret being enrolled (encrypted) until the first code confirms it.
    """

    __tablename__ = "sessie"
    sleutel_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    gebruiker_id: Mapped[int] = mapped_column(
        ForeignKey("gebruiker.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    stap: Mapped[str] = mapped_column(String(20))
    methode: Mapped[str] = mapped_column(String(12))  # "wachtwoord" or "oidc"
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    laatst_actief_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    verloopt_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    totp_nieuw_geheim: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_nieuw_sleutel_id: Mapped[str | None] = mapped_column(String(16))


class OidcAanmelding(Base):
    """An OIDC login under way: what the callback needs, keyed by the SHA-256 of `state`.

    Used once and valid for minutes; the browser that started it carries `state` in a
    cookie too, so a callback URL sent to someone else logs nobody in.
    """

    __tablename__ = "oidc_aanmelding"
    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(128))
    code_verifier: Mapped[str] = mapped_column(String(128))
    terug: Mapped[str] = mapped_column(String(200))  # a path in this app, never a URL
    verloopt_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class AanmeldTeller(Base):
    """Failed logins per account name or per source address (vroegsignaal/accounts/throttle.py).

    `sleutel` is a keyed HMAC of "account|<name>" or "bron|<address>": the table holds no
    names or addresses, and counts exist for names without an account too.
    """

    __tablename__ = "aanmeld_teller"
    sleutel: Mapped[str] = mapped_column(String(64), primary_key=True)
    soort: Mapped[str] = mapped_column(String(8))  # "account" or "bron"
    mislukt: Mapped[int] = mapped_column(Integer)
    laatst_mislukt_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    geblokkeerd_tot: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class GemeenteThema(Base):
    """A municipality's look in the web app and on its letters, and its debt-help contact.

    Colours are hex values mapped onto NL Design System tokens (vroegsignaal/themes.py
    checks their contrast); the logo is SVG or PNG, served by the app itself. The
    `schuldhulp_*` fields are the municipality's own public contact details for debt help,
    printed on offer letters; never a resident's.
    """

    __tablename__ = "gemeente_thema"
    gemeentecode: Mapped[str] = mapped_column(
        ForeignKey("gemeente.gemeentecode"), primary_key=True
    )
    weergavenaam: Mapped[str] = mapped_column(String(120))
    kleur_primair: Mapped[str] = mapped_column(String(7))
    kleur_primair_tekst: Mapped[str] = mapped_column(String(7))
    kleur_link: Mapped[str] = mapped_column(String(7))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str | None] = mapped_column(String(32))
    schuldhulp_telefoon: Mapped[str] = mapped_column(String(30))
    schuldhulp_email: Mapped[str] = mapped_column(String(254))
    schuldhulp_website: Mapped[str] = mapped_column(String(200))
    schuldhulp_adres: Mapped[str] = mapped_column(String(200))
    bijgewerkt_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Briefsjabloon(Base):
    """A municipality's template for the proactive offer: `soort` "brief" (HTML, printed
    and rendered to PDF) or "sms" (plain text). Jinja2 source edited by an admin and
    rendered in a sandbox (vroegsignaal/offers/templates.py)."""

    __tablename__ = "briefsjabloon"
    gemeentecode: Mapped[str] = mapped_column(
        ForeignKey("gemeente.gemeentecode"), primary_key=True
    )
    soort: Mapped[str] = mapped_column(String(8), primary_key=True)
    inhoud: Mapped[str] = mapped_column(Text)
    bijgewerkt_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    bijgewerkt_door: Mapped[int | None] = mapped_column(BigInteger)


class SchuldeiserOrganisatie(Base):
    """A registered schuldeiser (creditor organisation); `code` is the contract's `schuldeiser`."""

    __tablename__ = "schuldeiser_organisatie"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    naam: Mapped[str] = mapped_column(String(120))
    signaalpartner: Mapped[str | None] = mapped_column(String(32))
    actief: Mapped[bool] = mapped_column(Boolean, default=True)
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ApiSleutel(Base):
    """An API key of a schuldeiser: only its hash is stored; the key is shown once.

    `prefix` is the key's public start, shown in lists so a key can be named without its
    secret. A rotated key stays valid until `verloopt_op` (overlap); `ingetrokken_op` ends
    it at once.
    """

    __tablename__ = "api_sleutel"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    schuldeiser: Mapped[str] = mapped_column(ForeignKey("schuldeiser_organisatie.code"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    sleutel_hash: Mapped[str] = mapped_column(String(128), unique=True)
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    verloopt_op: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ingetrokken_op: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    laatst_gebruikt_op: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AuditLog(Base):
    """The audit trail (vroegsignaal/audit/): append-only and hash-chained, no personal data.

    One row per read of a zaak or of decrypted personal data by a person, and per change.
    Field names follow the Logboek Dataverwerkingen standard where it has one (docs/privacy.md,
    "Audit trail"): `trace_id`/`span_id` (the request and this action), `actie` (`name`),
    `status_code`, `tijdstip` (`start_time`/`end_time`), `doel`
    (`dpl.core.processing_activity_id`), `huishouden_sleutel` (`dpl.core.data_subject_id`,
    pseudonymous). `volgnummer` orders the chain; `hash` = SHA-256 over the row and
    `vorige_hash`. On PostgreSQL the application role may only INSERT and SELECT here.
    """

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    volgnummer: Mapped[int] = mapped_column(BigInteger, unique=True)
    tijdstip: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    trace_id: Mapped[str] = mapped_column(String(32))
    span_id: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(80))  # "gebruiker:17", "schuldeiser:X", "intake"
    gebruiker_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    rollen: Mapped[str] = mapped_column(String(120))
    actie: Mapped[str] = mapped_column(String(60))
    doel: Mapped[str] = mapped_column(String(120))
    resultaat: Mapped[str] = mapped_column(String(24))
    status_code: Mapped[int] = mapped_column(Integer)  # LDV: 0 unset, 1 ok, 2 error
    zaak_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    huishouden_sleutel: Mapped[str | None] = mapped_column(String(32), index=True)
    gemeentecode: Mapped[str | None] = mapped_column(String(6))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    bewaren_tot: Mapped[dt.date] = mapped_column(Date, index=True)
    vorige_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditAnker(Base):
    """Where the chain starts after the retention purge removed its oldest rows: the last
    purged row's `volgnummer` and `hash`. Written only by the purge, in the same
    transaction as the delete (`audit_purge` on PostgreSQL)."""

    __tablename__ = "audit_anker"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    volgnummer: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    peildatum: Mapped[dt.date] = mapped_column(Date)
    tijdstip: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Contactpoging(Base):
    """One attempt to reach the resident of a zaak (DDAS Contactpoging). No free text: the
    note is a code from a closed list (cases/contact.py)."""

    __tablename__ = "contactpoging"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), index=True)
    soort: Mapped[str] = mapped_column(String(32))  # DDAS EnumContactsoort
    tijdstip: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    datum: Mapped[dt.date] = mapped_column(Date)  # in Europe/Amsterdam
    dagdeel: Mapped[str] = mapped_column(String(8))  # DDAS EnumDagdeel, derived
    bereikt: Mapped[bool] = mapped_column(Boolean)
    notitie: Mapped[str | None] = mapped_column(String(40))
    aanbod: Mapped[bool] = mapped_column(Boolean, default=False)  # the proactive offer
    door: Mapped[int] = mapped_column(BigInteger)  # gebruiker.id
    geregistreerd_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    bewaren_tot: Mapped[dt.date] = mapped_column(Date, index=True)


class ZaakToewijzing(Base):
    """One change of who a zaak is assigned to (append-only; kept as long as its zaak)."""

    __tablename__ = "zaak_toewijzing"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), index=True)
    gebruiker_id: Mapped[int | None] = mapped_column(BigInteger)
    team_id: Mapped[int | None] = mapped_column(BigInteger)
    door: Mapped[str] = mapped_column(String(80))
    versie: Mapped[int] = mapped_column(Integer)  # the zaak's version after the change
    tijdstip: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    bewaren_tot: Mapped[dt.date] = mapped_column(Date, index=True)


class ZaakBewaargrond(Base):
    """A recorded legal ground to keep a zaak past its retention date (retention/grounds.py):
    a code from a closed list, who recorded it and until when it holds. Never free text.
    The purge keeps the zaak (and what is kept with it) while a ground holds, and reports
    it per ground; a revoked or lapsed ground keeps nothing."""

    __tablename__ = "zaak_bewaargrond"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), index=True)
    grond: Mapped[str] = mapped_column(String(60))  # retention.grounds.Bewaargrond
    geldig_tot: Mapped[dt.date] = mapped_column(Date)
    vastgelegd_door: Mapped[str] = mapped_column(String(80))  # "gebruiker:17"
    vastgelegd_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ingetrokken_door: Mapped[str | None] = mapped_column(String(80))
    ingetrokken_op: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Werkbakje(Base):
    """A named, saved werkvoorraad filter of a team (cases/werkbakjes.py)."""

    __tablename__ = "werkbakje"
    __table_args__ = (UniqueConstraint("team_id", "naam"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    naam: Mapped[str] = mapped_column(String(80))
    filter: Mapped[dict[str, Any]] = mapped_column(default=dict)
    aangemaakt_door: Mapped[int] = mapped_column(BigInteger)
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Terugkoppeling(Base):
    """Outbox of what a creditor is told after a worker's move (vroegsignaal/feedback.py):
    written in the move's transaction, published to the feedback topic after commit and
    marked `verzonden_op`; what is left unsent is sent by `vroegsignaal terugkoppeling`."""

    __tablename__ = "terugkoppeling"
    __table_args__ = (
        Index("ix_terugkoppeling_open", "id", postgresql_where=text("verzonden_op IS NULL"),
              sqlite_where=text("verzonden_op IS NULL")),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    schuldeiser: Mapped[str] = mapped_column(String(64))
    signaal_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(64))
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    verzonden_op: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    bewaren_tot: Mapped[dt.date] = mapped_column(Date, index=True)


class VerwijderLog(Base):
    """What the retention purge deleted: table, ground, count and row ids. No personal data.

    Kept as the proof of deletion; it has no `bewaren_tot` of its own because it holds
    nothing about residents (the ids point at rows that no longer exist).
    """

    __tablename__ = "verwijder_log"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64), index=True)
    peildatum: Mapped[dt.date] = mapped_column(Date)
    verwijderd_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    tabel: Mapped[str] = mapped_column(String(40))
    grond: Mapped[str] = mapped_column(String(200))
    aantal: Mapped[int] = mapped_column(Integer)
    ids: Mapped[list[Any]] = mapped_column(default=list)


class BatchLevering(Base):
    """A file a schuldeiser delivered in the batch inbox (docs/batch-intake.md).

    `id` is opaque (random): Airflow's run ids, run configuration, task results and log
    lines carry it instead of the file name, which a schuldeiser may have made from a
    person's name. The name is kept only here (and in the work folders, with the file) and
    goes with the retention purge: `bewaren_tot` is set when the delivery is finished.
    Arrival order per schuldeiser is (`gewijzigd_ns`, `bestandsnaam`): the file's
    modification time, which the transfer service sets when the upload completes.
    """

    __tablename__ = "batch_levering"
    __table_args__ = (Index("ix_batch_levering_volgorde", "schuldeiser", "status", "gewijzigd_ns"),)
    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    schuldeiser: Mapped[str] = mapped_column(String(64))
    bestandsnaam: Mapped[str] = mapped_column(String(255))
    grootte: Mapped[int] = mapped_column(BigInteger)
    gewijzigd_ns: Mapped[int] = mapped_column(BigInteger)
    ontvangen_op: Mapped[dt.date] = mapped_column(Date)  # the receipt date of its signals
    status: Mapped[str] = mapped_column(String(16))
    aangemeld_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    afgerond_op: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    bewaren_tot: Mapped[dt.date | None] = mapped_column(Date, index=True)


class VerwijderProefrun(Base):
    """A dry run of the retention purge: its plan in counts. The nightly purge deletes
    nothing until an operator has run (and seen) at least one (docs/batch-intake.md)."""

    __tablename__ = "verwijder_proefrun"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(250))
    peildatum: Mapped[dt.date] = mapped_column(Date)
    uitgevoerd_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    gepland: Mapped[dict[str, Any]] = mapped_column(default=dict)


class KpiRollup(Base):
    """Materialised KPI counts per municipality, month and category (vroegsignaal/kpi/):
    rebuilt by the refresh (dags/refresh_kpi_rollups.py). Counts only, never a key.

    `periode` is "maand" (a month's counts; `maand` its first day) or "jaar" (the calendar
    year's, `maand` its 1 January); `categorie` "*" counts over all categories.
    `huishoudens` is the number of distinct households behind `aantal`, for small-cell
    protection: it does not add up over months or categories, so those totals are counted.
    """

    __tablename__ = "kpi_rollup"
    kpi: Mapped[str] = mapped_column(String(48), primary_key=True)
    gemeentecode: Mapped[str] = mapped_column(String(6), primary_key=True)
    periode: Mapped[str] = mapped_column(String(5), primary_key=True)
    maand: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    categorie: Mapped[str] = mapped_column(String(80), primary_key=True)
    aantal: Mapped[int] = mapped_column(BigInteger)
    huishoudens: Mapped[int] = mapped_column(BigInteger)


class KpiCel(Base):
    """A published KPI cell, after small-cell protection (vroegsignaal/kpi/disclosure.py):
    the only KPI table any output reads. `aantal` is None when the cell is withheld
    (`onderdrukt` says why); the value of a withheld cell is not stored here.

    One protection unit (`eenheid`: a region, or a municipality in none) and calendar
    year form one cube; "*" in `gemeentecode` or `categorie`, and 0 in `maand`, mark its
    totals.
    """

    __tablename__ = "kpi_cel"
    kpi: Mapped[str] = mapped_column(String(48), primary_key=True)
    eenheid: Mapped[str] = mapped_column(String(16), primary_key=True)
    jaar: Mapped[int] = mapped_column(Integer, primary_key=True)
    gemeentecode: Mapped[str] = mapped_column(String(6), primary_key=True)
    maand: Mapped[int] = mapped_column(Integer, primary_key=True)
    categorie: Mapped[str] = mapped_column(String(80), primary_key=True)
    aantal: Mapped[int | None] = mapped_column(BigInteger)
    onderdrukt: Mapped[str | None] = mapped_column(String(10))
    ververst_op: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class DdasLevering(Base):
    """One DDAS delivery that was made: a file (`soort` "bestand": the command line or the
    DAG) or a page CBS pulled (`soort` "ophaal", `afnemer` the OAuth client id). Counts and
    the validation result only, never a record: the manager's delivery status reads it
    (vroegsignaal/ddas/status.py). Holds nothing about residents, so no `bewaren_tot`.
    """

    __tablename__ = "ddas_levering"
    __table_args__ = (Index("ix_ddas_levering_gemeente_tijdstip", "gemeentecode", "tijdstip"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    gemeentecode: Mapped[str] = mapped_column(String(6))
    soort: Mapped[str] = mapped_column(String(8))
    tijdstip: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    van: Mapped[dt.date] = mapped_column(Date)
    tot: Mapped[dt.date] = mapped_column(Date)
    vroegsignalen: Mapped[int] = mapped_column(Integer)
    vroegsignaalzaken: Mapped[int] = mapped_column(Integer)
    geldig: Mapped[bool] = mapped_column(Boolean)
    schendingen: Mapped[int] = mapped_column(Integer)
    afnemer: Mapped[str | None] = mapped_column(String(80))
    pagina: Mapped[int | None] = mapped_column(Integer)
    paginas: Mapped[int | None] = mapped_column(Integer)
