# SPDX-License-Identifier: EUPL-1.2
"""Charts of published KPI cells as accessible SVG, drawn on the server.

Why our own ~150 lines rather than a chart library: the pages' Content Security Policy
allows no inline script or style, the PDF report (WeasyPrint) runs no JavaScript, and the
charts needed are two kinds (horizontal bars, a line per month). A JavaScript library
vendored from npm would draw nothing in the PDF or without JavaScript; a Python plotting
library (matplotlib) would add ~40 MB for the same two shapes. Every value is set as an
SVG presentation attribute (never `style=`), so the CSP holds.

Every chart has its table (`Chart.table`): the page shows it next to the chart for
screen readers and keyboard users, and the downloads write it. A withheld cell is drawn
as no bar or a gap and labelled "<10" (vroegsignaal/kpi/views.py `WITHHELD`); its value
never reaches this module.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from vroegsignaal.kpi.views import WITHHELD, Cell, KpiTable, Row

INK = "#1a1a1a"  # text and axes: 16:1 on white
GRID = "#767676"  # 4.5:1 on white
SECOND = "#4b4b4b"  # the second line of a line chart, dashed
WIDTH = 640


@dataclass(frozen=True, slots=True)
class Bar:
    """One labelled value of a chart; `cell.withheld` for a protected one."""

    label: str
    cell: Cell


@dataclass(frozen=True, slots=True)
class Line:
    """One labelled series of bars in a chart."""

    label: str
    points: tuple[Bar, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """A bar chart (`lines` of one) or a line chart (one or two lines over the months).
    `unit` is "aantal" or "%"."""

    key: str
    title: str
    kind: str  # "staaf" or "lijn"
    unit: str
    lines: tuple[Line, ...]
    row_header: str

    @property
    def table(self) -> KpiTable:
        """The chart's values as a table: one row per bar or month, one column per line."""
        labels = [p.label for p in self.lines[0].points]
        rows = tuple(Row(label, tuple(line.points[i].cell for line in self.lines))
                     for i, label in enumerate(labels))
        unit = " (%)" if self.unit == "%" else ""
        return KpiTable(self.key, self.title, self.row_header,
                        tuple(line.label + unit for line in self.lines), rows)

    @property
    def empty(self) -> bool:
        """True when no bar has a value or a withheld mark: nothing to draw."""
        return all(p.cell.value is None and not p.cell.withheld
                   for line in self.lines for p in line.points)

    def svg(self, colour: str, id_prefix: str = "grafiek") -> Markup:
        """The chart as an inline <svg> (role img, named by its title) in `colour`."""
        return _bars(self, colour, id_prefix) if self.kind == "staaf" else _lines(
            self, colour, id_prefix)


def _text(value: Cell, unit: str) -> str:
    if value.withheld:
        return f"{WITHHELD} (afgeschermd)"
    if value.value is None:
        return "geen gegevens"
    number = f"{value.value:g}".replace(".", ",")
    return f"{number}%" if unit == "%" else f"{value.value:,.0f}".replace(",", ".")


def _top(values: Sequence[float], unit: str) -> float:
    """A round top for the axis: 100 for shares, else 1, 2 or 5 times a power of ten."""
    if unit == "%":
        return 100.0
    high = max(values, default=0.0) or 1.0
    power = 10.0 ** math.floor(math.log10(high))
    return next(float(f * power) for f in (1, 2, 5, 10) if f * power >= high)


def _open(chart: Chart, height: int, id_prefix: str) -> list[str]:
    title_id = f"{id_prefix}-{chart.key}-titel"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="vs-grafiek" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{title_id}" focusable="false">',
        f'<title id="{title_id}">{escape(chart.title)}; de waarden staan in de tabel '
        f'hieronder</title>',
    ]


def _bars(chart: Chart, colour: str, id_prefix: str) -> Markup:
    points = chart.lines[0].points
    row, label_w, value_w = 28, 210, 150
    height = row * len(points) + 8
    bar_w = WIDTH - label_w - value_w
    top = _top([p.cell.value or 0 for p in points], chart.unit)
    out = _open(chart, height, id_prefix)
    for i, p in enumerate(points):
        y = 4 + i * row
        out.append(f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" '
                   f'font-size="13" fill="{INK}">{escape(p.label)}</text>')
        width = 0.0 if p.cell.value is None else bar_w * p.cell.value / top
        if width:
            out.append(f'<rect x="{label_w}" y="{y + 4}" width="{width:.1f}" height="{row - 8}" '
                       f'fill="{colour}"/>')
        out.append(f'<text x="{label_w + width + 6:.1f}" y="{y + 18}" font-size="13" '
                   f'fill="{INK}">{escape(_text(p.cell, chart.unit))}</text>')
    out.append(f'<line x1="{label_w}" y1="2" x2="{label_w}" y2="{height - 2}" '
               f'stroke="{INK}" stroke-width="1"/>')
    out.append("</svg>")
    return Markup("".join(out))


def _lines(chart: Chart, colour: str, id_prefix: str) -> Markup:
    height, left, right, top_m, bottom = 260, 56, 16, 16, 64
    plot_w, plot_h = WIDTH - left - right, height - top_m - bottom
    months = [p.label for p in chart.lines[0].points]
    step = plot_w / max(len(months) - 1, 1)
    top = _top([p.cell.value or 0 for line in chart.lines for p in line.points], chart.unit)
    out = _open(chart, height, id_prefix)
    for k in range(5):  # horizontal grid with its values
        value = top * k / 4
        y = top_m + plot_h - plot_h * k / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" '
                   f'stroke="{GRID}" stroke-width="0.5"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
                   f'fill="{INK}">{escape(_text(Cell(value), chart.unit))}</text>')
    for i, month in enumerate(months):
        x = left + i * step
        out.append(f'<text x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                   f'font-size="12" fill="{INK}">{escape(month)}</text>')
        if any(line.points[i].cell.withheld for line in chart.lines):
            out.append(f'<text x="{x:.1f}" y="{height - bottom + 34}" text-anchor="middle" '
                       f'font-size="11" fill="{INK}">{escape(WITHHELD)}</text>')
    for n, line in enumerate(chart.lines):
        stroke = colour if n == 0 else SECOND
        dash = "" if n == 0 else ' stroke-dasharray="6 4"'
        segment: list[str] = []
        for i, p in enumerate([*line.points, Bar("", Cell(None))]):
            if p.cell.value is None:  # a gap: withheld or empty
                if len(segment) > 1:
                    out.append(f'<polyline points="{" ".join(segment)}" fill="none" '
                               f'stroke="{stroke}" stroke-width="2.5"{dash}/>')
                segment = []
                continue
            x = left + i * step
            y = top_m + plot_h - plot_h * p.cell.value / top
            segment.append(f"{x:.1f},{y:.1f}")
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{stroke}"/>')
        key_x = left + n * 220
        out.append(f'<line x1="{key_x}" y1="{height - 12}" x2="{key_x + 24}" y2="{height - 12}" '
                   f'stroke="{stroke}" stroke-width="2.5"{dash}/>')
        out.append(f'<text x="{key_x + 30}" y="{height - 8}" font-size="12" '
                   f'fill="{INK}">{escape(line.label)}</text>')
    out.append("</svg>")
    return Markup("".join(out))
