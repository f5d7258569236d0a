# SPDX-License-Identifier: EUPL-1.2
"""Read and write signal files in the contract format (JSONL and flat CSV).

Reading streams: one record at a time, constant memory, nothing validated beyond
"is this a JSON object / a CSV row of the right width". Validation against
`SignaalBericht` and dropping unknown fields are later pipeline steps, so every
column and key that arrives is passed on untouched.

Error codes never contain any content of the offending line (it may hold personal data).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar

import orjson

from vroegsignaal.contract.raw import RawInput
from vroegsignaal.contract.signaal import Client, SignaalBericht

StrPath = str | PathLike[str]
T = TypeVar("T")

ONGELDIGE_JSON = "ONGELDIGE_JSON"
GEEN_OBJECT = "GEEN_OBJECT"
ONGELDIGE_CSV_RIJ = "ONGELDIGE_CSV_RIJ"
ONGELDIGE_TEKENCODERING = "ONGELDIGE_TEKENCODERING"

# Flat CSV layout: top-level contract fields, then the client fields unprefixed, in model order.
TOP_LEVEL_COLUMNS: tuple[str, ...] = tuple(f for f in SignaalBericht.model_fields if f != "client")
CLIENT_COLUMNS: tuple[str, ...] = tuple(Client.model_fields)
CSV_COLUMNS: tuple[str, ...] = TOP_LEVEL_COLUMNS + CLIENT_COLUMNS

_CLIENT_SET = frozenset(CLIENT_COLUMNS)
_BOOL_COLUMNS = frozenset(
    name for name, f in SignaalBericht.model_fields.items() if f.annotation is bool
)
_INT_COLUMNS = frozenset({"bedrag"})
_INT_RE = re.compile(r"-?[0-9]+")
_BOM = b"\xef\xbb\xbf"


def read_records(path: StrPath) -> Iterator[RawInput]:
    """Stream the records of a `.jsonl` or `.csv` signal file, `positie` = the 1-based
    physical line where the record starts."""
    suffix = Path(path).suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return _read_jsonl(path)
    if suffix == ".csv":
        return _read_csv(path)
    raise ValueError(f"unsupported signal file type: {suffix!r} (expected .jsonl or .csv)")


def _read_jsonl(path: StrPath) -> Iterator[RawInput]:
    loads = orjson.loads
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if lineno == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            if not raw.strip():
                continue  # blank lines (e.g. a trailing newline) are not records
            try:
                data = loads(raw)
            except orjson.JSONDecodeError:  # also catches invalid UTF-8
                yield RawInput(lineno, None, ONGELDIGE_JSON)
                continue
            if type(data) is dict:
                yield RawInput(lineno, data, None)
            else:
                yield RawInput(lineno, None, GEEN_OBJECT)


def _read_csv(path: StrPath) -> Iterator[RawInput]:
    # surrogateescape: a bad byte spoils one row, not the whole file.
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh)
        header_row = next(reader, None)
        if header_row is None:
            return
        header = [h.strip() for h in header_row]
        width = len(header)
        targets = [_column_target(name) for name in header]
        prev_end = reader.line_num
        for row in reader:
            lineno, prev_end = prev_end + 1, reader.line_num
            if not row:
                continue  # blank line
            if len(row) != width:
                yield RawInput(lineno, None, ONGELDIGE_CSV_RIJ)
                continue
            if not all(cell.isascii() for cell in row) and not _valid_utf8(row):
                yield RawInput(lineno, None, ONGELDIGE_TEKENCODERING)
                continue
            yield RawInput(lineno, _row_to_message(row, header, targets), None)


def _column_target(name: str) -> int:
    """0 = top-level text, 1 = client field, 2 = integer, 3 = boolean."""
    if name in _CLIENT_SET:
        return 1
    if name in _INT_COLUMNS:
        return 2
    if name in _BOOL_COLUMNS:
        return 3
    return 0  # contract fields and unknown columns alike stay at top level


def _valid_utf8(row: list[str]) -> bool:
    try:
        for cell in row:
            cell.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _row_to_message(row: list[str], header: list[str], targets: list[int]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    client: dict[str, Any] = {}
    for name, target, cell in zip(header, targets, row, strict=True):
        if not cell or cell.isspace():
            continue  # empty cell = absent field
        if target == 1:
            client[name] = cell
        elif target == 2:
            data[name] = int(cell) if _INT_RE.fullmatch(cell.strip()) else cell
        elif target == 3:
            data[name] = _parse_bool(cell)
        else:
            data[name] = cell
    if client:
        data["client"] = client
    return data


def _parse_bool(cell: str) -> bool | str:
    low = cell.strip().lower()
    if low == "true":
        return True
    if low == "false":
        return False
    return cell  # leave anything else for the validator to refuse


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
