# SPDX-License-Identifier: EUPL-1.2
"""Signal files: JSONL and flat CSV round trips, error records without line content."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import orjson
import pytest
from pydantic import ValidationError

from synthetic import generate_signals
from tests.factories import signaal
from vroegsignaal.contract.io import (
    CSV_COLUMNS,
    GEEN_OBJECT,
    ONGELDIGE_CSV_RIJ,
    ONGELDIGE_JSON,
    ONGELDIGE_TEKENCODERING,
    RawInput,
    iter_batches,
    read_records,
    write_csv,
    write_jsonl,
)
from vroegsignaal.contract.signaal import CLIENT_FIELDS, TOP_LEVEL_FIELDS, SignaalBericht


@pytest.fixture(scope="module")
def messages() -> list[dict[str, Any]]:
    return list(generate_signals(gemeenten=["GM0193"], start=dt.date(2024, 1, 1), months=6, seed=4))


def _data(records: list[RawInput]) -> list[dict[str, Any] | None]:
    return [r.data for r in records]


def test_jsonl_round_trip(tmp_path: Path, messages: list[dict[str, Any]]) -> None:
    path = tmp_path / "signalen.jsonl"
    assert write_jsonl(path, iter(messages)) == len(messages)
    records = list(read_records(path))
    assert _data(records) == messages
    assert [r.positie for r in records] == list(range(1, len(messages) + 1))
    assert all(r.fout is None for r in records)


def test_jsonl_writes_dates_as_iso_strings(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    write_jsonl(path, [{"signaaldatum": dt.date(2024, 3, 1)}])
    assert next(read_records(path)).data == {"signaaldatum": "2024-03-01"}


def test_csv_round_trip(tmp_path: Path, messages: list[dict[str, Any]]) -> None:
    path = tmp_path / "signalen.csv"
    assert write_csv(path, iter(messages)) == len(messages)
    records = list(read_records(path))
    assert _data(records) == [_as_read_from_csv(m) for m in messages]
    assert [r.positie for r in records] == list(range(2, len(messages) + 2))  # 1 is the header


def test_csv_header_is_the_contract_then_unknown_columns(
    tmp_path: Path, messages: list[dict[str, Any]]
) -> None:
    assert any(_has_unknown(m) for m in messages)
    streamed, listed, named = (tmp_path / f"{n}.csv" for n in ("a", "b", "c"))
    write_csv(streamed, iter(messages))  # unknown keys show up late: header rewritten once
    write_csv(listed, messages)
    write_csv(named, iter(messages), extra_columns=("bsn", "opmerking", "dossierstatus"))
    header = streamed.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[: len(CSV_COLUMNS)] == list(CSV_COLUMNS)
    assert set(header[len(CSV_COLUMNS) :]) <= {"bsn", "opmerking", "dossierstatus"}
    assert streamed.read_bytes() == listed.read_bytes()
    assert _data(list(read_records(named))) == _data(list(read_records(streamed)))
    assert not list(tmp_path.glob("*.tmp"))


def test_csv_records_validate_like_jsonl_ones(
    tmp_path: Path, messages: list[dict[str, Any]]
) -> None:
    path = tmp_path / "signalen.csv"
    write_csv(path, messages)
    for rec, msg in zip(read_records(path), messages, strict=True):
        assert _validates(rec.data) == _validates(msg)


def test_bad_json_line_gives_an_error_record_without_content(tmp_path: Path) -> None:
    path = tmp_path / "kapot.jsonl"
    good = signaal()
    path.write_bytes(
        b'{"signaalId": "A-1", "client": {"achternaam": "Jansen"\n'  # truncated object
        + b"\n"  # blank line: skipped, but counted
        + b'["Jansen", "3511 AB"]\n'  # valid JSON, not an object
        + b'{"achternaam": "Jans\xffen"}\n'  # invalid UTF-8
        + _jsonl(good)
    )
    records = list(read_records(path))
    assert [(r.positie, r.data, r.fout) for r in records[:3]] == [
        (1, None, ONGELDIGE_JSON),
        (3, None, GEEN_OBJECT),
        (4, None, ONGELDIGE_JSON),
    ]
    assert records[3] == RawInput(5, good, None)
    for r in records[:3]:
        assert r.fout is not None and "Jans" not in r.fout and "3511" not in r.fout


def test_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + _jsonl({"a": 1}))
    assert next(read_records(path)).data == {"a": 1}
    csv_path = tmp_path / "bom.csv"
    csv_path.write_bytes(b"\xef\xbb\xbfsignaalId,achternaam\nX-1,Jansen\n")
    assert next(read_records(csv_path)).data == {
        "signaalId": "X-1",
        "client": {"achternaam": "Jansen"},
    }


def test_csv_cells_empty_typed_and_unknown(tmp_path: Path) -> None:
    path = tmp_path / "plat.csv"
    path.write_text(
        "signaalId,bedrag,crisissignaal,bezwaar,postcode,huisnummertoevoeging,bsn\n"
        "A-1,250,true,FALSE,3511 AB,,123456789\n"
        "A-2,12.50,ja,false,,  ,\n"
        "A-3,-5,false,false,3511AB,b\n"  # one cell short
        'A-4,"1,5",false,false,3511 AB,,\n',
        encoding="utf-8",
    )
    records = list(read_records(path))
    assert records[0] == RawInput(
        2,
        {
            "signaalId": "A-1",
            "bedrag": 250,
            "crisissignaal": True,
            "bezwaar": False,
            "bsn": "123456789",  # unknown column: kept for the privacy filter to drop
            "client": {"postcode": "3511 AB"},
        },
        None,
    )
    # Non-integer amounts and unknown booleans stay text, so validation refuses them.
    assert records[1].data == {
        "signaalId": "A-2",
        "bedrag": "12.50",
        "crisissignaal": "ja",
        "bezwaar": False,
    }
    assert records[2] == RawInput(4, None, ONGELDIGE_CSV_RIJ)
    assert records[3].data is not None and records[3].data["bedrag"] == "1,5"


def test_csv_bad_bytes_spoil_one_row_only(tmp_path: Path) -> None:
    path = tmp_path / "bytes.csv"
    path.write_bytes(b"signaalId,achternaam\nA-1,Jans\xffen\nA-2,Smit\n")
    records = list(read_records(path))
    assert records[0] == RawInput(2, None, ONGELDIGE_TEKENCODERING)
    assert records[1].data == {"signaalId": "A-2", "client": {"achternaam": "Smit"}}


def test_csv_quoted_newline_keeps_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "nl.csv"
    path.write_text('signaalId,opmerking\nA-1,"twee\nregels"\nA-2,x\n', encoding="utf-8")
    assert [(r.positie, r.data) for r in read_records(path)] == [
        (2, {"signaalId": "A-1", "opmerking": "twee\nregels"}),
        (4, {"signaalId": "A-2", "opmerking": "x"}),
    ]


def test_empty_files(tmp_path: Path) -> None:
    for name in ("leeg.jsonl", "leeg.csv"):
        (tmp_path / name).write_bytes(b"")
        assert list(read_records(tmp_path / name)) == []


def test_unsupported_suffix(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        read_records(tmp_path / "signalen.xml")


def test_iter_batches() -> None:
    records = [RawInput(i, {}, None) for i in range(1, 8)]
    batches = list(iter_batches(iter(records), 3))
    assert [len(b) for b in batches] == [3, 3, 1]
    assert [r for b in batches for r in b] == records
    assert list(iter_batches([], 3)) == []
    with pytest.raises(ValueError):
        list(iter_batches(records, 0))


def test_reading_streams(tmp_path: Path) -> None:
    path = tmp_path / "groot.jsonl"
    write_jsonl(path, ({"signaalId": f"A-{i}"} for i in range(10_000)))
    it = read_records(path)
    assert next(it).positie == 1  # lazy: a record arrives before the file is consumed
    assert sum(1 for _ in it) == 9_999


def _jsonl(obj: dict[str, Any]) -> bytes:
    return orjson.dumps(obj) + b"\n"


def _as_read_from_csv(msg: dict[str, Any]) -> dict[str, Any]:
    """What a message looks like after a CSV round trip: flat unknowns, text decimals."""
    out = {k: v for k, v in msg.items() if k != "client"}
    client = {}
    for key, value in msg.get("client", {}).items():
        if key in CLIENT_FIELDS:
            client[key] = value
        else:
            out[key] = value
    if isinstance(out.get("bedrag"), float):
        out["bedrag"] = str(out["bedrag"])
    if client:
        out["client"] = client
    return out


def _has_unknown(msg: dict[str, Any]) -> bool:
    return bool(set(msg) - TOP_LEVEL_FIELDS or set(msg.get("client", {})) - CLIENT_FIELDS)


def _validates(data: dict[str, Any] | None) -> bool:
    try:
        SignaalBericht.model_validate(data)
    except ValidationError:
        return False
    return True
