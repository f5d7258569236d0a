# SPDX-License-Identifier: EUPL-1.2
"""The CSV reader's shortcut for a line without quotes (contract/csvfile.py `_parse_line`)
reads every line as the csv module does."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vroegsignaal.contract.csvfile import CsvRecords

# The characters the csv module treats specially, and some it does not.
_CHARS = st.sampled_from([",", '"', "\r", " ", "\t", "a", "É", "1", "\x00", "\u2028", "\x85", ";"])
_ENDINGS = st.sampled_from(["\n", "\r\n", "", "\r", "\r\r\n"])


@pytest.fixture(scope="module")
def reader() -> CsvRecords:
    return CsvRecords(Path("levering.csv"))


@settings(max_examples=2000, deadline=None)
@given(body=st.text(_CHARS, max_size=12), ending=_ENDINGS)
def test_a_line_reads_as_the_csv_module_reads_it(
    reader: CsvRecords, body: str, ending: str
) -> None:
    text = body + ending
    assert reader._parse_line(text) == reader._parse([text])


@pytest.mark.parametrize(
    "text", ["1.0,P-1,,3511 AB,\n", "\n", "\r\n", " \n", ",,,\r\n", "a,b", "a\rb\n", 'a,"b"\n',
             '"a\n', "a,b\r\r\n", "a\x00b,c\n"],
)
def test_known_lines(reader: CsvRecords, text: str) -> None:
    assert reader._parse_line(text) == reader._parse([text])
