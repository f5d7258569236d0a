# SPDX-License-Identifier: EUPL-1.2
"""Server-drawn charts: valid SVG with an accessible name, only presentation attributes
(the CSP allows no inline style), a withheld cell drawn as no bar or a gap and labelled
"<10" (its value never reaches the chart), labels escaped, every chart with its table."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from vroegsignaal.kpi.charts import Bar, Chart, Line
from vroegsignaal.kpi.dashboard import Filter, InvalidFilter
from vroegsignaal.kpi.views import Cell

SVG = "{http://www.w3.org/2000/svg}"


def _bars() -> Chart:
    return Chart("t", "Trechter <test>", "staaf", "aantal", (Line("Aantal", (
        Bar("Signalen", Cell(90)), Bar("Opgepakt", Cell(None, True)),
        Bar("Bereikt & meer", Cell(36)))),), "Stap")


def test_bar_chart_is_accessible_svg_without_style() -> None:
    svg = str(_bars().svg("#1f4e79"))
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.get("id") == root.get("aria-labelledby")
    assert title.text is not None and title.text.startswith("Trechter <test>")
    assert "style=" not in svg
    widths = [float(r.get("width", "0")) for r in root.iter(f"{SVG}rect")]
    assert len(widths) == 2  # no bar for the withheld cell
    assert widths[0] == pytest.approx(2.5 * widths[1])  # 90 against 36
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<10 (afgeschermd)" in texts and "Bereikt & meer" in texts


def test_line_chart_breaks_at_withheld_months() -> None:
    months = ("jan", "feb", "mrt", "apr")
    chart = Chart("trend", "Trend", "lijn", "aantal", (
        Line("Signalen", tuple(Bar(m, c) for m, c in zip(months, (
            Cell(20), Cell(30), Cell(None, True), Cell(40)), strict=True))),), "Maand")
    root = ET.fromstring(str(chart.svg("#1f4e79")))
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 1 and len(lines[0].get("points", "").split()) == 2  # jan-feb only
    assert len(list(root.iter(f"{SVG}circle"))) == 3
    assert "<10" in [t.text for t in root.iter(f"{SVG}text")]


def test_chart_table_holds_the_same_cells() -> None:
    table = _bars().table
    assert table.columns == ("Aantal",)
    assert [(r.label, r.cells[0].text) for r in table.rows] == [
        ("Signalen", "90"), ("Opgepakt", "<10"), ("Bereikt & meer", "36")]


@pytest.mark.parametrize(("jaar", "maand", "soort"), [
    (1999, 0, ""), (2026, 13, ""), (2026, -1, ""), (2026, 0, "Bank")])
def test_filter_refuses_what_is_not_a_period_or_a_kind_of_creditor(
        jaar: int, maand: int, soort: str) -> None:
    with pytest.raises(InvalidFilter):
        Filter(jaar, maand, soort)


def test_filter_names_its_period() -> None:
    assert Filter(2026, 3).period == "maart 2026"
    assert Filter(2026).period == "2026"
    assert Filter(2026, 3, "Zorg").slug == "2026-03-zorg"
