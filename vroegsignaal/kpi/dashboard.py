# SPDX-License-Identifier: EUPL-1.2
"""The manager's dashboard and monthly report: one view model of published cells.

`manager_dashboard` builds everything the dashboard page, its downloads and the PDF
report show for a municipality and a filter (year, month or the whole year, kind of
creditor), from the view models of vroegsignaal/kpi/views.py, which read only the
published, protected cells (`kpi_cel`). Nothing here reads a signal or a zaak.

Rights, checked first in the core: a manager or admin who serves the municipality
(`KpiForbidden` otherwise: a worker, a creditor, another municipality); the comparison
with the other municipalities of its region is added when the municipality is in one
(the region's published cells, `views.comparison`).

The kind-of-creditor filter narrows what the published cells can narrow: the signals
(their count, trend and table) are counted per kind of creditor; zaken, contact and
results are not split that way in the published cells, and the page says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from vroegsignaal.contract.enums import Contactsoort, Signaalpartner
from vroegsignaal.errors import VroegsignaalError
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.kpi import definitions as d
from vroegsignaal.kpi import views
from vroegsignaal.kpi.access import KpiReader, require_kpi_access
from vroegsignaal.kpi.charts import Bar, Chart, Line
from vroegsignaal.kpi.regions import load_regions
from vroegsignaal.kpi.views import MONTH_NAMES, Cell, Figure, KpiTable, Overview
from vroegsignaal.storage.tables import KpiCel

MONTHS_LONG = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
               "september", "oktober", "november", "december")
SOORTEN = tuple(s.value for s in Signaalpartner)
# Headline figures the dashboard shows first; the rest follow.
LEAD = ("signalen", "signalen_per_1000", "aandeel_opgepakt", "zaken", "bereik",
        "hulp_geaccepteerd", "binnen_termijn_poging", "mediaan_dagen_poging")


class InvalidFilter(VroegsignaalError):
    """A dashboard filter value outside its allowed set (400)."""

    code = "FILTER_ONGELDIG"
    title = "Ongeldig filter"


@dataclass(frozen=True, slots=True)
class Filter:
    """`jaar`; `maand` 0 for the whole year or 1-12; `soort` a kind of creditor
    (DDAS Signaalpartner value) or "" for all. Raises `InvalidFilter`."""

    jaar: int
    maand: int = 0
    soort: str = ""

    def __post_init__(self) -> None:
        if not 2000 <= self.jaar <= 2100:
            raise InvalidFilter(f"jaar {self.jaar}")
        if not 0 <= self.maand <= 12:
            raise InvalidFilter(f"maand {self.maand}")
        if self.soort and self.soort not in SOORTEN:
            raise InvalidFilter("onbekende soort schuldeiser")

    @property
    def period(self) -> str:
        """'maart 2026' or '2026'."""
        return f"{MONTHS_LONG[self.maand - 1]} {self.jaar}" if self.maand else str(self.jaar)

    @property
    def slug(self) -> str:
        """For file names: '2026-03', '2026', plus the kind of creditor."""
        base = f"{self.jaar}-{self.maand:02d}" if self.maand else str(self.jaar)
        return f"{base}-{self.soort.lower().replace(' ', '-')}" if self.soort else base


@dataclass(frozen=True, slots=True)
class Dashboard:
    """What the page, the downloads and the report show. `tables` hold exactly the cells
    shown (month rows narrowed to the chosen month); `charts` each carry their table;
    `comparison` is the region's municipalities side by side (None outside a region)."""

    gemeentecode: str
    naam: str
    filter: Filter
    figures: tuple[Figure, ...]
    charts: tuple[Chart, ...]
    tables: tuple[KpiTable, ...]
    comparison: KpiTable | None
    regio_naam: str
    ververst_op: dt.datetime | None
    withheld: int

    def table(self, key: str) -> KpiTable:
        """One shown table (chart tables included) by key; `UnknownKpiTable` if none."""
        for t in self.all_tables:
            if t.key == key:
                return t
        raise views.UnknownKpiTable(f"tabel {key}")

    @property
    def all_tables(self) -> tuple[KpiTable, ...]:
        """Every table shown, in page order: charts' tables, comparison, KPI tables."""
        return (*(c.table for c in self.charts),
                *((self.comparison,) if self.comparison else ()), *self.tables)


def years(session: Session, principal: KpiReader, gemeentecode: str) -> tuple[int, ...]:
    """The years with published cells for `gemeentecode`, newest first."""
    require_kpi_access(principal, [gemeentecode])
    rows = session.execute(select(KpiCel.jaar).distinct()
                           .where(KpiCel.gemeentecode == gemeentecode)).scalars()
    return tuple(sorted(rows, reverse=True))


def manager_dashboard(session: Session, principal: KpiReader, gemeentecode: str,
                      flt: Filter) -> Dashboard:
    """The dashboard of `gemeentecode` for `flt`. Raises `KpiForbidden`."""
    overview = views.municipality_overview(session, principal, gemeentecode, flt.jaar,
                                           flt.maand)
    region = load_regions().unit(gemeentecode)
    comparison = regio_naam = None
    if region.code != gemeentecode:
        comparison = views.comparison(session, principal, region.code, flt.jaar, flt.maand)
        regio_naam = region.naam
    tables = tuple(_narrow(t, flt) for t in overview.tables)
    figures = _figures(overview, tables, flt)
    charts = _charts(overview, tables, flt)
    shown = (*tables, *(c.table for c in charts), *((comparison,) if comparison else ()))
    withheld = sum(c.withheld for t in shown for r in t.rows for c in r.cells)
    return Dashboard(gemeentecode, overview.naam, flt, figures, charts, tables, comparison,
                     regio_naam or "", overview.ververst_op, withheld)


def _narrow(table: KpiTable, flt: Filter) -> KpiTable:
    """The month's row only when a month is chosen (month tables); the chosen kind of
    creditor's column only in the signals table."""
    rows = table.rows
    if flt.maand and table.row_header == "Maand":
        rows = tuple(r for r in rows if r.label == MONTH_NAMES[flt.maand - 1])
    columns = table.columns
    if flt.soort and table.key == "signalen":
        keep = columns.index(flt.soort) if flt.soort in columns else None
        columns = (flt.soort,)
        rows = tuple(replace(r, cells=(r.cells[keep] if keep is not None else Cell(0),))
                     for r in rows)
    return replace(table, columns=columns, rows=rows)


def _cell(table: KpiTable, row: str, column: str) -> Cell:
    """A cell of a (narrowed) table; an absent column is an empty (0) cell."""
    if column not in table.columns:
        return Cell(0)
    i = table.columns.index(column)
    return next((r.cells[i] for r in table.rows if r.label == row), Cell(None))


def _row_label(flt: Filter) -> str:
    return MONTH_NAMES[flt.maand - 1] if flt.maand else "Totaal"


def _figures(overview: Overview, tables: tuple[KpiTable, ...], flt: Filter
             ) -> tuple[Figure, ...]:
    figures = {f.key: f for f in overview.figures}
    if flt.soort:  # the signals of one kind of creditor; the rate has no meaning then
        signals = _cell(_by_key(tables, "signalen"), _row_label(flt), flt.soort)
        figures["signalen"] = Figure("signalen", f"Signalen ({flt.soort})", signals.value,
                                     "aantal", signals.withheld)
        figures.pop("signalen_per_1000", None)
        figures.pop("aandeel_zorg", None)
    lead = [figures[k] for k in LEAD if k in figures]
    return (*lead, *(f for k, f in figures.items() if k not in LEAD))


def _by_key(tables: tuple[KpiTable, ...], key: str) -> KpiTable:
    return next(t for t in tables if t.key == key)


def _sum(cells: list[Cell]) -> Cell:
    if any(c.withheld for c in cells):
        return Cell(None, True)
    return Cell(sum(c.value or 0 for c in cells))


def _charts(overview: Overview, tables: tuple[KpiTable, ...], flt: Filter
            ) -> tuple[Chart, ...]:
    row = _row_label(flt)
    handling = _by_key(tables, "signalen_afhandeling")
    zaken = _by_key(tables, "zaken_zaaktype")
    reach = _by_key(tables, "zaken_bereik")
    closed = _by_key(tables, "zaken_afgesloten_bereikt")
    trend_signals = Line(
        f"Signalen ({flt.soort})" if flt.soort else "Signalen",
        tuple(Bar(p.label, _month_cell(overview, "signalen", i, flt.soort or "Totaal"))
              for i, p in enumerate(overview.series[0].points)))
    trend_zaken = Line("Zaken", tuple(
        Bar(p.label, _month_cell(overview, "zaken_zaaktype", i, "Totaal"))
        for i, p in enumerate(overview.series[1].points)))
    total = "Totaal"
    funnel = (
        Bar("Signalen", _cell(handling, row, total)),
        Bar("Opgepakt", _cell(handling, row, ReasonCode.OPGEPAKT.value)),
        Bar("Zaken", _cell(zaken, row, total)),
        Bar("Bereikt", _cell(reach, row, "Bereikt")),
        Bar("Hulp geaccepteerd", _sum([_cell(closed, row, r) for r in d.HULP_GEACCEPTEERD])),
    )
    per_kind = tuple(Bar(s, _cell(_by_key(overview.tables, "signalen"), row, s))
                     for s in SOORTEN
                     if (c := _cell(_by_key(overview.tables, "signalen"), row, s)).withheld
                     or c.value)
    channels = tuple(
        Bar(k, views.ratio([_cell(_by_key(tables, "pogingen_soort_bereikt"), row, k)],
                           _cell(_by_key(tables, "pogingen_soort"), row, k)))
        for k in (c.value for c in Contactsoort)
        if _cell(_by_key(tables, "pogingen_soort"), row, k).value
        or _cell(_by_key(tables, "pogingen_soort"), row, k).withheld)
    return (
        Chart("trend", f"Signalen en zaken per maand, {flt.jaar}", "lijn", "aantal",
              (trend_signals, trend_zaken), "Maand"),
        Chart("trechter", f"Van signaal tot geaccepteerde hulp, {flt.period}", "staaf",
              "aantal", (Line("Aantal", funnel),), "Stap"),
        Chart("per_soort", f"Signalen per soort schuldeiser, {flt.period}", "staaf",
              "aantal", (Line("Signalen", per_kind or (Bar("Geen signalen", Cell(0)),)),),
              "Soort schuldeiser"),
        Chart("bereik_kanaal", f"Geslaagde contactpogingen per contactsoort, {flt.period}",
              "staaf", "%", (Line("Geslaagd", channels or (Bar("Geen pogingen", Cell(None)),)),),
              "Contactsoort"),
    )


def _month_cell(overview: Overview, key: str, month_index: int, column: str) -> Cell:
    """A month's cell of an un-narrowed month table (the trend shows the whole year)."""
    table = _by_key(overview.tables, key)
    if column not in table.columns:
        return Cell(0)
    return table.rows[month_index].cells[table.columns.index(column)]

