# SPDX-License-Identifier: EUPL-1.2
"""Small-cell protection (issue 12 item 2): cells under 10 households are withheld, and
an attacker who knows every published figure and every total cannot recover them.

The attacker is a linear program (`feasible_range`): the smallest and largest value a
withheld cell can take with all published cells fixed, all row, column and layer totals
holding and no cell negative. Protection holds when that range still reaches 0 and the
threshold: nothing is learnt beyond "fewer than 10".
"""

from __future__ import annotations

import numpy as np
import pytest

from vroegsignaal.kpi.disclosure import (
    THRESHOLD,
    Cube,
    Dimension,
    Suppression,
    feasible_range,
    protect,
)


def _dims(*sizes: int, additive: tuple[bool, ...] | None = None) -> tuple[Dimension, ...]:
    additive = additive or (True,) * len(sizes)
    return tuple(Dimension(f"d{i}", tuple(f"{i}.{j}" for j in range(n)), a)
                 for i, (n, a) in enumerate(zip(sizes, additive, strict=True)))


def _attack_fails(protected, cells) -> None:  # type: ignore[no-untyped-def]
    for cell in cells:
        lo, hi = feasible_range(protected, cell)
        v = int(protected.counts[cell])
        assert lo <= 0, (cell, v, lo, hi)
        assert hi >= max(THRESHOLD, v + 1), (cell, v, lo, hi)


def _primary_cells(protected):  # type: ignore[no-untyped-def]
    return [tuple(int(x) for x in c)
            for c in zip(*np.nonzero(protected.suppressed == Suppression.PRIMARY), strict=True)]


def test_one_small_cell_in_a_row_is_not_given_away_by_the_total() -> None:
    """Signals per creditor type in one month: Water has 3 households. Withholding it alone
    would fail at once: total - the others = 3."""
    counts = np.array([[40, 25, 3, 18]])  # Zorg, Huur, Water, Energie
    cube = Cube.from_interior(_dims(1, 4), counts, counts)
    naive_total = int(cube.counts[0, 4])
    assert naive_total - (40 + 25 + 18) == 3  # the attack on primary suppression alone
    protected = protect(cube)
    assert protected.suppressed[0, 2] == Suppression.PRIMARY
    assert protected.value((0, 2)) is None
    # At least one more cell of the row is withheld: the subtraction no longer works.
    assert int((~protected.published[0, :4]).sum()) >= 2
    assert protected.value((0, 4)) == 86  # the total stays
    _attack_fails(protected, _primary_cells(protected))


def test_two_way_table_with_margins_cannot_be_solved() -> None:
    """Municipalities x results with row, column and grand totals."""
    counts = np.array([
        [120, 35, 4, 60],
        [80, 2, 30, 41],
        [55, 22, 18, 7],
        [200, 90, 75, 110],
    ])
    protected = protect(Cube.from_interior(_dims(4, 4), counts, counts))
    primaries = _primary_cells(protected)
    assert set(primaries) == {(0, 2), (1, 1), (2, 3)}
    _attack_fails(protected, primaries)
    assert protected.value((4, 4)) == int(counts.sum())


def test_three_way_cube_months_by_municipalities_by_category() -> None:
    rng = np.random.default_rng(7)
    counts = rng.integers(0, 60, size=(4, 12, 5))
    counts[rng.random(counts.shape) < 0.15] = 3  # scattered small cells
    households = counts.copy()
    dims = _dims(4, 12, 5, additive=(True, False, True))
    protected = protect(Cube.from_interior(dims, counts, households))
    primaries = _primary_cells(protected)
    assert len(primaries) > 20
    _attack_fails(protected, primaries[:: max(1, len(primaries) // 15)])  # a spread sample


def test_margins_with_few_households_are_withheld_too() -> None:
    """A category total over months: households do not add over months (one household can
    signal every month), so the total's households are bounded below by the largest month."""
    counts = np.array([[[4, 30]], [[3, 30]], [[2, 30]]]).reshape(1, 3, 2)  # 1 gm, 3 months
    households = np.array([[[4, 30], [3, 30], [2, 30]]])
    dims = (Dimension("g", ("GM1",), True), Dimension("m", ("01", "02", "03"), False),
            Dimension("c", ("Water", "Zorg"), True))
    cube = Cube.from_interior(dims, counts, households)
    assert cube.households[0, 3, 0] == 4  # lower bound, not 9
    protected = protect(cube)
    assert protected.suppressed[0, 3, 0] == Suppression.PRIMARY  # 9 signals, >= 4 households


def test_no_box_protects_then_everything_is_withheld() -> None:
    counts = np.array([[3, 1]])
    protected = protect(Cube.from_interior(_dims(1, 2), counts, counts))
    assert not protected.published.any()


def test_empty_cells_are_shown_and_the_pattern_is_deterministic() -> None:
    counts = np.array([[0, 25, 5, 40], [12, 0, 30, 9]])
    cube = Cube.from_interior(_dims(2, 4), counts, counts)
    first, second = protect(cube), protect(cube)
    assert (first.suppressed == second.suppressed).all()
    assert first.suppressed[0, 0] != Suppression.PRIMARY
    assert first.suppressed[1, 1] != Suppression.PRIMARY


@pytest.mark.parametrize("households", [1, 9])
def test_threshold_is_ten_households(households: int) -> None:
    counts = np.array([[households, 50, 60], [40, 45, 50]])
    protected = protect(Cube.from_interior(_dims(2, 3), counts, counts))
    assert protected.suppressed[0, 0] == Suppression.PRIMARY
    counts[0, 0] = 10
    assert protect(Cube.from_interior(_dims(2, 3), counts, counts)).published.all()
