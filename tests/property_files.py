# SPDX-License-Identifier: EUPL-1.2
"""Hypothesis strategies for signal files as creditor systems produce them: good rows and
every fault of issue 9 (stray quotes, wrong widths, bad bytes, oversized cells, blank and
separator-only lines, cells spanning lines, non-canonical values), with a marker string in
every personal or free value, so a test can prove no cell content leaks."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from hypothesis import strategies as st

from tests.factories import signaal
from vroegsignaal.contract.csvfile import CSV_COLUMNS

MARK = "QZ" + uuid.uuid4().hex[:6].upper() + "MRK"
HEADER = [*CSV_COLUMNS, "opmerking"]
_ids = st.integers(min_value=0, max_value=10**12)


def _message(n: int) -> dict[str, Any]:
    """A valid message; `n` (drawn: the same draws, the same message) makes its ids."""
    return signaal(signaalId=f"P-{n}", klantreferentie=f"K-{n}",
                   client__achternaam=f"Proef {MARK}", client__straatnaam=f"Laan{MARK}",
                   client__huisnummer=str(1 + n % 400))


_odd_cells = {
    "bedrag": ["850", "1.000", "1.000,00", "1000,-", "€ 1000", " 850", "0850", MARK, "12.5"],
    "crisissignaal": ["true", "false", "TRUE", "ja", "1", MARK],
    "signaaldatum": ["2026-03-10", "2026-03-10 00:00:00", "10-03-2026", MARK],
    "postcode": ["3511 AB", "3511AB", f"{MARK}", "0123 AB"],
    "telefoonnummer": ["06-12345678", f"bel {MARK}", ""],
    "geboortedatum": ["1979-04-02", "2099-01-01", f"{MARK}"],
}


@st.composite
def csv_row(draw: st.DrawFn) -> list[str]:
    msg = _message(draw(_ids))
    flat = {k: v for k, v in msg.items() if k != "client"} | msg["client"]
    cells = {k: "true" if v is True else "false" if v is False else str(v)
             for k, v in flat.items()}
    for column, options in _odd_cells.items():
        if draw(st.booleans()):
            cells[column] = draw(st.sampled_from(options))
    cells["opmerking"] = f"vrij {MARK}"
    return [cells.get(c, "") for c in HEADER]


def _csv_cell(cell: str) -> str:
    if any(ch in cell for ch in ',"\n\r'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@st.composite
def csv_line(draw: st.DrawFn) -> bytes:
    """One physical line (or, for a quoted cell spanning lines, two) with its newline."""
    kind = draw(st.sampled_from(["good", "good", "good", "blank", "separators", "stray_quote",
                                 "short", "long", "bad_bytes", "oversized", "spanning"]))
    row = draw(csv_row())
    if kind == "blank":
        return draw(st.sampled_from([b"\n", b"   \n", b"\r\n"]))
    if kind == "separators":
        return b"," * draw(st.integers(1, len(HEADER) + 2)) + b"\n"
    if kind == "stray_quote":
        i = draw(st.integers(0, len(row) - 1))
        row[i] = '"' + row[i]
        return ",".join(row).encode() + b"\n"
    if kind == "short":
        return ",".join(_csv_cell(c) for c in row[:-2]).encode() + b"\n"
    if kind == "long":
        return ",".join(_csv_cell(c) for c in [*row, MARK]).encode() + b"\n"
    if kind == "bad_bytes":
        return ",".join(_csv_cell(c) for c in row).encode().replace(b"Proef", b"Pr\xffoef") + b"\n"
    if kind == "oversized":
        row[-1] = MARK * 6000
    if kind == "spanning":
        row[-1] = f"twee\nregels {MARK}"
    return ",".join(_csv_cell(c) for c in row).encode() + b"\n"


@st.composite
def csv_file(draw: st.DrawFn) -> bytes:
    bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    lines = draw(st.lists(csv_line(), min_size=0, max_size=25))
    body = b"".join(lines)
    if draw(st.booleans()):
        body = body.rstrip(b"\n")  # no newline after the last line
    return bom + ",".join(HEADER).encode() + b"\n" + body


@st.composite
def jsonl_line(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["good", "good", "good", "blank", "truncated", "not_object",
                                 "lone_surrogate", "bad_bytes", "oversized", "odd_value",
                                 "bom"]))
    msg = _message(draw(_ids))
    msg["opmerking"] = f"vrij {MARK}"
    raw = orjson.dumps(msg)
    if kind == "blank":
        return draw(st.sampled_from([b"\n", b"  \n"]))
    if kind == "truncated":
        return raw[: draw(st.integers(1, len(raw) - 1))].replace(b"\n", b"") + b"\n"
    if kind == "not_object":
        return orjson.dumps([MARK, 1]) + b"\n"
    if kind == "lone_surrogate":
        return raw.replace(b'"vrij ', b'"vrij \\ud800 ') + b"\n"
    if kind == "bad_bytes":
        return raw.replace(b"Proef", b"Pr\xffoef") + b"\n"
    if kind == "oversized":
        msg["opmerking"] = MARK * 6000
        return orjson.dumps(msg) + b"\n"
    if kind == "odd_value":
        field = draw(st.sampled_from(["bedrag", "crisissignaal", "signaaldatum"]))
        msg[field] = draw(st.sampled_from(["1.000", MARK, 1420.0, "yes", 1767225600]))
        return orjson.dumps(msg) + b"\n"
    if kind == "bom":
        return b"\xef\xbb\xbf" + raw + b"\n"
    return raw + b"\n"


@st.composite
def jsonl_file(draw: st.DrawFn) -> bytes:
    body = b"".join(draw(st.lists(jsonl_line(), min_size=0, max_size=25)))
    return body.rstrip(b"\n") if draw(st.booleans()) else body
