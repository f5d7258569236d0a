# SPDX-License-Identifier: EUPL-1.2
"""Physical lines of a signal file, and what happened to each (issue 9: every line
accounted for).

A file is read as bytes, one physical line at a time (`\\n` ends a line; a `\\r` before
it belongs to the line ending), never more than `MAX_MESSAGE_BYTES` of a line in memory:
a longer line is skipped to its end and refused as TE_GROOT_BERICHT, the rest of the file
is read on. Every line is then one of: a header line, a record (or the first line of one),
a continuation line of a record whose quoted cell spans lines (CSV), or a blank line
(nothing but spaces, or nothing but separators: Excel leaves those) that is ignored and
counted. `LineCounts.records` is what the pipeline gets; its outcomes (stored, refused,
already received) add up to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from vroegsignaal.contract.decode import MAX_MESSAGE_BYTES
from vroegsignaal.errors import VroegsignaalError


@dataclass(slots=True)
class LineCounts:
    """The physical lines of one file by kind; `records` are the rest."""

    regels: int = 0  # physical lines in the file
    kopregels: int = 0  # the CSV header
    leeg: int = 0  # blank or separator-only: ignored
    vervolgregels: int = 0  # continuation lines of a record that began on an earlier line
    geweigerd_bestand: bool = False  # the file was refused whole: no line was read

    @property
    def records(self) -> int:
        """Records handed to the pipeline: each stored, refused or already received."""
        if self.geweigerd_bestand:
            return 0
        return self.regels - self.kopregels - self.leeg - self.vervolgregels

    def as_dict(self) -> dict[str, int]:
        """The line counts as plain data, by their names in summaries."""
        return {
            "regels": self.regels,
            "kopregels": self.kopregels,
            "genegeerd_leeg": self.leeg,
            "vervolgregels": self.vervolgregels,
            "records": self.records,
            "bestand_geweigerd": self.geweigerd_bestand,
        }


class FileRefused(VroegsignaalError):
    """The file is refused whole (no header, wrong separator, not UTF-8): nothing of it is
    read or echoed. `code` is one of the file codes of contract/codes.py."""

    title = "Bestand geweigerd"

    def __init__(self, code: str, detail: str = "") -> None:
        from vroegsignaal.contract.codes import uitleg

        super().__init__(detail or uitleg(code))
        self.code = code


def physical_lines(fh: BinaryIO, limit: int = MAX_MESSAGE_BYTES) -> Iterator[bytes | None]:
    """Each physical line with its line ending, in order; None for a line longer than
    `limit` bytes (skipped to its end without keeping it)."""
    while True:
        raw = fh.readline(limit + 1)
        if not raw:
            return
        if len(raw) > limit and not (len(raw) == limit + 1 and raw.endswith(b"\n")):
            while raw and not raw.endswith(b"\n"):
                raw = fh.readline(1 << 16)
            yield None
            continue
        yield raw
