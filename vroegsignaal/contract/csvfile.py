# SPDX-License-Identifier: EUPL-1.2
"""Reading a flat CSV signal file (docs/contract.md, "CSV"): header, records, one
conversion per field.

The file is UTF-8, comma-separated, RFC 4180 quoting, a header line with the contract's
field names (client fields without prefix). Parsing is the standard library's `csv`
(strict), one physical line at a time (contract/lines.py), so a fault stays on its line (a
line without quotes is split at its commas instead, as the csv module would):

- a quote that is not closed on its line may open a cell that spans lines (RFC 4180); the
  record then ends on the line where the quote closes, at most `MAX_RECORD_LINES` later and
  `MAX_MESSAGE_BYTES` long. When it does not close there, or the record does not have the
  header's width, only the first line is refused (AANHALINGSTEKENS) and reading goes on
  with the next line: one stray quote never swallows the lines after it;
- a line that is not UTF-8, too long, of another width than the header, or has text after a
  closing quote is refused with its line number; blank and separator-only lines are
  ignored and counted;
- a file whose first line lacks the required columns is refused whole (FileRefused), and
  when another separator would have given them, the code says so
  (PUNTKOMMA_ALS_SCHEIDINGSTEKEN).

Cells are text. `convert_cell` is the one conversion per field: an empty cell is an absent
field; `bedrag` in canonical digits (`0`, `1000`) becomes a number and anything else stays
text, which the contract refuses (`bedrag_formaat`: `1.000`, `1.000,00`, `1000,-`,
`€ 1000`, ` 850`, `0850`); `true`/`false` (any letter case: Excel writes TRUE) become
booleans and anything else stays text (`ja_nee_formaat`: `1`, `ja`, `yes`); dates stay
text, judged by the contract's date rule (`datum_formaat`: `2026-11-25 00:00:00`).
"""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from vroegsignaal.contract import codes
from vroegsignaal.contract.decode import BOM, MAX_MESSAGE_BYTES, UTF16_BOMS
from vroegsignaal.contract.lines import FileRefused, LineCounts, physical_lines
from vroegsignaal.contract.raw import RawInput
from vroegsignaal.contract.signaal import Client, SignaalBericht

# Flat CSV layout: top-level contract fields, then the client fields unprefixed, in model order.
TOP_LEVEL_COLUMNS: tuple[str, ...] = tuple(f for f in SignaalBericht.model_fields if f != "client")
CLIENT_COLUMNS: tuple[str, ...] = tuple(Client.model_fields)
CSV_COLUMNS: tuple[str, ...] = TOP_LEVEL_COLUMNS + CLIENT_COLUMNS
REQUIRED_COLUMNS: tuple[str, ...] = tuple(
    name
    for model, names in ((SignaalBericht, TOP_LEVEL_COLUMNS), (Client, CLIENT_COLUMNS))
    for name in names
    if model.model_fields[name].is_required()
)
MAX_RECORD_LINES = 20  # a quoted cell may span at most this many lines

_CLIENT_SET = frozenset(CLIENT_COLUMNS)
_BOOL_COLUMNS = frozenset({"crisissignaal", "warmeOverdracht", "bezwaar"})
_AMOUNT_COLUMNS = frozenset({"bedrag"})
# Canonical whole euros: no sign, no leading zero, no separators; 18 digits at most (more
# than the contract's maximum, and still an exact int).
_CANONICAL_AMOUNT = re.compile(r"(?:0|[1-9][0-9]{0,17})")
_OTHER_SEPARATORS = (
    (";", codes.PUNTKOMMA_ALS_SCHEIDINGSTEKEN),
    ("\t", codes.TAB_ALS_SCHEIDINGSTEKEN),
)

TEXT, CLIENT, AMOUNT, BOOLEAN = 0, 1, 2, 3
_Line = tuple[int, str | None, str]  # (line number, text or None, error code when None)
# keep(postcode, huisnummer): whether to build and yield a record (contract/io.py SignalFile).
# Each is the field as the message carries it, None when absent; a line that cannot be read,
# or a message without a client object, is asked as (None, None).
Keep = Callable[[Any, Any], bool]


def convert_cell(kind: int, cell: str) -> Any:
    """The value of one non-empty cell for its column kind (module docstring)."""
    if kind == AMOUNT:
        return int(cell) if _CANONICAL_AMOUNT.fullmatch(cell) else cell
    if kind == BOOLEAN:
        low = cell.lower()
        return True if low == "true" else False if low == "false" else cell
    return cell


def column_kind(name: str) -> int:
    """Which kind of CSV column `name` is (CLIENT, AMOUNT, ...: the constants above)."""
    if name in _CLIENT_SET:
        return CLIENT
    if name in _AMOUNT_COLUMNS:
        return AMOUNT
    if name in _BOOL_COLUMNS:
        return BOOLEAN
    return TEXT  # contract fields and unknown columns alike stay at top level


class _Feed:
    """The lines the csv reader gets next; one reader parses the whole file."""

    __slots__ = ("lines",)

    def __init__(self) -> None:
        self.lines: deque[str] = deque()

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        if self.lines:
            return self.lines.popleft()
        raise StopIteration


class CsvRecords:
    """The records of one CSV file; `counts` is complete once iteration has ended."""

    def __init__(
        self, path: str | Path, limit: int = MAX_MESSAGE_BYTES, keep: Keep | None = None
    ) -> None:
        self.path = Path(path)
        self.limit = limit
        self.keep = keep
        self.counts = LineCounts()
        self._feed = _Feed()
        self._reader = csv.reader(self._feed, strict=True)

    def _parse(self, lines: list[str]) -> list[str] | None:
        """One record from exactly `lines`, or None when they are not one clean record."""
        self._feed.lines.clear()
        self._feed.lines.extend(lines)
        try:
            row = next(self._reader)
        except (csv.Error, StopIteration):
            return None
        return None if self._feed.lines else row

    def _parse_line(self, text: str) -> list[str] | None:
        """`_parse([text])` for one physical line. A line with no quote and no carriage
        return but its line ending is its text split at the commas, which is what the csv
        module makes of it (tests/unit/contract/test_csv_lines.py compares them). Every file
        worker parses every line; on the 1M bench file (25 columns) this measured 2.3 ->
        1.7 s CPU for reading all lines. Any other line goes to the csv module."""
        body = text[:-1] if text.endswith("\n") else text
        if body.endswith("\r"):
            body = body[:-1]
        if '"' in body or "\r" in body:
            return self._parse([text])
        return body.split(",") if body else []

    def __iter__(self) -> Iterator[RawInput]:
        with self.path.open("rb") as fh:
            lines = self._decoded(physical_lines(fh, self.limit))
            header = self._header(lines)
            yield from self._records(lines, header)

    def _decoded(self, raw_lines: Iterator[bytes | None]) -> Iterator[_Line]:
        """(line number, text or None, error code when None) for every physical line."""
        for lineno, raw in enumerate(raw_lines, start=1):
            self.counts.regels = lineno
            if raw is None:
                yield lineno, None, codes.TE_GROOT_BERICHT
                continue
            if lineno == 1:
                if raw.startswith(UTF16_BOMS):
                    raise FileRefused(codes.BESTAND_GEEN_UTF8)
                if raw.startswith(BOM):
                    raw = raw[len(BOM) :]
            try:
                yield lineno, raw.decode("utf-8"), ""
            except UnicodeDecodeError:
                yield lineno, None, codes.GEEN_UTF8

    def _header(self, lines: Iterator[_Line]) -> list[str]:
        first = next(lines, None)
        if first is None:
            raise FileRefused(codes.LEEG_BESTAND)
        _, text, _ = first
        if text is None:
            raise FileRefused(codes.BESTAND_GEEN_UTF8)
        self.counts.kopregels = 1
        row = self._parse([text]) or []
        header = [name.strip() for name in row]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            for separator, code in _OTHER_SEPARATORS:
                other = next(csv.reader([text], delimiter=separator), [])
                if all(c in {n.strip() for n in other} for c in REQUIRED_COLUMNS):
                    raise FileRefused(code)
            raise FileRefused(
                codes.KOPREGEL_ONTBREEKT,
                codes.uitleg(codes.KOPREGEL_ONTBREEKT)
                + f" Ontbrekende kolommen: {', '.join(missing)}.",  # contract names only
            )
        if len(set(header)) != len(header):
            raise FileRefused(codes.DUBBELE_KOLOM)
        return header

    def _records(self, lines: Iterator[_Line], header: list[str]) -> Iterator[RawInput]:
        width = len(header)
        kinds = [column_kind(name) for name in header]
        keep = self.keep
        unreadable = keep is None or keep(None, None)
        # Required columns, so in every header that got here.
        at_postcode, at_huisnummer = header.index("postcode"), header.index("huisnummer")
        pending: deque[_Line] = deque()  # lines read ahead for a spanning record, not used
        while True:
            current = pending.popleft() if pending else next(lines, None)
            if current is None:
                return
            lineno, text, error = current
            if text is None:
                if unreadable:
                    yield RawInput(lineno, None, error)
                continue
            row = self._parse_line(text)
            continued: list[_Line] = []
            if row is None and text.count('"') % 2 == 1:
                row, continued = self._spanning(text, lines, pending)
            if row is not None and continued and len(row) != width:
                row = None  # a stray quote joined lines: read them again on their own
            if row is None:
                pending.extendleft(reversed(continued))
                if unreadable:
                    yield RawInput(lineno, None, codes.AANHALINGSTEKENS)
                continue
            if _blank_row(row):
                self.counts.leeg += 1  # blank, or nothing but separators
                continue
            if len(row) != width:
                if unreadable:
                    yield RawInput(lineno, None, codes.ONGELDIGE_CSV_RIJ)
                continue
            self.counts.vervolgregels += len(continued)
            if keep is None or keep(_field(row[at_postcode]), _field(row[at_huisnummer])):
                yield RawInput(lineno, _row_to_message(row, header, kinds), None)

    def _spanning(
        self, text: str, lines: Iterator[_Line], pending: deque[_Line]
    ) -> tuple[list[str] | None, list[_Line]]:
        """A record whose quoted cell continues on the next lines: (row, its continuation
        lines), or (None, []) when the quote does not close within the limits; lines read
        ahead and not used go back to `pending`, in order."""
        taken: list[_Line] = []
        size = len(text)
        while len(taken) < MAX_RECORD_LINES - 1:
            nxt = pending.popleft() if pending else next(lines, None)
            if nxt is None:
                break
            taken.append(nxt)
            if nxt[1] is None:
                break
            size += len(nxt[1])
            if size > self.limit:
                break
            row = self._parse([text, *(t for _, t, _ in taken if t is not None)])
            if row is not None:
                return row, taken
        pending.extendleft(reversed(taken))
        return None, []


def _blank_row(row: list[str]) -> bool:
    """Whether every cell is empty or spaces (also for no cells: an empty line)."""
    first = row[0] if row else ""
    if first and not first.isspace():
        return False  # most rows, without a generator: measured 0.55 -> 0.1 µs a row
    return all(not cell or cell.isspace() for cell in row)


def _field(cell: str) -> str | None:
    """A client cell as `_row_to_message` puts it in the message: None when empty."""
    return None if not cell or cell.isspace() else cell


def _row_to_message(row: list[str], header: list[str], kinds: list[int]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    client: dict[str, Any] = {}
    for name, kind, cell in zip(header, kinds, row, strict=True):
        if not cell or cell.isspace():
            continue  # empty cell = absent field
        if kind == CLIENT:
            client[name] = cell
        else:
            data[name] = convert_cell(kind, cell)
    if client:
        data["client"] = client
    return data
