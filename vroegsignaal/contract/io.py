# SPDX-License-Identifier: EUPL-1.2
"""Read and write signal files in the contract format (JSONL and flat CSV).

Reading streams: one record at a time, constant memory. A JSONL line is decoded like any
message at any door (contract/decode.py); a CSV file is read by contract/csvfile.py.
Validation against the contract and dropping unknown fields are later pipeline steps, so
every key and column that arrives is passed on untouched. `read_records` counts every
physical line (contract/lines.py): the records it yields, the blank lines it ignores, the
header. Error codes never contain any content of the offending line (it may hold personal
data).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar

import orjson

from vroegsignaal.contract.codes import (
    AANHALINGSTEKENS,
    BESTAND_GEEN_UTF8,
    GEEN_OBJECT,
    GEEN_UTF8,
    ONGELDIGE_CSV_RIJ,
    ONGELDIGE_JSON,
    TE_GROOT_BERICHT,
)
from vroegsignaal.contract.csvfile import CSV_COLUMNS, CsvRecords, Keep
from vroegsignaal.contract.decode import BOM, UTF16_BOMS, decode_message
from vroegsignaal.contract.lines import FileRefused, LineCounts, physical_lines
from vroegsignaal.contract.raw import RawInput

__all__ = [
    "AANHALINGSTEKENS", "CSV_COLUMNS", "GEEN_OBJECT", "GEEN_UTF8", "ONGELDIGE_CSV_RIJ",
    "ONGELDIGE_JSON", "TE_GROOT_BERICHT", "FileRefused", "Keep", "LineCounts", "RawInput",
    "SignalFile", "iter_batches", "read_records", "write_csv", "write_jsonl",
]

StrPath = str | PathLike[str]
T = TypeVar("T")
SUFFIXES = (".jsonl", ".ndjson", ".csv")


class SignalFile:
    """The records of a `.jsonl` or `.csv` signal file, `positie` = the 1-based physical
    line where the record starts. Iterating raises `FileRefused` when the file is refused
    whole; `counts` (contract/lines.py) is complete once iteration has ended.

    `keep(postcode, huisnummer)` (contract/csvfile.py `Keep`), when given, selects records
    as soon as those two fields can be read (JSONL: the decoded object; CSV: the row's
    cells): a record it turns down is counted but not yielded nor built, so a worker that
    takes one address partition of a file (batch/files.py) pays little for the others."""

    def __init__(self, path: StrPath, keep: Keep | None = None) -> None:
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in SUFFIXES:
            raise ValueError(
                f"unsupported signal file type: {suffix!r} (expected .jsonl or .csv)"
            )
        self._keep = keep
        self._csv = CsvRecords(self.path, keep=keep) if suffix == ".csv" else None
        self.counts = self._csv.counts if self._csv is not None else LineCounts()

    def __iter__(self) -> Iterator[RawInput]:
        try:
            yield from (self._csv if self._csv is not None else self._jsonl())
        except FileRefused:
            # Refused whole: every line of it is accounted for as refused, none as read.
            self.counts = LineCounts(regels=_count_lines(self.path), geweigerd_bestand=True)
            if self._csv is not None:
                self._csv.counts = self.counts
            raise

    def _jsonl(self) -> Iterator[RawInput]:
        counts, keep = self.counts, self._keep
        unreadable = keep is None or keep(None, None)  # the lines that cannot be read
        with self.path.open("rb") as fh:
            for lineno, raw in enumerate(physical_lines(fh), start=1):
                counts.regels = lineno
                if raw is None:
                    if unreadable:
                        yield RawInput(lineno, None, TE_GROOT_BERICHT)
                    continue
                if lineno == 1 and raw.startswith(UTF16_BOMS):
                    raise FileRefused(BESTAND_GEEN_UTF8)
                # isspace first: no copy of the line (strip) for every record.
                if raw.isspace() or (BOM in raw and raw.strip() == BOM):
                    counts.leeg += 1  # blank lines (e.g. a trailing one) are not records
                    continue
                data, error = decode_message(raw)
                if keep is not None:
                    client = None if data is None else data.get("client")
                    if type(client) is dict:
                        if not keep(client.get("postcode"), client.get("huisnummer")):
                            continue
                    elif not unreadable:  # no address (or no object): as a line not read
                        continue
                yield RawInput(lineno, data, error)


def _count_lines(path: Path) -> int:
    """Physical lines: newlines, plus one for a last line without one."""
    count, last = 0, b"\n"
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def read_records(path: StrPath, *, keep: Keep | None = None) -> SignalFile:
    """The records of a signal file (see `SignalFile`, also for `keep`); raises ValueError
    for another type."""
    return SignalFile(path, keep)


def iter_batches(records: Iterable[T], size: int) -> Iterator[list[T]]:
    """Group records into lists of at most `size`, preserving order."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    it = iter(records)
    while batch := list(islice(it, size)):
        yield batch


def write_jsonl(path: StrPath, records: Iterable[Mapping[str, Any]]) -> int:
    """Write one JSON object per line (dates as ISO strings); returns the number written."""
    dumps = orjson.dumps
    count = 0
    with open(path, "wb") as fh:
        for rec in records:
            fh.write(dumps(rec, option=orjson.OPT_APPEND_NEWLINE))
            count += 1
    return count


def write_csv(
    path: StrPath,
    records: Iterable[Mapping[str, Any]],
    *,
    extra_columns: Sequence[str] = (),
) -> int:
    """Write records as flat CSV (client fields unprefixed); returns the number written.

    Streams: keys outside the contract get a column when first seen, and only then is
    the file rewritten once at the end to put them in the header and pad the earlier
    rows. Naming them in `extra_columns` avoids that rewrite. Unknown keys nested under
    "client" become unprefixed columns too, so they read back at top level.
    """
    columns = [*CSV_COLUMNS, *(c for c in dict.fromkeys(extra_columns) if c not in CSV_COLUMNS)]
    header_width = len(columns)
    index = {name: i for i, name in enumerate(columns)}
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for rec in records:
            row = [""] * len(columns)
            for key, value in _flat_items(rec):
                pos = index.get(key)
                if pos is None:
                    pos = index[key] = len(columns)
                    columns.append(key)
                    row.append("")
                row[pos] = _cell(value)
            writer.writerow(row)
            count += 1
    if len(columns) > header_width:
        _rewrite_header(Path(path), columns)
    return count


def _rewrite_header(path: Path, columns: list[str]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    width = len(columns)
    with (
        open(path, encoding="utf-8", newline="") as src,
        open(tmp, "w", encoding="utf-8", newline="") as dst,
    ):
        reader = csv.reader(src)
        next(reader)
        writer = csv.writer(dst, lineterminator="\n")
        writer.writerow(columns)
        for row in reader:
            writer.writerow(row + [""] * (width - len(row)))
    os.replace(tmp, path)


def _flat_items(rec: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    for key, value in rec.items():
        if key == "client" and isinstance(value, Mapping):
            yield from value.items()
        else:
            yield key, value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return orjson.dumps(value).decode()
