# SPDX-License-Identifier: EUPL-1.2
"""Downloads of KPI tables: CSV (one table) and Excel (one sheet per table, openpyxl).

They take the view models of vroegsignaal/kpi/views.py, which hold only published cells:
a withheld cell is written as "<10", never as its value. The API and the dashboard both
call these functions.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from vroegsignaal.kpi.views import WITHHELD, KpiTable, Overview

NOTE = ("Cellen met minder dan 10 huishoudens en de cellen die nodig zijn om ze te "
        "beschermen zijn weggelaten ('<10').")


def to_csv(table: KpiTable) -> str:
    """The table as CSV text (comma-separated, header row first; UTF-8 when encoded)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([table.row_header, *table.columns])
    for row in table.rows:
        writer.writerow([row.label, *(c.text for c in row.cells)])
    return out.getvalue()


def to_xlsx(tables: Sequence[KpiTable], *, title: str = "") -> bytes:
    """An Excel workbook (.xlsx bytes) with one sheet per table, numbers as numbers."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for t in tables:
        sheet = book.create_sheet(_sheet_name(t.key, used))
        sheet.append([title or t.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append([NOTE])
        sheet.append([t.row_header, *t.columns])
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in t.rows:
            sheet.append([row.label, *(WITHHELD if c.withheld else c.value for c in row.cells)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def overview_xlsx(overview: Overview) -> bytes:
    """Every table of an overview in one workbook."""
    return to_xlsx(overview.tables)


def _sheet_name(key: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", key)[:28]
    name, i = base, 1
    while name in used:
        i += 1
        name = f"{base[:25]}_{i}"
    used.add(name)
    return name
