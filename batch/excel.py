# SPDX-License-Identifier: EUPL-1.2
"""An Excel workbook (.xlsx) as the contract's flat CSV, for the creditor upload page.

Small landlords keep their arrears in a spreadsheet. The first sheet, first row holding
the contract's column names (docs/contract.md, "CSV"), is written out as the CSV the
file door reads, so the same reader, GX suite and intake judge it; nothing is checked
here. Cells become text the way the contract writes values:

- empty: an empty cell (an absent field);
- a date (Excel stores dates as date-times): `2026-11-25` when the time is midnight,
  else the full ISO date-time, which the contract refuses as a date;
- a whole number, also one Excel keeps as 850.0: `850`; any other number as Python
  writes it (`12.5`), which the contract refuses as an amount;
- TRUE/FALSE: `true`/`false`;
- text: as it is.

Excel drops leading zeros from numbers: a phone number typed as a number loses its 0
(the upload page says to format such columns as text).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from vroegsignaal.errors import VroegsignaalError

MAX_ROWS = 100_000


class WorkbookUnreadable(VroegsignaalError):
    code = "EXCEL_ONLEESBAAR"
    title = "Het Excel-bestand kan niet worden gelezen"


def cell_text(value: Any) -> str:
    """One cell as contract text (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_to_csv(data: bytes, target: Path) -> int:
    """Write the first sheet of workbook `data` as CSV to `target`; the rows written
    (header included). Trailing empty rows are left out. Raises WorkbookUnreadable."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise WorkbookUnreadable("geen geldig .xlsx-bestand") from exc
    try:
        sheet = book.worksheets[0]
        rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    while rows and not any(rows[-1]):
        rows.pop()
    if len(rows) > MAX_ROWS + 1:
        raise WorkbookUnreadable(f"meer dan {MAX_ROWS} regels")
    width = len(rows[0]) if rows else 0  # the header's, without its empty cells at the end
    while width and not rows[0][width - 1]:
        width -= 1
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        for row in rows:
            writer.writerow(row[:width] + [""] * (width - len(row)))
    return len(rows)
