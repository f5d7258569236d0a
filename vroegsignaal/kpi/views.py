# SPDX-License-Identifier: EUPL-1.2
"""KPI view models: what the dashboard renders, the API returns and the exports write.

They read only the published, protected cells (`kpi_cel`, vroegsignaal/kpi/publish.py),
so no output can show a withheld value. A derived figure (a share, a rate) is shown
only when every published cell it is computed from is shown: a share of a withheld
count, times a shown total, would give the count back.

Two scopes: a municipality (its months, and its figures for the year) and a region (its
municipalities side by side, and the region's months). Every function takes the
`Principal` and checks it first (vroegsignaal/kpi/access.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vroegsignaal.contract.enums import Signaalpartner
from vroegsignaal.errors import NotFound
from vroegsignaal.intake.reason_codes import ReasonCode
from vroegsignaal.kpi import definitions as d
from vroegsignaal.kpi.access import KpiReader, require_kpi_access, require_region_member
from vroegsignaal.kpi.publish import MEDIAAN, P90, TOTAL
from vroegsignaal.kpi.regions import Region, load_regions
from vroegsignaal.storage.tables import Gemeente, KpiCel

MONTH_NAMES = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov",
               "dec")
WITHHELD = "<10"  # how a withheld cell reads in tables and downloads


class UnknownKpiTable(NotFound):
    """No KPI table with this name (404)."""

    code = "KPI_TABEL_ONBEKEND"
    title = "Onbekende KPI-tabel"


@dataclass(frozen=True, slots=True)
class Cell:
    """One shown figure: `value` None and `withheld` True for a protected cell; `value`
    None and `withheld` False when there is nothing to show (no data)."""

    value: float | None
    withheld: bool = False

    @property
    def text(self) -> str:
        """The cell as shown: the withheld mark, empty for no value, else the number."""
        if self.withheld:
            return WITHHELD
        if self.value is None:
            return ""
        return f"{self.value:g}" if isinstance(self.value, float) else str(self.value)


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a KPI table: its label and cells; `is_total` for the totals row."""

    label: str
    cells: tuple[Cell, ...]
    is_total: bool = False


@dataclass(frozen=True, slots=True)
class KpiTable:
    """A table as shown and downloaded: `columns` head the cells, `row_header` heads the
    labels; the last row and column are the totals."""

    key: str
    title: str
    row_header: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class Figure:
    """A headline number: `unit` is "%", "aantal", "per 1.000 inwoners per maand" or
    "dagen"; `value` None with `withheld` when protection hides it."""

    key: str
    label: str
    value: float | None
    unit: str
    withheld: bool = False


@dataclass(frozen=True, slots=True)
class Point:
    """One month of a trend: `value` None where withheld or empty."""

    label: str
    value: float | None


@dataclass(frozen=True, slots=True)
class Series:
    """A trend: one point per month."""

    key: str
    label: str
    points: tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class Overview:
    """Everything one dashboard page shows for a scope and year."""

    scope: str  # gemeentecode or regio code
    naam: str
    jaar: int
    figures: tuple[Figure, ...]
    tables: tuple[KpiTable, ...]
    series: tuple[Series, ...]
    ververst_op: dt.datetime | None
    gemeenten: tuple[str, ...] = field(default=())


class _Cells:
    """The published cells of one unit and year, looked up by (kpi, gemeente, maand,
    categorie); a missing cell is an empty one (0)."""

    def __init__(self, session: Session, unit: Region, jaar: int,
                 gemeenten: Sequence[str]) -> None:
        c = KpiCel
        rows = session.execute(
            select(c.kpi, c.gemeentecode, c.maand, c.categorie, c.aantal, c.onderdrukt)
            .where(c.eenheid == unit.code, c.jaar == jaar, c.gemeentecode.in_(gemeenten))
        )
        self.cells = {(k, g, m, cat): (n, o) for k, g, m, cat, n, o in rows}
        self.refreshed = session.execute(
            select(func.max(c.ververst_op)).where(c.eenheid == unit.code, c.jaar == jaar)
        ).scalar_one_or_none()

    def get(self, kpi: str, g: str, m: int, cat: str) -> Cell:
        n, reason = self.cells.get((kpi, g, m, cat), (None, None))
        if reason is not None:
            return Cell(None, True)
        if n is None and d.BY_NAME.get(kpi) is not None and d.BY_NAME[kpi].published:
            return Cell(0)
        return Cell(n)

    def categories(self, kpi: str) -> tuple[str, ...]:
        measure = d.BY_NAME[kpi]
        extra = sorted({cat for (k, _, _, cat) in self.cells if k == kpi}
                       - set(measure.categories) - {TOTAL})
        return (*measure.categories, *extra)


def ratio(parts: Iterable[Cell], whole: Cell, *, percent: bool = True) -> Cell:
    """sum(parts) / whole, shown only when every cell is shown and whole is not 0."""
    parts = list(parts)
    if whole.withheld or any(p.withheld for p in parts):
        return Cell(None, True)
    if not whole.value:
        return Cell(None)
    value = sum(p.value or 0 for p in parts) / whole.value
    return Cell(round(100 * value, 1) if percent else value)


def _figure(key: str, label: str, cell: Cell, unit: str) -> Figure:
    return Figure(key, label, cell.value, unit, cell.withheld)


def _figures(cells: _Cells, g: str, inwoners: int, maand: int = 0) -> tuple[Figure, ...]:
    """The headline figures of one municipality or (g = "*") its region, for the year
    (`maand` 0) or one month (1-12)."""
    get = cells.get
    signals = get("signalen", g, maand, TOTAL)
    months = 1 if maand else sum(
        1 for m in range(1, 13)
        if get("signalen", g, m, TOTAL).withheld or get("signalen", g, m, TOTAL).value)
    rate = Cell(None, True) if signals.withheld else (
        Cell(round(1000 * (signals.value or 0) / inwoners / months, 2))
        if inwoners and months else Cell(None))
    zaken = get("zaken_zaaktype", g, maand, TOTAL)
    termijn = [get("termijn_eerste_poging", g, maand, c) for c in d.TERMIJN[:4]]
    contact = [get("termijn_eerste_contact", g, maand, c) for c in d.TERMIJN[:4]]
    closed_reached = get("zaken_afgesloten_bereikt", g, maand, TOTAL)
    accepted = [get("zaken_afgesloten_bereikt", g, maand, r) for r in d.HULP_GEACCEPTEERD]
    last = maand or max((m for m in range(1, 13) if get("werkvoorraad_open", g, m, TOTAL).value
                         or get("werkvoorraad_open", g, m, TOTAL).withheld), default=0)
    return (
        _figure("signalen", "Signalen", signals, "aantal"),
        _figure("signalen_per_1000", "Signalen per 1.000 inwoners per maand", rate,
                "per 1.000 inwoners per maand"),
        _figure("aandeel_zorg", "Aandeel signalen van zorgverzekeraars",
                ratio([get("signalen", g, maand, Signaalpartner.ZORG.value)], signals), "%"),
        _figure("aandeel_opgepakt", "Signalen opgepakt",
                ratio([get("signalen_afhandeling", g, maand, ReasonCode.OPGEPAKT.value)],
                      get("signalen_afhandeling", g, maand, TOTAL)), "%"),
        _figure("zaken", "Zaken", zaken, "aantal"),
        *(_figure(f"aandeel_{t}", f"Zaken {t}",
                  ratio([get("zaken_zaaktype", g, maand, t)], zaken), "%")
          for t in ("enkelvoudig", "meervoudig", "opeenvolgend")),
        _figure("bereik", "Bereik (zaken met geslaagd contact)",
                ratio([get("zaken_bereik", g, maand, "Bereikt")],
                      get("zaken_bereik", g, maand, TOTAL)), "%"),
        _figure("hulp_geaccepteerd", "Hulp geaccepteerd (van de bereikten)",
                ratio(accepted, closed_reached), "%"),
        _figure("binnen_termijn_poging", "Eerste contactpoging binnen de termijn",
                ratio([termijn[0], termijn[2]], _sum(termijn)), "%"),
        _figure("binnen_termijn_contact", "Eerste geslaagde contact binnen de termijn",
                ratio([contact[0], contact[2]], _sum(contact)), "%"),
        _figure("mediaan_dagen_poging", "Mediaan dagen tot eerste contactpoging",
                get("dagen_eerste_poging", g, maand, MEDIAAN), "dagen"),
        _figure("p90_dagen_poging", "90e percentiel dagen tot eerste contactpoging",
                get("dagen_eerste_poging", g, maand, P90), "dagen"),
        _figure("mediaan_dagen_contact", "Mediaan dagen tot eerste geslaagde contact",
                get("dagen_eerste_contact", g, maand, MEDIAAN), "dagen"),
        _figure("p90_dagen_contact", "90e percentiel dagen tot eerste geslaagde contact",
                get("dagen_eerste_contact", g, maand, P90), "dagen"),
        _figure("werkvoorraad_open", "Open werkvoorraad (laatste stand)",
                get("werkvoorraad_open", g, last, TOTAL) if last else Cell(None),
                "aantal"),
        _figure("werkvoorraad_te_laat", "Over de termijn (laatste stand)",
                get("werkvoorraad_te_laat", g, last, TOTAL) if last else Cell(None),
                "aantal"),
    )


def _sum(cells: Sequence[Cell]) -> Cell:
    if any(c.withheld for c in cells):
        return Cell(None, True)
    return Cell(sum(c.value or 0 for c in cells))


def _month_table(cells: _Cells, kpi: str, g: str) -> KpiTable:
    cats = cells.categories(kpi)
    rows = tuple(
        Row(MONTH_NAMES[m - 1] if m else "Totaal",
            tuple(cells.get(kpi, g, m, c) for c in (*cats, TOTAL)), is_total=m == 0)
        for m in (*range(1, 13), 0)
    )
    return KpiTable(kpi, d.BY_NAME[kpi].title, "Maand", (*cats, "Totaal"), rows)


def _region_table(cells: _Cells, kpi: str, region: Region, names: dict[str, str]) -> KpiTable:
    cats = cells.categories(kpi)
    rows = tuple(
        Row(names.get(g, g) if g != TOTAL else f"Totaal {region.naam}",
            tuple(cells.get(kpi, g, 0, c) for c in (*cats, TOTAL)), is_total=g == TOTAL)
        for g in (*region.gemeenten, TOTAL)
    )
    return KpiTable(kpi, d.BY_NAME[kpi].title, "Gemeente", (*cats, "Totaal"), rows)


def _outcome_table(cells: _Cells, g: str, approach: bool) -> KpiTable:
    """Share of followed closed zaken with a new signal within 3, 6 and 12 months."""
    part = "_aanpak" if approach else ""
    cats = cells.categories(f"herhaling_3m{part}")
    rows = []
    for c in (*cats, TOTAL):
        row = []
        for h in d.HORIZONS:
            base = cells.get(f"herhaling_{h}m{part}_basis", g, 0, c)
            row += [base, ratio([cells.get(f"herhaling_{h}m{part}", g, 0, c)], base)]
        rows.append(Row("Totaal" if c == TOTAL else c, tuple(row), is_total=c == TOTAL))
    columns = tuple(x for h in d.HORIZONS
                    for x in (f"Gevolgd {h} mnd", f"% nieuw signaal binnen {h} mnd"))
    key = "uitkomst_aanpak" if approach else "uitkomst_eindresultaat"
    title = ("Nieuw signaal na afsluiten, per aanpak (eerste contactsoort)" if approach
             else "Nieuw signaal na afsluiten, per eindresultaat")
    return KpiTable(key, title, "Aanpak" if approach else "Eindresultaat", columns, tuple(rows))


TABLE_KPIS = tuple(m.name for m in d.MEASURES
                   if m.published and not m.name.startswith("herhaling_"))
TABLE_KEYS = (*TABLE_KPIS, "uitkomst_eindresultaat", "uitkomst_aanpak")


def _series(cells: _Cells, g: str) -> tuple[Series, ...]:
    def points(kpi: str, cat: str) -> tuple[Point, ...]:
        return tuple(Point(MONTH_NAMES[m - 1], cells.get(kpi, g, m, cat).value)
                     for m in range(1, 13))

    def shares(num: tuple[str, str], den: tuple[str, str]) -> tuple[Point, ...]:
        return tuple(Point(MONTH_NAMES[m - 1], ratio([cells.get(num[0], g, m, num[1])],
                                                     cells.get(den[0], g, m, den[1])).value)
                     for m in range(1, 13))

    return (
        Series("signalen", "Signalen per maand", points("signalen", TOTAL)),
        Series("zaken", "Zaken per maand", points("zaken_zaaktype", TOTAL)),
        Series("bereik", "Bereik per maand (%)",
               shares(("zaken_bereik", "Bereikt"), ("zaken_bereik", TOTAL))),
        Series("opgepakt", "Signalen opgepakt per maand (%)",
               shares(("signalen_afhandeling", ReasonCode.OPGEPAKT.value),
                      ("signalen_afhandeling", TOTAL))),
    )


def _names(session: Session, codes: Iterable[str]) -> tuple[dict[str, str], dict[str, int]]:
    rows = session.execute(select(Gemeente.gemeentecode, Gemeente.naam, Gemeente.inwoners)
                           .where(Gemeente.gemeentecode.in_(list(codes)))).all()
    return {r[0]: r[1] for r in rows}, {r[0]: int(r[2] or 0) for r in rows}


def municipality_overview(
    session: Session, principal: KpiReader, gemeentecode: str, jaar: int, maand: int = 0
) -> Overview:
    """The dashboard of one municipality for `jaar`: headline figures (of the year, or of
    month `maand` 1-12), a month-by-month table per KPI, the outcome tables and the
    trends. Raises `KpiForbidden`."""
    require_kpi_access(principal, [gemeentecode])
    unit = load_regions().unit(gemeentecode)
    cells = _Cells(session, unit, jaar, [gemeentecode])
    names, inwoners = _names(session, [gemeentecode])
    tables = (*(_month_table(cells, k, gemeentecode) for k in TABLE_KPIS),
              _outcome_table(cells, gemeentecode, False), _outcome_table(cells, gemeentecode, True))
    return Overview(gemeentecode, names.get(gemeentecode, gemeentecode), jaar,
                    _figures(cells, gemeentecode, inwoners.get(gemeentecode, 0), maand), tables,
                    _series(cells, gemeentecode), cells.refreshed, (gemeentecode,))


def region_overview(session: Session, principal: KpiReader, regio: str, jaar: int) -> Overview:
    """The dashboard of a region for `jaar`: the region's headline figures and trends, and
    per KPI its municipalities side by side with the region's total. Raises
    `KpiForbidden` (the principal must serve every municipality of the region),
    `UnknownRegion`."""
    region = load_regions().get(regio)
    require_kpi_access(principal, region.gemeenten)
    cells = _Cells(session, region, jaar, [*region.gemeenten, TOTAL])
    names, inwoners = _names(session, region.gemeenten)
    tables = (*(_region_table(cells, k, region, names) for k in TABLE_KPIS),
              _outcome_table(cells, TOTAL, False), _outcome_table(cells, TOTAL, True))
    return Overview(region.code, region.naam, jaar,
                    _figures(cells, TOTAL, sum(inwoners.values())), tables,
                    _series(cells, TOTAL), cells.refreshed, region.gemeenten)


def comparison(session: Session, principal: KpiReader, regio: str, jaar: int,
               maand: int = 0) -> KpiTable:
    """The region's municipalities side by side on the headline figures of the year (or
    month `maand`). A manager of one of them may read it: the region is protected as one
    cube, so its published cells disclose nobody (`require_region_member`)."""
    region = load_regions().get(regio)
    require_region_member(principal, region.gemeenten)
    cells = _Cells(session, region, jaar, [*region.gemeenten, TOTAL])
    names, inwoners = _names(session, region.gemeenten)
    rows = []
    header: tuple[str, ...] = ()
    for g in (*region.gemeenten, TOTAL):
        figs = _figures(cells, g, inwoners.get(g, 0) if g != TOTAL else sum(inwoners.values()),
                        maand)
        header = tuple(f.label for f in figs)
        rows.append(Row(names.get(g, g) if g != TOTAL else f"Totaal {region.naam}",
                        tuple(Cell(f.value, f.withheld) for f in figs), is_total=g == TOTAL))
    return KpiTable("vergelijking", f"Vergelijking {region.naam}", "Gemeente", header,
                    tuple(rows))


def table(overview: Overview, key: str) -> KpiTable:
    """One table of an overview by key; `UnknownKpiTable` when it has none."""
    for t in overview.tables:
        if t.key == key:
            return t
    raise UnknownKpiTable(f"tabel {key}")
