# SPDX-License-Identifier: EUPL-1.2
"""Signal files as pandas frames in the flat contract layout, for the file validation.

Every record becomes one row: the CSV columns of the contract (JSONL `client` fields
flattened unprefixed, as in CSV), every other key as a column of its own (a name that is
not a plain field name as `onherkenbaar veld`, privacy/filter.py), plus three columns of
codes: `leesfout` (the line could not be read), `contractfout` (what the contract's own
check, vroegsignaal/contract/check.py, refuses: "veld:fout;...") and `weggelaten` (the
optional identifiers the contract drops). So validation judges a row exactly as intake
does (issue 9: one definition of the contract). The index, named `regel`, is the
physical line, which the report names (a named index also lets GX list failing rows
without touching their values). Values are kept as text exactly as delivered, so the
suite's own checks (the sender, unusual amounts) judge what the schuldeiser sent.

Reading goes through `vroegsignaal.contract.io.read_records`, the same reader the
intake uses, so line numbers in the report are the lines the intake refuses.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from vroegsignaal.contract.check import check_message
from vroegsignaal.contract.io import CSV_COLUMNS, SignalFile, read_records
from vroegsignaal.contract.raw import RawInput
from vroegsignaal.contract.signaal import CLIENT_FIELDS
from vroegsignaal.privacy.filter import recordable_name

if TYPE_CHECKING:
    import pandas as pd

ROW_COLUMN = "regel"
ERROR_COLUMN = "leesfout"
CONTRACT_COLUMN = "contractfout"
DROPPED_COLUMN = "weggelaten"
FRAME_COLUMNS: tuple[str, ...] = (ERROR_COLUMN, CONTRACT_COLUMN, DROPPED_COLUMN, *CSV_COLUMNS)
DEFAULT_CHUNK_ROWS = 25_000  # about 300 MB per validating process, GX included


def _text(value: Any) -> str | None:
    """The delivered value as text: booleans as true/false, whole floats without '.0'."""
    if value is None or isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if math.isfinite(value) and value.is_integer() else repr(value)
    return orjson.dumps(value).decode()  # nested objects and lists: judged as text


def flatten(record: RawInput) -> dict[str, Any]:
    """One record as a flat row with its contract verdict; unknown client keys keep their
    `client.` prefix, and an unknown key that is not a plain name is not kept as one."""
    row: dict[str, Any] = {ROW_COLUMN: record.positie, ERROR_COLUMN: record.fout}
    data = record.data
    if data is None:
        return row
    check = check_message(data)
    if check.fouten:
        row[CONTRACT_COLUMN] = contract_codes(check.fouten)
    if check.weggelaten:
        row[DROPPED_COLUMN] = ";".join(check.weggelaten)
    for key, value in data.items():
        if key == "client" and isinstance(value, dict):
            for ckey, cvalue in value.items():
                row[ckey if ckey in CLIENT_FIELDS else _unknown(ckey, "client.")] = cvalue
        else:
            row[key if key in _CONTRACT_KEYS else _unknown(key)] = value
    return row


def contract_codes(fouten: list[dict[str, Any]]) -> str:
    """The contract's refusal as codes: "bedrag:bedrag_formaat;client.postcode:missing"."""
    return ";".join(f"{f.get('veld', '')}:{f['fout']}" for f in fouten)


def _unknown(key: Any, prefix: str = "") -> str:
    # A key that is a helper column's name must not overwrite the verdict in it.
    name = recordable_name(key)
    if name == ONHERKENBAAR:
        return name
    return prefix + name if prefix or name not in _KNOWN else f"bericht.{name}"


def to_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows as a frame with every contract column present (absent fields are empty)."""
    import pandas as pd

    extra = list(dict.fromkeys(k for row in rows for k in row if k not in _KNOWN))
    frame = pd.DataFrame.from_records(rows, columns=[ROW_COLUMN, *FRAME_COLUMNS, *extra])
    frame = frame.set_index(frame[ROW_COLUMN].astype("int64")).drop(columns=ROW_COLUMN)
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.infer_dtype(column, skipna=True) not in ("string", "empty"):
            frame[name] = column.map(_text, na_action="ignore").astype(object)
    return frame


_KNOWN = frozenset((ROW_COLUMN, *FRAME_COLUMNS))
_CONTRACT_KEYS = frozenset(CSV_COLUMNS)
ONHERKENBAAR = recordable_name("")


def iter_frames(
    records: Iterable[RawInput],
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    part: tuple[int, int] = (0, 1),
) -> Iterator[pd.DataFrame]:
    """Frames of at most `chunk_rows` rows; an empty input gives one empty frame.

    With `part=(k, n)` only every n-th chunk from the k-th on is built, so n processes
    can share a file without sending rows to each other.
    """
    k, n = part
    it = iter(records)
    index = 0
    while True:
        if index % n == k:
            rows = [flatten(r) for r in islice(it, chunk_rows)]
            if not rows:
                break
            yield to_frame(rows)
        elif next(islice(it, chunk_rows - 1, None), None) is None:
            break  # skipped another process's chunk, and it was the last one
        index += 1
    if index == 0 and k == 0:
        yield to_frame([])


def iter_file_frames(
    path: Path | SignalFile, chunk_rows: int = DEFAULT_CHUNK_ROWS, part: tuple[int, int] = (0, 1)
) -> Iterator[pd.DataFrame]:
    """Frames of a signal file (or of an open `SignalFile`, whose line counts the caller
    reads afterwards); raises `FileRefused` when the file is refused whole."""
    records = path if isinstance(path, SignalFile) else read_records(path)
    return iter_frames(records, chunk_rows, part)
