# SPDX-License-Identifier: EUPL-1.2
"""Property tests (Hypothesis) for the file readers through the pipeline and the batch
report: for any generated CSV or JSONL file, stored + refused + already received equals
the records in it, the lines add up, and no cell content appears in refusal records,
batch rows, the summary, the report or the logs (issue 9, "What it must show").

The pipeline runs on SQLite (the embedded default), one database for all examples: an id
drawn twice is a replay or a conflict, which the sum counts too."""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings

from tests.property_files import MARK, csv_file, jsonl_file
from vroegsignaal.storage.db import session_scope
from vroegsignaal.storage.seed import prepare_database

pytestmark = pytest.mark.integration


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('eigenschappen')}/v.sqlite3"
    prepare_database(url)
    return url


@pytest.fixture(scope="module")
def logs() -> Iterator[_Lines]:
    handler = _Lines()
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old)


def _ingest(url: str, data: bytes, suffix: str, logs: _Lines) -> None:
    from batch.files import ingest_file

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"levering{suffix}"
        path.write_bytes(data)
        with session_scope(url) as session:
            totals = ingest_file(path, session=session, source="bestand", batch_size=7)
    summary = totals.as_dict()
    lines = summary["regels"]
    assert lines["regels"] == len(data.splitlines())
    if summary["bestand_geweigerd"]:
        assert summary["ontvangen"] == 0
    else:
        assert lines["records"] == summary["ontvangen"]
        assert summary["opgeslagen"] + summary["geweigerd"] + summary["al_ontvangen"] == (
            lines["records"])
        assert (lines["kopregels"] + lines["records"] + lines["genegeerd_leeg"]
                + lines["vervolgregels"]) == lines["regels"]
    assert MARK not in json.dumps(summary)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as c:
        for table in ("intake_weigering", "intake_batch"):
            dump = json.dumps([dict(r) for r in c.execute(
                sa.text(f"SELECT * FROM {table}")).mappings()], default=str)
            assert MARK not in dump, table
    engine.dispose()
    assert not [line for line in logs.lines if MARK in line]


_SETTINGS = settings(max_examples=40, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow,
                                            HealthCheck.function_scoped_fixture])


@_SETTINGS
@given(data=csv_file())
def test_csv_files_through_the_pipeline(database: str, logs: _Lines, data: bytes) -> None:
    _ingest(database, data, ".csv", logs)


@_SETTINGS
@given(data=jsonl_file())
def test_jsonl_files_through_the_pipeline(database: str, logs: _Lines, data: bytes) -> None:
    _ingest(database, data, ".jsonl", logs)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=csv_file())
def test_the_batch_report_holds_no_cell(logs: _Lines, data: bytes) -> None:
    """The validation report of any file: its counts add up, and nothing of a cell is in it."""
    from batch.report import build_report, render_markdown
    from batch.rule import decide
    from batch.validation import validate_file

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "levering.csv"
        path.write_bytes(data)
        validation = validate_file(path, suite="batch_intake_signalen",
                                   parameters={"schuldeisers": ["WBV-TEST"]})
    verdict = decide(validation, max_invalid_fraction=0.01)
    report = build_report(validation, verdict, bestand="levering.csv", schuldeiser="WBV-TEST",
                          run="r")
    text = json.dumps(report) + render_markdown(report)
    assert MARK not in text
    lines = report["regels_in_bestand"]
    assert lines["regels"] == len(data.splitlines())
    if not lines["bestand_geweigerd"]:
        assert report["regels"] == lines["records"]
    assert not [line for line in logs.lines if MARK in line]
