# SPDX-License-Identifier: EUPL-1.2
"""An Excel workbook becomes the contract's CSV as the creditor typed it (batch/excel.py):
dates without time, whole numbers without .0, TRUE/FALSE as true/false, empty cells empty;
a broken file is refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from batch.excel import WorkbookUnreadable, cell_text, xlsx_to_csv


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (True, "true"), (False, "false"), (850, "850"), (850.0, "850"),
     (12.5, "12.5"), (dt.datetime(2026, 11, 25), "2026-11-25"),
     (dt.datetime(2026, 11, 25, 13, 5), "2026-11-25T13:05:00"), (dt.date(2026, 1, 2), "2026-01-02"),
     ("3511 AB", "3511 AB")],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_first_sheet_becomes_csv_with_the_header_width(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["signaalId", "bedrag", "crisissignaal", None])
    sheet.append(["S-1", 1250, True, "extra"])
    sheet.append(["S-2", 99.0, False])
    sheet.append([None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)

    rows = xlsx_to_csv(buffer.getvalue(), tmp_path / "out.csv")

    assert rows == 3
    written = list(csv.reader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert written == [["signaalId", "bedrag", "crisissignaal"], ["S-1", "1250", "true"],
                       ["S-2", "99", "false"]]


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkbookUnreadable):
        xlsx_to_csv(b"signaalId,bedrag\nS-1,12\n", tmp_path / "out.csv")
