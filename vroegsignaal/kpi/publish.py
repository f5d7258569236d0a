# SPDX-License-Identifier: EUPL-1.2
"""Publishing: from the materialised counts to the protected cells every output reads.

Per protection unit (a region, or a municipality in none: vroegsignaal/kpi/regions.py)
and calendar year, each published measure becomes one cube (municipality x month x
category, with all totals), `disclosure.protect` withholds what it must, and the cells
are written to `kpi_cel` with the withheld values left out. The day histograms are not
published; their median and 90th percentile are, when the group has enough households.

`refresh_kpis` is the one refresh: rollup, then publish; the DAG, the command line and
the tests call it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from vroegsignaal.kpi import definitions as d
from vroegsignaal.kpi.disclosure import THRESHOLD, Cube, Dimension, protect
from vroegsignaal.kpi.regions import Region, load_regions
from vroegsignaal.kpi.rollup import MONTH, refresh_rollup
from vroegsignaal.storage.tables import KpiCel, KpiRollup, table_of

log = logging.getLogger(__name__)
TOTAL = "*"  # gemeentecode or categorie of a total; maand 0 is the year's total
MONTHS = tuple(f"{m:02d}" for m in range(1, 13))
STATISTICS = {"dagen_eerste_poging": "dagen_eerste_poging",
              "dagen_eerste_contact": "dagen_eerste_contact"}
MEDIAAN, P90 = "mediaan", "p90"


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """What one refresh did: counts only."""

    rollup_rows: int
    units: int
    cells: int
    withheld: int


def refresh_kpis(
    session: Session, *, jaar: int, peildatum: dt.date,
    gemeenten: Sequence[str] | None = None, threshold: int = THRESHOLD,
) -> RefreshReport:
    """Rebuild the counts of calendar year `jaar` and publish them, for `gemeenten` (None:
    every municipality) extended to their whole protection units; commit.

    Idempotent for the same data and `peildatum` (the DAG passes its logical date).
    """
    regions = load_regions()
    if gemeenten is None:
        codes = None
    else:
        codes = sorted({g for c in gemeenten for g in regions.unit(c).gemeenten})
    rows = refresh_rollup(session, gemeenten=codes, van=dt.date(jaar, 1, 1),
                          tot=dt.date(jaar + 1, 1, 1), peildatum=peildatum)
    present = select(KpiRollup.gemeentecode).distinct().where(
        KpiRollup.maand >= dt.date(jaar, 1, 1), KpiRollup.maand < dt.date(jaar + 1, 1, 1))
    with_data = set(session.execute(present).scalars())
    if codes is not None:
        with_data &= set(codes)
    units = {regions.unit(g).code: regions.unit(g) for g in with_data}
    cells = withheld = 0
    now = dt.datetime.now(dt.UTC)
    for unit in units.values():
        c, w = publish_unit(session, unit, jaar, now=now, threshold=threshold)
        cells, withheld = cells + c, withheld + w
    session.commit()
    report = RefreshReport(rows, len(units), cells, withheld)
    log.info("kpi refresh", extra={"jaar": jaar, "rollup_rows": rows, "units": len(units),
                                   "cells": cells, "withheld": withheld})
    return report


def publish_unit(
    session: Session, unit: Region, jaar: int, *, now: dt.datetime, threshold: int = THRESHOLD
) -> tuple[int, int]:
    """Protect and write every measure of `unit` in `jaar` (no commit); returns the
    number of cells written and withheld."""
    counts = _load(session, unit, jaar)
    session.execute(delete(table_of(KpiCel)).where(KpiCel.eenheid == unit.code,
                                                   KpiCel.jaar == jaar))
    out: list[dict[str, object]] = []
    withheld = 0
    for measure in d.MEASURES:
        data = counts.get(measure.name, {})
        categories = _categories(measure, data)
        if not categories:
            continue
        cube = _cube(unit, measure, categories, data)
        if not measure.published:
            out.extend(_statistics(unit, jaar, measure.name, cube, now, threshold))
            continue
        protected = protect(cube, threshold)
        withheld += int((~protected.published).sum())
        # An absent cell reads as a published 0 (views.py): only non-zero or withheld
        # cells are written.
        for index in zip(*np.nonzero((cube.counts != 0) | ~protected.published), strict=True):
            g, m, c = (int(i) for i in index)
            reason = protected.suppressed[index]
            out.append({
                "kpi": measure.name, "eenheid": unit.code, "jaar": jaar,
                "gemeentecode": _label(cube.dims[0], g), "maand": 0 if m == 12 else m + 1,
                "categorie": _label(cube.dims[2], c),
                "aantal": None if reason is not None else int(cube.counts[index]),
                "onderdrukt": None if reason is None else str(reason), "ververst_op": now,
            })
    if out:
        session.execute(insert(table_of(KpiCel)), out)
    return len(out), withheld


Counts = dict[str, dict[tuple[str, int, str], tuple[int, int]]]


def _load(session: Session, unit: Region, jaar: int) -> Counts:
    """The unit's counts of `jaar`, by measure: (gemeente, month, category) -> (count,
    households); month 0 is the year's row, category "*" the row over all categories.
    Aggregates, a few thousand rows, never signals."""
    r = KpiRollup
    query = select(r.kpi, r.gemeentecode, r.periode, r.maand, r.categorie, r.aantal,
                   r.huishoudens).where(
        r.gemeentecode.in_(unit.gemeenten), r.maand >= dt.date(jaar, 1, 1),
        r.maand < dt.date(jaar + 1, 1, 1))
    out: Counts = defaultdict(dict)
    for kpi, g, periode, maand, cat, n, h in session.execute(query):
        month = maand.month if periode == MONTH else 0
        out[kpi][(g, month, cat)] = (int(n), int(h))
    return out


def _categories(measure: d.Measure, data: dict[tuple[str, int, str], tuple[int, int]]
                ) -> tuple[str, ...]:
    seen = {c for (_, _, c) in data} - {TOTAL}
    if measure.name in STATISTICS:
        return tuple(str(i) for i in range(d.DAYS_CAP + 1))
    extra = sorted(seen - set(measure.categories))
    return (*measure.categories, *extra)


def _cube(unit: Region, measure: d.Measure, categories: tuple[str, ...],
          data: dict[tuple[str, int, str], tuple[int, int]]) -> Cube:
    """The cube with its totals: counts summed; households counted (the rollup's month
    and year rows over all categories and per category), summed only over municipalities,
    which share no household. Without the year rows (a partial refresh) the lower bounds
    of `Cube.from_interior` stay."""
    gi = {g: i for i, g in enumerate(unit.gemeenten)}
    ci = {c: i for i, c in enumerate(categories)}
    shape = (len(unit.gemeenten), 12, len(categories))
    counts = np.zeros(shape, dtype=np.int64)
    households = np.zeros(shape, dtype=np.int64)
    counted = np.full((len(unit.gemeenten), 13, len(categories) + 1), -1, dtype=np.int64)
    for (g, month, cat), (n, h) in data.items():
        m = 12 if month == 0 else month - 1
        c = len(categories) if cat == TOTAL else ci[cat]
        if month and cat != TOTAL:
            counts[gi[g], m, c] = n
            households[gi[g], m, c] = h
        counted[gi[g], m, c] = h
    dims = (Dimension("gemeente", unit.gemeenten, True), Dimension("maand", MONTHS, False),
            Dimension("categorie", categories, measure.additive))
    cube = Cube.from_interior(dims, counts, households)
    exact = cube.households.copy()
    known = counted >= 0
    exact[:-1][known] = counted[known]
    exact[-1] = exact[:-1].sum(axis=0)  # the region: municipalities share no household
    return Cube(dims, cube.counts, exact)


def _label(dim: Dimension, i: int) -> str:
    return TOTAL if i == len(dim.labels) else dim.labels[i]


def _statistics(unit: Region, jaar: int, kpi: str, cube: Cube, now: dt.datetime,
                threshold: int) -> Iterable[dict[str, object]]:
    """Median and 90th percentile (nearest rank) of a day histogram per municipality and
    month and their totals; withheld ("primair") when the group has fewer households
    than the threshold, absent values (None) when the group is empty."""
    hist = cube.counts[:, :, :-1]  # days 0..DAYS_CAP; the last index is the total
    n = cube.counts[:, :, -1]
    households = cube.households[:, :, -1]
    cum = np.cumsum(hist, axis=2)
    for q, name in ((0.5, MEDIAAN), (0.9, P90)):
        rank = np.ceil(q * n)
        value = np.argmax(cum >= np.maximum(rank, 1)[:, :, None], axis=2)
        for g, m in np.ndindex(n.shape):
            small = 0 < households[g, m] < threshold
            empty = n[g, m] == 0
            yield {
                "kpi": kpi, "eenheid": unit.code, "jaar": jaar,
                "gemeentecode": _label(cube.dims[0], g), "maand": 0 if m == 12 else m + 1,
                "categorie": name,
                "aantal": None if small or empty else int(value[g, m]),
                "onderdrukt": "primair" if small else None, "ververst_op": now,
            }
