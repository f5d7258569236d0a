# SPDX-License-Identifier: EUPL-1.2
"""The batch-file rule: a delivered file is ingested (its valid rows) or quarantined whole.

Decided on the whole file's validation before a single row is ingested
(docs/batch-intake.md, "Rules for batch files"):

0. A file the reader refuses whole (no header with the required columns, another separator
   than a comma, not UTF-8: vroegsignaal/contract/csvfile.py) is quarantined unread.
1. A failed **fatal** check (empty file, a row for another schuldeiser than the one whose
   folder the file came from, a check that could not run) quarantines the file.
2. More invalid rows (failing an **error** check) than `batch_max_invalid_fraction` of the
   rows (default 1%) quarantines the file: so many bad rows point at a broken export,
   and the rows that pass may be wrong in ways no check sees.
3. Otherwise every valid row is ingested and every invalid row is refused
   (ONGELDIG_BERICHT, with the codes of the checks it failed), as any other door does
   with an invalid message.

**Warning** checks never decide; they are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from batch.validation import FileValidation


class Besluit(StrEnum):
    INNEMEN = "innemen"
    QUARANTAINE = "quarantaine"


class Grond(StrEnum):
    """Why the rule decided as it did; stable codes for reports and logs."""

    BESTAND_GEWEIGERD = "BESTAND_GEWEIGERD"
    FATALE_CONTROLE = "FATALE_CONTROLE"
    TE_VEEL_ONGELDIGE_REGELS = "TE_VEEL_ONGELDIGE_REGELS"
    BINNEN_DREMPEL = "BINNEN_DREMPEL"
    ALLES_GELDIG = "ALLES_GELDIG"


@dataclass(frozen=True, slots=True)
class Verdict:
    besluit: Besluit
    grond: Grond
    rows: int
    invalid_rows: int
    max_invalid_fraction: float
    fatal_codes: tuple[str, ...] = ()

    @property
    def invalid_fraction(self) -> float:
        return self.invalid_rows / self.rows if self.rows else 0.0


def decide(validation: FileValidation, *, max_invalid_fraction: float) -> Verdict:
    invalid = len(validation.invalid_lines())
    common = {
        "rows": validation.rows,
        "invalid_rows": invalid,
        "max_invalid_fraction": max_invalid_fraction,
    }
    if validation.file_refused:
        return Verdict(Besluit.QUARANTAINE, Grond.BESTAND_GEWEIGERD,
                       fatal_codes=(validation.file_refused,), **common)
    fatal = tuple(f.code for f in validation.failed if f.severity == "fatal" or f.crashed)
    if fatal:
        return Verdict(Besluit.QUARANTAINE, Grond.FATALE_CONTROLE, fatal_codes=fatal, **common)
    if validation.rows and invalid / validation.rows > max_invalid_fraction:
        return Verdict(Besluit.QUARANTAINE, Grond.TE_VEEL_ONGELDIGE_REGELS, **common)
    if invalid:
        return Verdict(Besluit.INNEMEN, Grond.BINNEN_DREMPEL, **common)
    return Verdict(Besluit.INNEMEN, Grond.ALLES_GELDIG, **common)
