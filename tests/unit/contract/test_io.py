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
    GEEN_UTF8,
    ONGELDIGE_CSV_RIJ,
    ONGELDIGE_JSON,
    FileRefused,
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
    assert next(iter(read_records(path))).data == {"signaaldatum": "2024-03-01"}


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
        (4, None, GEEN_UTF8),  # the bytes are not UTF-8: said so, as at every door
    ]
    assert records[3] == RawInput(5, good, None)
    for r in records[:3]:
        assert r.fout is not None and "Jans" not in r.fout and "3511" not in r.fout


def test_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + _jsonl({"a": 1}))
    assert next(iter(read_records(path))).data == {"a": 1}
    csv_path = tmp_path / "bom.csv"
    csv_path.write_bytes(b"\xef\xbb\xbf" + _header() + b"\n" + _row(signaalId="X-1") + b"\n")
    record = next(iter(read_records(csv_path)))
    assert record.data is not None and record.data["signaalId"] == "X-1"


def test_csv_cells_empty_typed_and_unknown(tmp_path: Path) -> None:
    path = tmp_path / "plat.csv"
    path.write_bytes(
        _header("bsn") + b"\n"
        + _row(bedrag="250", crisissignaal="true", bezwaar="FALSE", huisnummertoevoeging="",
               extra=["123456789"]) + b"\n"
        + _row(bedrag="12.50", crisissignaal="ja", bezwaar="false", postcode="",
               huisnummertoevoeging="  ", extra=[""]) + b"\n"
        + b"A-3,-5,false\n"  # too few cells
        + _row(bedrag='"1,5"', extra=[""]) + b"\n"
    )
    records = list(read_records(path))
    first = records[0].data
    assert first is not None and records[0].positie == 2
    assert (first["bedrag"], first["crisissignaal"], first["bezwaar"]) == (250, True, False)
    assert first["bsn"] == "123456789"  # unknown column: kept for the privacy filter to drop
    assert "huisnummertoevoeging" not in first["client"]  # empty cell: absent
    # Non-canonical amounts and unknown booleans stay text, so the contract refuses them.
    second = records[1].data
    assert second is not None
    assert (second["bedrag"], second["crisissignaal"]) == ("12.50", "ja")
    assert "postcode" not in second["client"] and "huisnummertoevoeging" not in second["client"]
    assert records[2] == RawInput(4, None, ONGELDIGE_CSV_RIJ)
    assert records[3].data is not None and records[3].data["bedrag"] == "1,5"


def test_csv_bad_bytes_spoil_one_row_only(tmp_path: Path) -> None:
    path = tmp_path / "bytes.csv"
    path.write_bytes(
        _header() + b"\n"
        + _row(achternaam="Jans\udcffen") + b"\n"  # a raw 0xff byte
        + _row(signaalId="A-2") + b"\n"
    )
    records = list(read_records(path))
    assert records[0] == RawInput(2, None, GEEN_UTF8)
    assert records[1].data is not None and records[1].data["signaalId"] == "A-2"


def test_csv_quoted_newline_keeps_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "nl.csv"
    path.write_bytes(
        _header("opmerking") + b"\n"
        + _row(signaalId="A-1", extra=['"twee\nregels"']) + b"\n"
        + _row(signaalId="A-2", extra=["x"]) + b"\n"
    )
    file = read_records(path)
    records = [(r.positie, r.data["signaalId"], r.data["opmerking"]) for r in file if r.data]
    assert records == [(2, "A-1", "twee\nregels"), (4, "A-2", "x")]
    assert (file.counts.regels, file.counts.vervolgregels, file.counts.records) == (4, 1, 2)


def test_empty_files(tmp_path: Path) -> None:
    (tmp_path / "leeg.jsonl").write_bytes(b"")
    assert list(read_records(tmp_path / "leeg.jsonl")) == []
    (tmp_path / "leeg.csv").write_bytes(b"")
    with pytest.raises(FileRefused) as refused:
        list(read_records(tmp_path / "leeg.csv"))
    assert refused.value.code == "LEEG_BESTAND"


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
    it = iter(read_records(path))
    assert next(it).positie == 1  # lazy: a record arrives before the file is consumed
    assert sum(1 for _ in it) == 9_999


def _jsonl(obj: dict[str, Any]) -> bytes:
    return orjson.dumps(obj) + b"\n"


def _header(*extra: str) -> bytes:
    return ",".join((*CSV_COLUMNS, *extra)).encode()


def _row(extra: list[str] | tuple[str, ...] = (), **cells: str) -> bytes:
    """A valid flat CSV row of the factory message, cells replaced as given (raw text)."""
    flat = _as_read_from_csv(signaal())
    values = {**{k: v for k, v in flat.items() if k != "client"}, **flat["client"]}
    text = {k: "true" if v is True else "false" if v is False else str(v)
            for k, v in values.items()}
    text.update(cells)
    return ",".join([*(text.get(c, "") for c in CSV_COLUMNS), *extra]).encode("utf-8",
                                                                            "surrogateescape")


def _as_read_from_csv(msg: dict[str, Any]) -> dict[str, Any]:
    """What a message looks like after a CSV round trip: flat unknowns, text decimals."""
    out = {k: v for k, v in msg.items() if k != "client"}
    client = {}
    for key, value in msg.get("client", {}).items():
        if key in CLIENT_FIELDS:
            client[key] = value
        else:
            out[key] = value
    bedrag = out.get("bedrag")
    if isinstance(bedrag, float) or (isinstance(bedrag, int) and bedrag < 0):
        out["bedrag"] = str(bedrag)  # not canonical digits: stays text (csvfile.convert_cell)
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
