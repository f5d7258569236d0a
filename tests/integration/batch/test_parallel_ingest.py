# SPDX-License-Identifier: EUPL-1.2
"""A file taken in by several workers (`ingest_file_parallel`, one address partition each,
decided by the reader as soon as it has the address) gives what one process gives: the
same line counts (reported once, by partition 0), every refusal once (the lines that
could not be read by partition 0), the same rows stored, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import create_engine, func, select

from batch.files import ingest_file, ingest_file_parallel
from tests.factories import signaal
from vroegsignaal.contract.io import write_csv
from vroegsignaal.intake.result import IntakeTotals
from vroegsignaal.storage.db import session_scope
from vroegsignaal.storage.seed import prepare_database
from vroegsignaal.storage.tables import IntakeWeigering, Signaal

pytestmark = pytest.mark.integration

DAY = dt.date(2026, 3, 12)
SPELLINGS = [("3511 AB", "12", None), ("3511ab", "12A", None), ("3511 AB", "12", "A-2"),
             ("3511AB", "12 hs", None)]


def _messages() -> list[dict[str, Any]]:
    out = [
        signaal(signaalId=f"P-{n}", klantreferentie=f"K-{n}", client__huisnummer=str(1 + n % 37),
                client__postcode=f"35{n % 90 + 10} AB")
        for n in range(120)
    ]
    for n, (postcode, number, addition) in enumerate(SPELLINGS):  # one household, 4 creditors
        out.append(signaal(signaalId=f"S-{n}", klantreferentie=f"KS-{n}",
                           schuldeiser=("WBV-TEST", "ZV-PROEF", "EN-PROEF", "WBV-TEST")[n],
                           client__postcode=postcode, client__huisnummer=number,
                           client__huisnummertoevoeging=addition))
    out[7]["bedrag"] = "veel"  # refused by the contract, in whichever worker it lands
    out[8]["schuldeiser"] = "ANDER-BEDRIJF"  # another sender than the file's
    del out[9]["client"]["postcode"]  # no address: partition 0
    return out


def _jsonl(path: Path) -> Path:
    lines = [orjson.dumps(m) for m in _messages()]
    lines[20:20] = [b"{kapot", b"[1, 2]", b"", b"   ", b"\xef\xbb\xbf", b'{"a": "\xff"}',
                    b'{"opmerking": "' + b"x" * 70_000 + b'"}', b'{"a": "\\ud800"}']
    lines[40] = b"\xef\xbb\xbf" + lines[40]  # a BOM before a record is skipped
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _csv(path: Path) -> Path:
    write_csv(path, _messages())
    lines = path.read_bytes().split(b"\n")
    lines[30:30] = [b"", b",,,,", b'"kapot,1', b"kort,1", b"\xff,1", b"x" * 70_000]
    path.write_bytes(b"\n".join(lines))
    return path


def _ingest(url: str, path: Path, workers: int, refuse: dict[int, str]) -> IntakeTotals:
    args: dict[str, Any] = {"source": "test", "batch_size": 17, "ontvangen_op": DAY,
                            "refuse": refuse, "afzender": "WBV-TEST"}
    if workers > 1:
        return ingest_file_parallel(path, database_url=url, workers=workers, **args)
    with session_scope(url) as session:
        return ingest_file(path, session=session, **args)


def _stored(url: str) -> tuple[list[Any], list[Any]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        signals = sorted(conn.execute(select(Signaal.signaal_id, Signaal.schuldeiser)).all())
        refusals = conn.scalar(select(func.count()).select_from(IntakeWeigering))
    engine.dispose()
    return signals, [refusals]


@pytest.mark.parametrize("make", [_jsonl, _csv], ids=["jsonl", "csv"])
def test_workers_give_what_one_process_gives(
    make: Callable[[Path], Path], tmp_path: Path, new_postgres_database: Callable[[], str]
) -> None:
    path = make(tmp_path / f"levering.{make.__name__[1:]}")
    refuse = {3: "BATCHVALIDATIE:proef", 50: "BATCHVALIDATIE:proef"}  # the batch door's
    results = {}
    for workers in (1, 2, 3):
        url = new_postgres_database()
        prepare_database(url)
        totals = _ingest(url, path, workers, refuse)
        results[workers] = (
            totals.ontvangen, dict(totals.per_reden), dict(totals.regels),
            totals.geweigerde_regels, totals.bestand_geweigerd, _stored(url),
        )
    assert results[2] == results[1] and results[3] == results[1]
    ontvangen, per_reden, regels, refused, _, (signals, _) = results[1]
    assert ontvangen == regels["records"] > 120
    assert regels["regels"] == len(path.read_bytes().splitlines())
    assert per_reden.get("ANDERE_SCHULDEISER", 0) >= 1 and len(signals) >= 100
    assert {r["regel"] for r in refused} >= {3, 50}
