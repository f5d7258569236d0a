# SPDX-License-Identifier: EUPL-1.2
"""Small-cell protection: primary suppression below 10 households, secondary suppression
by the hypercube method, so no suppressed cell can be recovered from the totals.

Every published KPI figure is a cell of a `Cube`: counts over up to three dimensions
(municipality, month, category) *with all their margins* (totals per municipality, per
month, per category, the region's and the year's). `protect` decides which cells are
withheld; the publishing step (vroegsignaal/kpi/publish.py) stores only the protected
cube, and every output (API, dashboard, CSV, Excel, the PDF report) reads only that.

The rules (docs/kpi.md, "Small-cell protection"):

1. Primary suppression, the minimum-frequency ("threshold") rule: a cell whose number of
   households is 1 to `threshold - 1` (default 10) is withheld. An empty cell (no
   household) discloses nobody and is shown.
2. Secondary suppression, the hypercube method (Repsilber's GHMITER, one of the methods
   of Statistics Netherlands' tau-ARGUS; described in Hundepool et al., *Statistical
   Disclosure Control*, Wiley 2012, ch. 4 "Magnitude tabular data" / ch. 5 "Frequency
   tables", and in the ESSnet *Handbook on Statistical Disclosure Control*, 2010): for
   each primary cell choose a box of 2^k cells in the k-dimensional table with margins,
   the cell being one corner, and withhold all its corners. Adding `+d` to the corners
   of one sign and `-d` to the others keeps every published total, so an attacker who
   solves the table's equations can only bound the cell. The box is chosen so that those
   bounds reach 0 and at least the threshold (protection levels `L = min(v, threshold)`,
   `U = max(threshold - v, 1)` for a cell of value `v`: a total with few households but
   a large count keeps a threshold's width below it); among those boxes the one that
   withholds the least (sum of newly withheld values) is taken.
3. If no box gives that protection (a tiny table), the whole cube is withheld.

Households along a margin: municipalities never share a household (the household key is
an address), so households add up over municipalities; over months, and over
categories that are not a partition of households, a margin's household count is only
known as a lower bound (the largest part), which can only make the rule stricter.

Pure NumPy; no database. `feasible_range` (SciPy linear programming) is the attacker's
tool, used by the tests to show that the protection holds.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

THRESHOLD = 10  # households; DOMAIN brief, issue 12 item 2
# Elementwise `is None` over an object array (numpy's typing has no None comparison).
_is_none = np.frompyfunc(lambda x: x is None, 1, 1)


class Suppression(StrEnum):
    """Why a cell is withheld (stored with the published cell)."""

    PRIMARY = "primair"  # fewer than the threshold of households
    SECONDARY = "secundair"  # withheld to protect a primary cell


@dataclass(frozen=True, slots=True)
class Dimension:
    """One axis of a cube: its labels (the margin, "total", is added after the last) and
    whether households add up along it (`additive`)."""

    name: str
    labels: tuple[str, ...]
    additive: bool

    @property
    def size(self) -> int:
        """Labels plus the margin."""
        return len(self.labels) + 1


@dataclass(frozen=True)
class Cube:
    """Counts and household counts on the grid of `dims`, margins included.

    `counts` and `households` have shape `tuple(d.size for d in dims)`; index
    `len(d.labels)` along a dimension is its margin (total).
    """

    dims: tuple[Dimension, ...]
    counts: NDArray[np.int64]
    households: NDArray[np.int64]

    @classmethod
    def from_interior(
        cls,
        dims: Sequence[Dimension],
        counts: NDArray[np.int64],
        households: NDArray[np.int64],
    ) -> Cube:
        """Build a cube from its interior cells (shape `tuple(len(d.labels))`), adding
        every margin: counts are summed; households summed along additive dimensions and
        maximised (a lower bound) along the others."""
        dims = tuple(dims)
        c = np.asarray(counts, dtype=np.int64)
        h = np.asarray(households, dtype=np.int64)
        if c.shape != tuple(len(d.labels) for d in dims) or h.shape != c.shape:
            raise ValueError("interior shape does not match the dimensions")
        for axis, dim in enumerate(dims):
            c = np.concatenate([c, c.sum(axis=axis, keepdims=True)], axis=axis)
            margin = h.sum(axis=axis, keepdims=True) if dim.additive else (
                h.max(axis=axis, keepdims=True) if h.shape[axis] else
                np.zeros_like(h.sum(axis=axis, keepdims=True)))
            h = np.concatenate([h, margin], axis=axis)
        return cls(dims, c, h)


@dataclass(frozen=True)
class ProtectedCube:
    """A cube after `protect`: `suppressed[i]` is None for a published cell, else why it
    is withheld. `value(i)` gives a published count and None for a withheld one."""

    dims: tuple[Dimension, ...]
    counts: NDArray[np.int64]
    households: NDArray[np.int64]
    suppressed: NDArray[np.object_]

    def value(self, index: tuple[int, ...]) -> int | None:
        """The published count of a cell, or None when it is withheld."""
        return None if self.suppressed[index] is not None else int(self.counts[index])

    @property
    def published(self) -> NDArray[np.bool_]:
        """Which cells are published (not withheld), the cube's shape."""
        out: NDArray[np.bool_] = _is_none(self.suppressed).astype(bool)
        return out


def sensitive(cube: Cube, threshold: int = THRESHOLD) -> NDArray[np.bool_]:
    """Primary cells: 1 to `threshold - 1` households."""
    return (cube.households > 0) & (cube.households < threshold)


def protect(cube: Cube, threshold: int = THRESHOLD) -> ProtectedCube:
    """Primary and secondary suppression of `cube` (module docstring). Deterministic:
    the same cube gives the same pattern."""
    primary = sensitive(cube, threshold)
    withheld = primary.copy()
    order = sorted(zip(*np.nonzero(primary), strict=True),
                   key=lambda i: (int(cube.counts[i]), i))
    for cell in order:
        box = _best_box(cube, withheld, tuple(int(x) for x in cell), threshold)
        if box is None:
            withheld[...] = True  # rule 3: nothing protects it; withhold everything
            break
        for corner in box:
            withheld[corner] = True
    reasons = np.full(cube.counts.shape, None, dtype=object)
    reasons[withheld] = Suppression.SECONDARY
    reasons[primary] = Suppression.PRIMARY
    return ProtectedCube(cube.dims, cube.counts, cube.households, reasons)


def _best_box(
    cube: Cube, withheld: NDArray[np.bool_], cell: tuple[int, ...], threshold: int
) -> list[tuple[int, ...]] | None:
    """The cheapest box with `cell` as a corner whose corners allow moving `cell` down by
    `min(v, threshold)` (to 0 for a small cell) and up by `max(threshold - v, 1)`; its
    corners, or None when there is none.

    Candidates: one partner index per dimension (any other label or the margin), all
    scored at once with NumPy. The sign of a corner is the product over the dimensions
    where it takes the partner of +1 (partner or cell on the margin: a part and its total
    move together) or -1 (two parts of one total move oppositely).
    """
    k = len(cube.dims)
    v = int(cube.counts[cell])
    up, down = max(threshold - v, 1), min(v, threshold)
    partners = [np.array([q for q in range(d.size) if q != cell[a]], dtype=np.int64)
                for a, d in enumerate(cube.dims)]
    if any(len(p) == 0 for p in partners):
        return None
    grids = np.meshgrid(*partners, indexing="ij")
    margins = [d.size - 1 for d in cube.dims]
    signs = [np.where((g == m) | (cell[a] == m), 1, -1)
             for a, (g, m) in enumerate(zip(grids, margins, strict=True))]
    feasible = np.ones(grids[0].shape, dtype=bool)
    cost = np.zeros(grids[0].shape, dtype=np.int64)
    for subset in itertools.product((False, True), repeat=k):
        if not any(subset):
            continue
        index = tuple(grids[a] if moved else np.full(grids[a].shape, cell[a])
                      for a, moved in enumerate(subset))
        values = cube.counts[index]
        sign = np.ones(grids[0].shape, dtype=np.int64)
        for a, moved in enumerate(subset):
            if moved:
                sign = sign * signs[a]
        # When `cell` rises, the opposite-signed corners fall (need >= up); when it
        # falls to 0, the same-signed ones fall with it (need >= down).
        feasible &= np.where(sign < 0, values >= up, values >= down)
        cost += np.where(withheld[index], 0, values + 1)  # +1: prefer fewer new cells
    if not feasible.any():
        return None
    cost = np.where(feasible, cost, np.iinfo(np.int64).max)
    best = np.unravel_index(int(np.argmin(cost)), cost.shape)  # first minimum: stable
    partner = [int(grids[a][best]) for a in range(k)]
    return [tuple(partner[a] if moved[a] else cell[a] for a in range(k))
            for moved in itertools.product((False, True), repeat=k)]


def equations(dims: Sequence[Dimension]) -> tuple[NDArray[np.float64], list[tuple[int, ...]]]:
    """The linear relations every table with margins satisfies, as `A @ x = 0` over the
    flattened grid: along each dimension, the parts of each line sum to its margin.
    Returns `A` and the grid's cell indices in flattening order."""
    shape = tuple(d.size for d in dims)
    cells = list(itertools.product(*(range(s) for s in shape)))
    position = {c: i for i, c in enumerate(cells)}
    rows: list[NDArray[np.float64]] = []
    for axis, d in enumerate(dims):
        others = [range(s) for a, s in enumerate(shape) if a != axis]
        for rest in itertools.product(*others):
            row = np.zeros(len(cells))
            for i in range(d.size):
                full = list(rest)
                full.insert(axis, i)
                row[position[tuple(full)]] = -1.0 if i == d.size - 1 else 1.0
            rows.append(row)
    return np.array(rows), cells


def feasible_range(protected: ProtectedCube, cell: tuple[int, ...]) -> tuple[float, float]:
    """What an attacker learns about a withheld cell from everything published: the
    smallest and largest value it can take with all the table's sums holding and no
    cell negative (two linear programs, SciPy's HiGHS). (inf when unbounded.)"""
    from scipy.optimize import linprog  # the attack is for tests and audits only

    a, cells = equations(protected.dims)
    n = len(cells)
    bounds: list[tuple[float, float | None]] = []
    for c in cells:
        if protected.suppressed[c] is None:
            bounds.append((float(protected.counts[c]), float(protected.counts[c])))
        else:
            bounds.append((0.0, None))
    target = np.zeros(n)
    target[cells.index(cell)] = 1.0
    zeros = np.zeros(a.shape[0])
    low = linprog(target, A_eq=a, b_eq=zeros, bounds=bounds, method="highs")
    high = linprog(-target, A_eq=a, b_eq=zeros, bounds=bounds, method="highs")
    lo = float(low.fun) if low.status == 0 else float("-inf")
    hi = float(-high.fun) if high.status == 0 else float("inf")
    return lo, hi
