# SPDX-License-Identifier: EUPL-1.2
"""The materialised KPI counts: one INSERT ... SELECT per measure into `kpi_rollup`.

Everything is counted in the database (SQLAlchemy Core, PostgreSQL and SQLite alike:
vroegsignaal/kpi/sqldates.py); Python only names the statements. `refresh_rollup`
replaces the counts of a set of municipalities over a range of months in one
transaction, so a reader sees either the old or the new counts. Formulas and the
matching Divosa monitor terms: docs/kpi.md.

Months: a signal counts in the month of its signaaldatum, a zaak in its matching period,
a contactpoging in the month of its date, a closed zaak (results, registration quality,
outcome tracking) in the month it was closed. Snapshot measures (the werkvoorraad) are
the state on `peildatum`, kept per month: a refresh replaces only that month's snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    Boolean,
    CompoundSelect,
    Date,
    DateTime,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    column,
    delete,
    exists,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
    table,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from vroegsignaal.contract.enums import Dagdeel, Eindresultaat
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.kpi import definitions as d
from vroegsignaal.kpi.sqldates import date_of, days_between, month_start, plus_months, year_start
from vroegsignaal.storage.db import rowcount
from vroegsignaal.storage.tables import KpiRollup, Signaal, Team, WerkvoorraadItem, table_of

rollup = table_of(KpiRollup)
signaal = table_of(Signaal)
werkvoorraad = table_of(WerkvoorraadItem)
team = table_of(Team)
# The columns of issue 10's case work that the KPIs read (zaak closing facts, the
# contactpogingen; vroegsignaal/storage/tables.py).
zaak = table(
    "zaak", column("id", Integer), column("gemeentecode", String),
    column("huishouden_sleutel", String), column("matchingsperiode", Date),
    column("zaaktype", String), column("status", String), column("eindresultaat", String),
    column("datum_opgepakt", Date), column("gesloten_op", DateTime), column("team_id", Integer),
)
poging = table(
    "contactpoging", column("id", Integer), column("zaak_id", Integer),
    column("soort", String), column("tijdstip", DateTime), column("datum", Date),
    column("dagdeel", String), column("bereikt", Boolean),
)
CLOSED = ("Afgesloten", "Automatisch afgesloten")
OPEN = ("Nog niet opgepakt", "Opgepakt")
COLUMNS = ("kpi", "gemeentecode", "periode", "maand", "categorie", "aantal", "huishoudens")
MONTH, YEAR = "maand", "jaar"  # `kpi_rollup.periode`; a year's row has maand = 1 January
TOTAL = "*"  # the category of a row over all categories


class Scope:
    """What one refresh covers: municipalities (None: all), months [van, tot) as month
    starts, and the day that counts as today (snapshots, deadlines, follow-up windows)."""

    def __init__(self, gemeenten: Sequence[str] | None, van: dt.date, tot: dt.date,
                 peildatum: dt.date) -> None:
        self.gemeenten = None if gemeenten is None else sorted(set(gemeenten))
        self.van, self.tot, self.peildatum = van.replace(day=1), tot.replace(day=1), peildatum

    @property
    def whole_years(self) -> bool:
        """Whether the scope is made of whole calendar years (year rows are then written)."""
        return self.van.month == 1 and self.tot.month == 1 and self.tot > self.van

    def where_gemeente(self, col: ColumnElement[Any]) -> ColumnElement[bool]:
        """The filter on a municipality column: the scope's municipalities, or any."""
        return col.is_not(None) if self.gemeenten is None else col.in_(self.gemeenten)

    def in_range(self, month: ColumnElement[Any]) -> ColumnElement[bool]:
        """The filter on a month column: from `van` up to (not including) `tot`."""
        return and_(month >= self.van, month < self.tot)


class _Rows:
    """One measure before counting: its rows (municipality, month, category, household),
    refined with `.where()` / `.select_from()`, then counted by `counted`."""

    def __init__(self, kpi: str, gemeente: ColumnElement[Any], month: ColumnElement[Any],
                 category: ColumnElement[Any], household: ColumnElement[Any]) -> None:
        self.kpi = kpi
        self.query = select(gemeente.label("g"), month.label("m"), category.label("c"),
                            household.label("h"))

    @classmethod
    def union(cls, kpi: str, parts: list[_Rows]) -> _Rows:
        """One measure made of several row sets (with the same columns)."""
        rows = union_all(*(p.query for p in parts)).subquery()
        return cls(kpi, rows.c.g, rows.c.m, rows.c.c, rows.c.h)

    def where(self, *conds: ColumnElement[bool]) -> _Rows:
        self.query = self.query.where(*conds)
        return self

    def select_from(self, from_: Any) -> _Rows:
        self.query = self.query.select_from(from_)
        return self

    def counted(self, years: bool, dialect: str) -> list[Select[Any] | CompoundSelect[Any]]:
        """The counts per (municipality, month, category), and the totals a published cube
        needs exact household numbers for: per month over all categories ("*") and, when
        `years`, per calendar year with and without category. Households do not add up
        over months or over categories (one household, several signals), so these are
        counted, not summed. On PostgreSQL one GROUPING SETS query (one pass over the rows);
        elsewhere a UNION ALL over one CTE."""
        kpi = literal(self.kpi, String).label("kpi")
        if dialect == "postgresql":
            rows = self.query.subquery()
            y = year_start(rows.c.m)
            sets = [tuple_(rows.c.g, rows.c.m, rows.c.c), tuple_(rows.c.g, rows.c.m)]
            if years:
                sets += [tuple_(rows.c.g, y, rows.c.c), tuple_(rows.c.g, y)]
            monthly = func.grouping(rows.c.m) == 0
            return [select(
                kpi, rows.c.g.label("gemeentecode"),
                case((monthly, literal(MONTH, String)), else_=literal(YEAR, String))
                .label("periode"),
                case((monthly, rows.c.m), else_=y).label("maand"),
                case((func.grouping(rows.c.c) == 0, rows.c.c), else_=literal(TOTAL, String))
                .label("categorie"),
                func.count().label("aantal"), func.count(rows.c.h.distinct()).label("huishoudens"),
            ).group_by(func.grouping_sets(*sets))]
        cte = self.query.cte()
        n, h = func.count().label("aantal"), func.count(cte.c.h.distinct()).label("huishoudens")
        every = literal(TOTAL, String).label("categorie")
        month, year = literal(MONTH, String), literal(YEAR, String)
        out = [
            select(kpi, cte.c.g.label("gemeentecode"), month.label("periode"),
                   cte.c.m.label("maand"), cte.c.c.label("categorie"), n, h)
            .group_by(cte.c.g, cte.c.m, cte.c.c),
            select(kpi, cte.c.g, month, cte.c.m, every, n, h).group_by(cte.c.g, cte.c.m),
        ]
        if years:
            y = year_start(cte.c.m)
            out += [
                select(kpi, cte.c.g, year, y, cte.c.c, n, h).group_by(cte.c.g, y, cte.c.c),
                select(kpi, cte.c.g, year, y, every, n, h).group_by(cte.c.g, y),
            ]
        return [union_all(*out)]


def _attempts() -> Any:
    """Per zaak: number of attempts, whether one reached the resident, first dates."""
    reached = case((poging.c.bereikt, 1), else_=0)
    return select(
        poging.c.zaak_id,
        func.count().label("n"),
        func.max(reached).label("bereikt"),
        func.min(poging.c.datum).label("eerste"),
        func.min(case((poging.c.bereikt, poging.c.datum))).label("eerste_contact"),
    ).group_by(poging.c.zaak_id).subquery("pogingen")


def _signal_measures(s: Scope) -> list[_Rows]:
    month = month_start(signaal.c.signaaldatum)
    base = [s.where_gemeente(signaal.c.gemeentecode), s.in_range(month)]
    return [
        _Rows("signalen", signaal.c.gemeentecode, month, signaal.c.signaalpartner,
                 signaal.c.huishouden_sleutel).where(*base),
        _Rows("signalen_afhandeling", signaal.c.gemeentecode, month, signaal.c.reden,
                 signaal.c.huishouden_sleutel).where(*base),
    ]


def _case_measures(s: Scope) -> list[_Rows]:
    a = _attempts()
    month = zaak.c.matchingsperiode
    joined = zaak.outerjoin(a, a.c.zaak_id == zaak.c.id)
    base = [s.where_gemeente(zaak.c.gemeentecode), s.in_range(month)]
    bereik = case((a.c.bereikt == 1, "Bereikt"), (a.c.n > 0, "Niet bereikt"),
                  else_=d.GEEN_POGING)
    out = [
        _Rows("zaken_zaaktype", zaak.c.gemeentecode, month, zaak.c.zaaktype,
                 zaak.c.huishouden_sleutel).where(*base),
        _Rows("zaken_bereik", zaak.c.gemeentecode, month, bereik,
                 zaak.c.huishouden_sleutel).select_from(joined).where(*base),
    ]
    timed = joined.join(werkvoorraad, werkvoorraad.c.zaak_id == zaak.c.id)
    for kpi, first in (("termijn_eerste_poging", a.c.eerste),
                       ("termijn_eerste_contact", a.c.eerste_contact)):
        crisis, due = werkvoorraad.c.crisis, werkvoorraad.c.uiterste_datum
        late = or_(first > due, and_(first.is_(None), due < s.peildatum))
        category = case(
            (and_(first.is_(None), zaak.c.status.in_(CLOSED)), "Afgesloten zonder"),
            (and_(crisis, late), "Crisis: te laat"),
            (and_(crisis, first.is_not(None)), "Crisis: binnen termijn"),
            (late, "Regulier: te laat"),
            (first.is_not(None), "Regulier: binnen termijn"),
            else_="Nog binnen termijn",
        )
        out.append(_Rows(kpi, zaak.c.gemeentecode, month, category,
                            zaak.c.huishouden_sleutel).select_from(timed).where(*base))
    for kpi, first in (("dagen_eerste_poging", a.c.eerste),
                       ("dagen_eerste_contact", a.c.eerste_contact)):
        days = days_between(first, zaak.c.datum_opgepakt)
        capped = case((days < 0, 0), (days > d.DAYS_CAP, d.DAYS_CAP), else_=days)
        out.append(_Rows(kpi, zaak.c.gemeentecode, month, cast(capped, String),
                            zaak.c.huishouden_sleutel)
                   .select_from(joined).where(*base, first.is_not(None)))
    return out


def _attempt_measures(s: Scope) -> list[_Rows]:
    month = month_start(poging.c.datum)
    joined = poging.join(zaak, zaak.c.id == poging.c.zaak_id)
    base = [s.where_gemeente(zaak.c.gemeentecode), s.in_range(month)]
    dagdeel = case((poging.c.dagdeel.in_([p.value for p in Dagdeel]), poging.c.dagdeel),
                   else_=d.ONBEKEND)
    out: list[_Rows] = []
    for suffix, extra in (("", []), ("_bereikt", [poging.c.bereikt])):
        for kpi, category in (("pogingen_soort", poging.c.soort), ("pogingen_dagdeel", dagdeel)):
            out.append(_Rows(kpi + suffix, zaak.c.gemeentecode, month, category,
                                zaak.c.huishouden_sleutel)
                       .select_from(joined).where(*base, *extra))
    return out


def _closed_measures(s: Scope) -> list[_Rows]:
    a = _attempts()
    closed_on = date_of(zaak.c.gesloten_op)
    month = month_start(closed_on)
    joined = zaak.outerjoin(a, a.c.zaak_id == zaak.c.id)
    base = [s.where_gemeente(zaak.c.gemeentecode), s.in_range(month),
            zaak.c.status.in_(CLOSED), zaak.c.eindresultaat.is_not(None),
            zaak.c.gesloten_op.is_not(None)]
    out = [
        _Rows("zaken_afgesloten", zaak.c.gemeentecode, month, zaak.c.eindresultaat,
                 zaak.c.huishouden_sleutel).where(*base),
        _Rows("zaken_afgesloten_bereikt", zaak.c.gemeentecode, month, zaak.c.eindresultaat,
                 zaak.c.huishouden_sleutel).select_from(joined).where(*base, a.c.bereikt == 1),
    ]
    first_kind = (select(poging.c.soort).where(poging.c.zaak_id == zaak.c.id)
                  .order_by(poging.c.tijdstip, poging.c.id).limit(1).scalar_subquery())
    approach = func.coalesce(first_kind, d.GEEN_POGING)
    for h in d.HORIZONS:
        until = plus_months(closed_on, h)
        followed = [*base, until <= s.peildatum]
        later = exists().where(
            signaal.c.huishouden_sleutel == zaak.c.huishouden_sleutel,
            signaal.c.gemeentecode == zaak.c.gemeentecode,
            signaal.c.reden == ReasonCode.OPGEPAKT.value,
            signaal.c.signaaldatum > closed_on, signaal.c.signaaldatum <= until,
        )
        for part, category in (("", zaak.c.eindresultaat), ("_aanpak", approach)):
            out.append(_Rows(f"herhaling_{h}m{part}_basis", zaak.c.gemeentecode, month,
                                category, zaak.c.huishouden_sleutel).where(*followed))
            out.append(_Rows(f"herhaling_{h}m{part}", zaak.c.gemeentecode, month, category,
                                zaak.c.huishouden_sleutel).where(*followed, later))
    return out


def _quality(s: Scope) -> list[_Rows]:
    """Registration quality: what makes CBS's combined figures unreliable (docs/kpi.md)."""
    a = _attempts()
    closed_month = month_start(date_of(zaak.c.gesloten_op))
    joined = zaak.outerjoin(a, a.c.zaak_id == zaak.c.id)
    closed = [s.where_gemeente(zaak.c.gemeentecode), s.in_range(closed_month),
              zaak.c.status.in_(CLOSED), zaak.c.eindresultaat.is_not(None),
              zaak.c.gesloten_op.is_not(None)]
    kpi = "registratiekwaliteit"
    no_attempt = and_(func.coalesce(a.c.n, 0) == 0,
                      not_(zaak.c.eindresultaat.in_(d.NO_ATTEMPT_NEEDED)))
    inconsistent = or_(
        and_(zaak.c.eindresultaat.in_(d.NEEDS_CONTACT), func.coalesce(a.c.bereikt, 0) == 0),
        and_(zaak.c.eindresultaat == Eindresultaat.GEEN_CONTACT.value, a.c.bereikt == 1),
    )
    attempt_month = month_start(poging.c.datum)
    per_attempt = poging.join(zaak, zaak.c.id == poging.c.zaak_id)
    attempts = [s.where_gemeente(zaak.c.gemeentecode), s.in_range(attempt_month)]
    parts = [
        _Rows(kpi, zaak.c.gemeentecode, closed_month,
              literal("Afgesloten zonder contactpoging", String), zaak.c.huishouden_sleutel)
        .select_from(joined).where(*closed, no_attempt),
        _Rows(kpi, zaak.c.gemeentecode, closed_month,
              literal("Eindresultaat strijdig met contactpogingen", String),
              zaak.c.huishouden_sleutel).select_from(joined).where(*closed, inconsistent),
        *(
            _Rows(kpi, zaak.c.gemeentecode, attempt_month, literal(label, String),
                  zaak.c.huishouden_sleutel).select_from(per_attempt).where(*attempts, cond)
            for label, cond in (
                ("Dagdeel ontbreekt", or_(poging.c.dagdeel.is_(None),
                                          not_(poging.c.dagdeel.in_([p.value for p in Dagdeel])))),
                ("Contactsoort onbekend", poging.c.soort == "Onbekend"),
                ("Contactpoging voor ontvangst", poging.c.datum < zaak.c.datum_opgepakt),
            )
        ),
    ]
    # One measure: its problems counted together, so its totals are counted once.
    return [_Rows.union(kpi, parts)]


def _snapshots(s: Scope) -> list[_Rows]:
    month = s.peildatum.replace(day=1)
    if not s.van <= month < s.tot:
        return []
    joined = (werkvoorraad.join(zaak, zaak.c.id == werkvoorraad.c.zaak_id)
              .outerjoin(team, team.c.id == zaak.c.team_id))
    base = [s.where_gemeente(werkvoorraad.c.gemeentecode), werkvoorraad.c.status.in_(OPEN)]
    team_name = func.coalesce(team.c.naam, d.GEEN_TEAM)
    m = literal(month, Date)
    return [
        _Rows("werkvoorraad_open", werkvoorraad.c.gemeentecode, m, team_name,
                 zaak.c.huishouden_sleutel).select_from(joined).where(*base),
        _Rows("werkvoorraad_te_laat", werkvoorraad.c.gemeentecode, m, team_name,
                 zaak.c.huishouden_sleutel).select_from(joined)
        .where(*base, werkvoorraad.c.uiterste_datum < s.peildatum),
    ]


BUILDERS: tuple[Callable[[Scope], list[_Rows]], ...] = (
    _signal_measures, _case_measures, _attempt_measures, _closed_measures, _quality, _snapshots,
)


def statements(scope: Scope, dialect: str) -> list[Select[Any] | CompoundSelect[Any]]:
    """One SELECT per measure for `scope` (columns `COLUMNS`); year rows when the scope is
    made of whole calendar years."""
    return [q for build in BUILDERS for rows in build(scope)
            for q in rows.counted(scope.whole_years, dialect)]


def refresh_rollup(
    session: Session, *, gemeenten: Sequence[str] | None, van: dt.date, tot: dt.date,
    peildatum: dt.date,
) -> int:
    """Replace the counts of `gemeenten` (None: all) for the months from `van` up to (not
    including) `tot`, and the snapshots of `peildatum`'s month; commit. Returns the number
    of rows written. Idempotent: the same data and `peildatum` give the same rows."""
    s = Scope(gemeenten, van, tot, peildatum)
    snapshots = [m.name for m in d.MEASURES if m.snapshot]
    gone = delete(rollup).where(s.where_gemeente(rollup.c.gemeentecode))
    session.execute(gone.where(s.in_range(rollup.c.maand), rollup.c.kpi.not_in(snapshots),
                               rollup.c.periode == MONTH))
    if s.whole_years:
        session.execute(gone.where(s.in_range(rollup.c.maand), rollup.c.periode == YEAR))
    session.execute(gone.where(rollup.c.maand == peildatum.replace(day=1),
                               rollup.c.kpi.in_(snapshots), rollup.c.periode == MONTH))
    written = 0
    for query in statements(s, session.get_bind().dialect.name):
        result = session.execute(insert(rollup).from_select(list(COLUMNS), query))
        written += max(rowcount(result), 0)
    session.commit()
    return written
