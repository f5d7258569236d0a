# SPDX-License-Identifier: EUPL-1.2
"""Property tests for the file readers (Hypothesis): for any file a creditor system could
produce, every physical line is a header, a record, a continuation line or a blank line
(issue 9: every line accounted for), every record is read or refused with a code, and no
code carries anything of the file. The same through the pipeline and the batch report:
tests/integration/test_reader_pipeline_properties.py."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from tests.property_files import MARK, csv_file, jsonl_file
from vroegsignaal.contract.io import FileRefused, read_records


def _read(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"levering{suffix}"
        path.write_bytes(data)
        file = read_records(path)
        try:
            records = list(file)
        except FileRefused as refused:
            assert MARK not in refused.detail
            assert file.counts.records == 0
            assert file.counts.regels == len(data.splitlines())
            return
    c = file.counts
    assert c.regels == len(data.splitlines())
    assert c.kopregels + len(records) + c.leeg + c.vervolgregels == c.regels
    assert c.records == len(records)
    lines = [r.positie for r in records]
    assert lines == sorted(set(lines)) and all(1 <= n <= c.regels for n in lines)
    for r in records:
        assert (r.data is None) == (r.fout is not None)
        assert r.fout is None or (r.fout.isupper() and MARK not in r.fout)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=csv_file())
def test_every_csv_line_is_accounted_for(data: bytes) -> None:
    _read(data, ".csv")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=jsonl_file())
def test_every_jsonl_line_is_accounted_for(data: bytes) -> None:
    _read(data, ".jsonl")
